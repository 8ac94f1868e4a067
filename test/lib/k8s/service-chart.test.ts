import { HPA_BEHAVIOR } from '../../../lib/k8s/hpa.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM, defineService, type DashboardModel, type PlatformConfig, type ServiceStack } from '../../../lib/core/index.js';
import { ApiObject, App } from 'cdk8s';
import { kubernetesManifests, ServiceChart, type Manifest } from '../../../lib/k8s/service-chart.js';
import { manifestProblems } from '../../../lib/k8s/validate-manifest.js';
import type { RuleGroup } from '../../../lib/render/prometheus/rule-types.js';
import { toYaml } from '../../../lib/render/yaml.js';
import { harveyBackendService } from '../../../stacks/harvey-backend.service.js';

const dashboard: DashboardModel = {
  uid: 'harvey-backend-performance',
  title: 'Harvey Backend - Performance',
  json: { uid: 'harvey-backend-performance', title: 'Harvey Backend - Performance', panels: [{ id: 1, type: 'timeseries', title: 'RPS' }] },
};

const ruleGroups: readonly RuleGroup[] = [
  {
    name: 'harvey-backend.alerts',
    interval: '1m',
    rules: [
      {
        alert: 'HarveyBackendDown',
        expr: 'up{job="harvey-backend"} == 0',
        for: '1m',
        labels: { severity: 'critical', sev: 'SEV-1' },
        annotations: { summary: 'Harvey Backend is down' },
      },
      { record: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total{job="harvey-backend"}[5m]))' },
    ],
  },
];

const stack: ServiceStack = { service: harveyBackendService, alerts: [], dashboards: [dashboard] };

function build(overrides: { stack?: ServiceStack; platform?: PlatformConfig } = {}): Manifest[] {
  return kubernetesManifests({ stack: overrides.stack ?? stack, platform: overrides.platform ?? DEFAULT_PLATFORM, ruleGroups });
}

function find(manifests: readonly Manifest[], file: string): Record<string, any> {
  const found = manifests.find((m) => m.file === file);
  if (!found) throw new Error(`no manifest ${file} among ${manifests.map((m) => m.file).join(', ')}`);
  return found.object as Record<string, any>;
}

const policy = (suffix: string) => find(build(), `networkpolicy-harvey-backend-${suffix}.yaml`);

/** Every key named `key` anywhere in `value`. */
function keysNamed(value: unknown, key: string, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keysNamed(v, key, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [...(k === key ? [`${path}.${k}`] : []), ...keysNamed(v, key, `${path}.${k}`)]);
}

describe('kubernetesManifests for Harvey Backend', () => {
  it('renders predictable file and object names, without cdk8s hash suffixes', () => {
    const manifests = build();
    expect(manifests.map((m) => m.file)).toEqual([
      'horizontalpodautoscaler-harvey-backend.yaml',
      'networkpolicy-harvey-backend-default-deny.yaml',
      'networkpolicy-harvey-backend-allow-ingress.yaml',
      'networkpolicy-harvey-backend-allow-egress.yaml',
      'servicemonitor-harvey-backend.yaml',
      'prometheusrule-harvey-backend.yaml',
      'configmap-grafana-dashboard-harvey-backend-performance.yaml',
    ]);
    for (const { file, object } of manifests) {
      const { kind, metadata } = object as { kind: string; metadata: { name: string } };
      expect(file).toBe(`${kind.toLowerCase()}-${metadata.name}.yaml`);
    }
  });

  it('passes the Kubernetes OpenAPI and prometheus-operator CRD schemas for every manifest', () => {
    for (const { file, object } of build()) expect({ file, problems: manifestProblems(object) }).toEqual({ file, problems: [] });
  });

  it('renders identical bytes on two builds', () => {
    const render = () => build().map((m) => `# ${m.file}\n${toYaml(m.object)}`).join('---\n');
    expect(render()).toBe(render());
  });

  it('matches the reviewed golden output', () => {
    expect(build().map((m) => `# ${m.file}\n${toYaml(m.object)}`).join('---\n')).toMatchSnapshot();
  });

  it('scales the harvey-backend Deployment between 2 and 10 replicas on 70% CPU, with scale-down stabilization', () => {
    const hpa = find(build(), 'horizontalpodautoscaler-harvey-backend.yaml');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toMatchObject({ name: 'harvey-backend', namespace: 'production' });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'harvey-backend' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
      behavior: HPA_BEHAVIOR,
    });
  });

  it('pins no replica count anywhere, so the HPA alone owns it', () => {
    expect(build().flatMap((m) => keysNamed(m.object, 'replicas').map((p) => `${m.file}${p}`))).toEqual([]);
  });

  it('denies all ingress and egress of the workload pods by default', () => {
    expect(policy('default-deny').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'harvey-backend' } },
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('admits only the ingress controller on the HTTP port and Prometheus on the metrics port', () => {
    expect(policy('allow-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'harvey-backend' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
          }],
          ports: [{ protocol: 'TCP', port: 8000 }],
        },
        {
          from: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          }],
          ports: [{ protocol: 'TCP', port: 8000 }],
        },
      ],
    });
  });

  it('allows DNS over UDP and TCP 53 to the cluster DNS pods in one egress rule', () => {
    const egress = policy('allow-egress').spec.egress as { to: unknown[]; ports: unknown[] }[];
    expect(egress[0]).toEqual({
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    });
  });

  it('allows egress to PostgreSQL, Redis and Qdrant on their TCP ports and to the LLM providers over HTTPS outside private ranges', () => {
    const egress = policy('allow-egress').spec.egress as { to: Record<string, any>[]; ports: unknown[] }[];
    expect(egress.slice(1).map((rule) => ({ peer: rule.to[0]!.podSelector?.matchLabels ?? rule.to[0]!.ipBlock, ports: rule.ports }))).toEqual([
      { peer: { 'app.kubernetes.io/name': 'postgresql' }, ports: [{ protocol: 'TCP', port: 5432 }] },
      { peer: { 'app.kubernetes.io/name': 'redis' }, ports: [{ protocol: 'TCP', port: 6379 }] },
      { peer: { 'app.kubernetes.io/name': 'qdrant' }, ports: [{ protocol: 'TCP', port: 6333 }] },
      { peer: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }, ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(egress[1]!.to).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'production' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } },
    }]);
  });

  it('keeps every namespace selector in the same peer element as its pod selector (AND, not OR)', () => {
    const peers = build()
      .filter((m) => m.object.kind === 'NetworkPolicy')
      .flatMap((m) => {
        const spec = (m.object as Record<string, any>).spec;
        return [...(spec.ingress ?? []).flatMap((r: any) => r.from), ...(spec.egress ?? []).flatMap((r: any) => r.to)];
      }) as Record<string, unknown>[];
    expect(peers.length).toBe(7);
    for (const peer of peers) {
      const shape = Object.keys(peer).sort();
      expect(shape, JSON.stringify(peer)).toSatisfy((keys: string[]) =>
        JSON.stringify(keys) === '["namespaceSelector","podSelector"]' || JSON.stringify(keys) === '["ipBlock"]');
    }
  });

  it('scrapes the workload Service on port http at /metrics every 30s with the platform selector labels', () => {
    const monitor = find(build(), 'servicemonitor-harvey-backend.yaml');
    expect(monitor.metadata).toEqual({ name: 'harvey-backend', namespace: 'production', labels: { release: 'kube-prometheus-stack' } });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'harvey-backend' } },
      endpoints: [{
        port: 'http',
        path: '/metrics',
        interval: '30s',
        relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'harvey-backend' }],
      }],
    });
  });

  it('puts the rule groups into the PrometheusRule unchanged, labelled for the rule selector', () => {
    const rule = find(build(), 'prometheusrule-harvey-backend.yaml');
    expect(rule.metadata).toEqual({ name: 'harvey-backend', namespace: 'production', labels: { release: 'kube-prometheus-stack' } });
    expect(rule.spec).toEqual({ groups: ruleGroups });
  });

  it('follows the configured Prometheus selector labels instead of hard-coding them', () => {
    const platform: PlatformConfig = { ...DEFAULT_PLATFORM, prometheusSelectorLabels: { prometheus: 'team-harvey', tier: 'apps' } };
    const manifests = build({ platform });
    expect(find(manifests, 'prometheusrule-harvey-backend.yaml').metadata.labels).toEqual({ prometheus: 'team-harvey', tier: 'apps' });
    expect(find(manifests, 'servicemonitor-harvey-backend.yaml').metadata.labels).toEqual({ prometheus: 'team-harvey', tier: 'apps' });
  });

  it('ships each dashboard as a sidecar ConfigMap in the Grafana namespace, filed under the service title', () => {
    const configMap = find(build(), 'configmap-grafana-dashboard-harvey-backend-performance.yaml');
    expect(configMap.metadata).toEqual({
      name: 'grafana-dashboard-harvey-backend-performance',
      namespace: 'monitoring',
      labels: { grafana_dashboard: '1' },
      annotations: { grafana_folder: 'Harvey Backend' },
    });
    expect(configMap.data).toEqual({ 'harvey-backend-performance.json': JSON.stringify(dashboard.json) });
  });

  it('refuses a dashboard ConfigMap over 256 KiB, naming service, dashboard, size and limit', () => {
    const huge: DashboardModel = { uid: 'huge', title: 'Huge', json: { panels: [{ description: 'x'.repeat(300 * 1024) }] } };
    expect(() => build({ stack: { ...stack, dashboards: [huge] } })).toThrowError(
      /^service 'harvey-backend': dashboard 'huge' makes ConfigMap 'grafana-dashboard-huge' 300\.\d KiB \(\d+ bytes\), over the 256\.0 KiB limit \(262144 bytes\): client-side kubectl apply would fail/,
    );
  });

  it('refuses a dashboard uid that cannot name a ConfigMap', () => {
    const bad: DashboardModel = { ...dashboard, uid: 'Harvey_Perf' };
    expect(() => build({ stack: { ...stack, dashboards: [bad] } })).toThrowError(
      `'dashboards[Harvey_Perf].uid' ("Harvey_Perf") must be a lower-case DNS subdomain: a-z, 0-9, "-" and ".", at most 253 characters`,
    );
  });

  it('reports two dashboards with the same uid as two objects for one file', () => {
    expect(() => build({ stack: { ...stack, dashboards: [dashboard, dashboard] } })).toThrowError(
      "[harvey-backend] two objects would be written to 'configmap-grafana-dashboard-harvey-backend-performance.yaml': kind and metadata.name must be unique per service",
    );
  });
});

describe('kubernetesManifests for other workload shapes', () => {
  const worker = defineService({
    name: 'queue',
    title: 'Queue',
    alertPrefix: 'Queue',
    team: 'platform',
    namespace: 'jobs',
    workloads: [{
      name: 'queue-worker',
      kind: 'StatefulSet',
      port: 9000,
      metricsPath: '/internal/metrics',
      image: { repository: 'ghcr.io/example-org/queue-worker', tag: '1.0.0' },
      replicas: 2,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      servesIngress: false,
    }],
  });
  const manifests = build({ stack: { service: worker, alerts: [], dashboards: [] } });

  it('renders no HPA for a workload without autoscaling', () => {
    expect(manifests.map((m) => m.file)).toEqual([
      'networkpolicy-queue-worker-default-deny.yaml',
      'networkpolicy-queue-worker-allow-ingress.yaml',
      'networkpolicy-queue-worker-allow-egress.yaml',
      'servicemonitor-queue-worker.yaml',
      'prometheusrule-queue.yaml',
    ]);
  });

  it('admits only Prometheus when the workload serves no ingress', () => {
    expect(find(manifests, 'networkpolicy-queue-worker-allow-ingress.yaml').spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      }],
      ports: [{ protocol: 'TCP', port: 9000 }],
    }]);
  });

  it('allows only DNS out when the service has no dependencies', () => {
    expect(find(manifests, 'networkpolicy-queue-worker-allow-egress.yaml').spec.egress).toHaveLength(1);
  });

  it('scrapes the workload metrics path and names the job after the workload', () => {
    expect(find(manifests, 'servicemonitor-queue-worker.yaml').spec.endpoints[0]).toMatchObject({
      path: '/internal/metrics',
      relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'queue-worker' }],
    });
  });
});

describe('ServiceChart', () => {
  it('refuses an object without an explicit name instead of generating a hashed one', () => {
    const chart = new ServiceChart(new App(), 'harvey-backend', { stack, platform: DEFAULT_PLATFORM, ruleGroups });
    expect(() => new ApiObject(chart, 'unnamed', { apiVersion: 'v1', kind: 'ConfigMap' })).toThrowError(
      "ConfigMap at 'harvey-backend/unnamed' has no metadata.name: every object needs an explicit, predictable name",
    );
  });
});
