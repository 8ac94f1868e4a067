import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM, defineService } from '../../../../lib/core/index.js';
import { HPA_BEHAVIOR } from '../../../../lib/k8s/hpa.js';
import { kubernetesManifests } from '../../../../lib/k8s/service-chart.js';
import { HELM_VALUES_SCHEMA, helmValuesFor, helmValuesProblems, type HelmValues } from '../../../../lib/render/helm/values.js';
import { harveyBackendService } from '../../../../stacks/harvey-backend.service.js';
import { stacks } from '../../../../stacks/index.js';

const harvey = harveyBackendService.workload('harvey-backend');
const values = helmValuesFor(harveyBackendService, harvey);

/** The values with one field replaced, for one-broken-field cases. */
function withField(path: string, value: unknown): unknown {
  const copy = structuredClone(values) as Record<string, any>;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key];
  target[keys.at(-1)!] = value;
  return copy;
}

describe('helmValuesFor', () => {
  it('renders the Harvey Backend values of the service contract', () => {
    const probe = { httpGet: { path: '/health', port: 'http' } };
    expect(values).toEqual({
      replicaCount: 3,
      image: { repository: 'ghcr.io/example-org/harvey-backend', tag: 'v1.2.3', pullPolicy: 'IfNotPresent' },
      service: { type: 'ClusterIP', port: 8000 },
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70, behavior: HPA_BEHAVIOR },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      livenessProbe: { ...probe, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      readinessProbe: { ...probe, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
      startupProbe: { ...probe, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
      metrics: { enabled: true, path: '/metrics', port: 8000 },
    } satisfies HelmValues);
  });

  it('gives a slow-booting LLM app five minutes to start before liveness takes over', () => {
    const { periodSeconds, failureThreshold } = values.startupProbe;
    expect(periodSeconds * failureThreshold).toBe(300);
  });

  it('uses the same autoscaling numbers as the rendered HPA', () => {
    const [hpa] = kubernetesManifests({ stack: { service: harveyBackendService, alerts: [], dashboards: [] }, platform: DEFAULT_PLATFORM, ruleGroups: [] });
    const spec = (hpa!.object as { spec: { minReplicas: number; maxReplicas: number; behavior: unknown; metrics: { resource: { name: string; target: { averageUtilization: number } } }[] } }).spec;
    const target = (name: string) => spec.metrics.find((m) => m.resource.name === name)?.resource.target.averageUtilization;
    expect(values.autoscaling).toEqual({
      enabled: true,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: target('cpu'),
      targetMemoryUtilizationPercentage: target('memory'),
      behavior: spec.behavior,
    });
  });

  it.each(stacks.flatMap((stack) => stack.service.workloads.filter((w) => w.autoscaling).map((w) => [stack.service.name, w.name, stack] as const)))(
    'gives %s/%s the scale-up and scale-down behavior of its rendered HPA',
    (_service, workload, stack) => {
      const hpas = kubernetesManifests({ stack: { service: stack.service, alerts: [], dashboards: [] }, platform: DEFAULT_PLATFORM, ruleGroups: [] })
        .map((m) => m.object as { kind: string; metadata: { name: string }; spec: { behavior: { scaleDown: { stabilizationWindowSeconds: number } } } })
        .filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === workload);
      expect(hpas).toHaveLength(1);
      const behavior = helmValuesFor(stack.service, stack.service.workload(workload)).autoscaling.behavior;
      expect(behavior).toEqual(hpas[0]!.spec.behavior);
      expect(behavior?.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(0);
    },
  );

  it('disables autoscaling for a workload without it and keeps its replica count', () => {
    const fixed = defineService({
      name: 'fixed',
      title: 'Fixed',
      alertPrefix: 'Fixed',
      team: 'platform',
      workloads: [{
        name: 'fixed',
        port: 8080,
        image: { repository: 'ghcr.io/example-org/fixed', tag: 'latest' },
        replicas: 2,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
      }],
    });
    const fixedValues = helmValuesFor(fixed, fixed.workload('fixed'));
    expect(fixedValues.autoscaling).toEqual({ enabled: false });
    expect(fixedValues.replicaCount).toBe(2);
    expect(fixedValues.image.pullPolicy).toBe('Always');
    expect(fixedValues.podSecurityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(fixedValues.resources.limits.cpu).toBe('1000m');
    expect(helmValuesProblems(fixedValues)).toEqual([]);
  });

  it('refuses a workload of another service', () => {
    const other = defineService({
      name: 'other', title: 'Other', alertPrefix: 'Other', team: 'platform',
      workloads: [{ name: 'other', port: 8080, image: { repository: 'r', tag: 't' }, replicas: 1, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }],
    });
    expect(() => helmValuesFor(harveyBackendService, other.workload('other'))).toThrowError(
      "workload 'other' is not one of service 'harvey-backend''s workloads",
    );
  });
});

describe('HELM_VALUES_SCHEMA and helmValuesProblems', () => {
  it('accepts the Harvey values', () => {
    expect(helmValuesProblems(values)).toEqual([]);
  });

  it('is a draft-07 schema closed to unknown keys at every level', () => {
    expect(HELM_VALUES_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
    // helmValuesProblems compiles it without checking it against the meta-schema: this test does.
    const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
    expect(ajv.validateSchema(HELM_VALUES_SCHEMA), JSON.stringify(ajv.errors)).toBe(true);
    const open: string[] = [];
    const walk = (schema: Record<string, any>, path: string): void => {
      if (schema.type !== 'object') return;
      if (path !== 'global' && schema.additionalProperties !== false) open.push(path || '(root)');
      for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child as Record<string, any>, path ? `${path}.${key}` : key);
    };
    walk(HELM_VALUES_SCHEMA, '');
    expect(open).toEqual([]);
  });

  it('requires every top-level key helmValuesFor renders', () => {
    expect([...(HELM_VALUES_SCHEMA.required as string[])].sort()).toEqual(Object.keys(values).sort());
  });

  it("accepts Helm's global values, passed to every chart used as a subchart", () => {
    expect(helmValuesProblems({ ...values, global: { imageRegistry: 'registry.example.com' } })).toEqual([]);
  });

  it('reports a value of the wrong type with its path, the expected type and the value', () => {
    expect(helmValuesProblems(withField('autoscaling.maxReplicas', '10'))).toEqual(['autoscaling.maxReplicas must be integer (got "10")']);
  });

  it('reports an extra key with the keys that are allowed there', () => {
    expect(helmValuesProblems(withField('image.digest', 'sha256:abc'))).toEqual([
      "image: unknown key 'digest' (allowed: repository, tag, pullPolicy)",
    ]);
  });

  it('reports a misspelled top-level key as unknown and the real one as missing', () => {
    const { replicaCount, ...rest } = values;
    expect(helmValuesProblems({ ...rest, replicacount: replicaCount })).toEqual([
      "(root): missing required key 'replicaCount'",
      "(root): unknown key 'replicacount' (allowed: global, replicaCount, image, service, autoscaling, resources, podSecurityContext, securityContext, livenessProbe, readinessProbe, startupProbe, metrics, securityExceptions)",
    ]);
  });

  it('refuses values that weaken the security context', () => {
    expect(helmValuesProblems(withField('securityContext.allowPrivilegeEscalation', true))).toEqual([
      'securityContext.allowPrivilegeEscalation must be false (got true)',
    ]);
    expect(helmValuesProblems(withField('podSecurityContext.runAsUser', 0))).toEqual(['podSecurityContext.runAsUser must be >= 1 (got 0)']);
  });

  it('accepts a writable root filesystem only together with the reason for it', () => {
    expect(helmValuesProblems(withField('securityContext.readOnlyRootFilesystem', false))).toEqual([
      "(root): missing required key 'securityExceptions'",
    ]);
    const optedOut = { ...(withField('securityContext.readOnlyRootFilesystem', false) as object), securityExceptions: { readOnlyRootFilesystem: 'writes its model cache to /app/cache' } };
    expect(helmValuesProblems(optedOut)).toEqual([]);
  });

  it('refuses a resource quantity written in the wrong unit', () => {
    expect(helmValuesProblems(withField('resources.limits.memory', '4GB'))).toEqual([
      'resources.limits.memory must match pattern "^[0-9]+(Ki|Mi|Gi|Ti)$" (got "4GB")',
    ]);
  });

  it('refuses enabled autoscaling without bounds or a target', () => {
    expect(helmValuesProblems(withField('autoscaling', { enabled: true }))).toEqual([
      'autoscaling: must set at least one of targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage',
      "autoscaling: missing required key 'minReplicas'",
      "autoscaling: missing required key 'maxReplicas'",
    ]);
  });

  it('refuses an HPA behavior the API would refuse, naming the path', () => {
    const behavior = { ...HPA_BEHAVIOR, scaleDown: { ...HPA_BEHAVIOR.scaleDown, selectPolicy: 'Fastest', stabilizationWindowSeconds: -1 } };
    expect(helmValuesProblems(withField('autoscaling.behavior', behavior))).toEqual([
      'autoscaling.behavior.scaleDown.stabilizationWindowSeconds must be >= 0 (got -1)',
      'autoscaling.behavior.scaleDown.selectPolicy must be one of "Max", "Min", "Disabled" (got "Fastest")',
    ]);
  });

  it('refuses an autoscaling minimum above the maximum', () => {
    expect(helmValuesProblems(withField('autoscaling.minReplicas', 12))).toEqual([
      'autoscaling.minReplicas (12) must be <= autoscaling.maxReplicas (10)',
    ]);
  });

  it('refuses a service type other than ClusterIP', () => {
    expect(helmValuesProblems(withField('service.type', 'LoadBalancer'))).toEqual(['service.type must be one of "ClusterIP" (got "LoadBalancer")']);
  });
});
