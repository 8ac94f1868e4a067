import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { PlatformConfig, ServiceStack } from '../core/index.js';
import { ruleGroupsFor } from '../render/prometheus/rule-groups.js';
import type { RuleGroup } from '../render/prometheus/rule-types.js';
import { DashboardConfigMap } from './dashboard-config-map.js';
import { WorkloadAutoscaler } from './hpa.js';
import { ownershipLabels } from './labels.js';
import { WorkloadNetworkPolicies } from './network-policies.js';
import { ServicePrometheusRule } from './prometheus-rule.js';
import { WorkloadServiceMonitor } from './service-monitor.js';

/** One Kubernetes object and the file it is written to under `dist/<service>/k8s/`. */
export interface Manifest {
  /** `<kind-lowercase>-<metadata.name>.yaml`, e.g. `horizontalpodautoscaler-harvey-backend.yaml`. */
  readonly file: string;
  readonly object: Record<string, unknown>;
}

/** Properties of a {@link ServiceObservability} construct. */
export interface ServiceObservabilityProps {
  /** The service, its alerts and its dashboards. */
  readonly stack: ServiceStack;
  /** Cluster-wide facts: Prometheus, Grafana, ingress controller, DNS and their labels. */
  readonly platform: PlatformConfig;
  /**
   * The service's rule groups, exactly as in its plain rule file.
   * @default ruleGroupsFor(stack, platform)
   */
  readonly ruleGroups?: readonly RuleGroup[];
}

/** Properties of a {@link ServiceChart}. */
export interface ServiceChartProps extends ServiceObservabilityProps {
  readonly ruleGroups: readonly RuleGroup[];
}

/**
 * All Kubernetes objects of one service, as a construct to place in any chart (a cdk8s user's own
 * `Chart` included): per workload an HPA (when it autoscales), NetworkPolicies and a ServiceMonitor;
 * one PrometheusRule; one ConfigMap per dashboard. Every object has an explicit name.
 *
 *   const chart = new Chart(app, 'platform');
 *   new ServiceObservability(chart, 'payments-api', { stack: paymentsApi, platform });
 *
 * The stack should be free of validation issues (`stack.service.issues`); synth refuses to write
 * otherwise, while this construct renders whatever it is given.
 */
export class ServiceObservability extends Construct {
  constructor(scope: Construct, id: string, props: ServiceObservabilityProps) {
    super(scope, id);
    const { stack, platform } = props;
    const { service } = stack;
    const ruleGroups = props.ruleGroups ?? ruleGroupsFor(stack, platform);

    for (const workload of service.workloads) {
      const labels = ownershipLabels(service.name, workload.name);
      if (workload.autoscaling) {
        const a = workload.autoscaling;
        new WorkloadAutoscaler(this, `${workload.name}-hpa`, {
          workloadName: workload.name,
          workloadKind: workload.kind,
          namespace: service.namespace,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          ...(a.cpuUtilization && { cpuUtilization: a.cpuUtilization }),
          ...(a.memoryUtilization && { memoryUtilization: a.memoryUtilization }),
          labels,
        });
      }
      new WorkloadNetworkPolicies(this, `${workload.name}-network-policies`, {
        workloadName: workload.name,
        namespace: service.namespace,
        // The container serves user traffic and /metrics on the same named port `http`.
        httpPort: workload.port,
        metricsPort: workload.port,
        prometheus: platform.prometheus,
        ...(workload.servesIngress && { ingressController: platform.ingressController }),
        dns: platform.dns,
        dependencies: service.dependencies,
        labels,
      });
      new WorkloadServiceMonitor(this, `${workload.name}-service-monitor`, {
        workloadName: workload.name,
        namespace: service.namespace,
        job: workload.job,
        metricsPath: workload.metricsPath,
        labels: platform.prometheusSelectorLabels,
      });
    }

    new ServicePrometheusRule(this, 'prometheus-rule', {
      name: service.name,
      namespace: service.namespace,
      labels: platform.prometheusSelectorLabels,
      groups: ruleGroups,
    });

    // Indexed ids, so two dashboards sharing a uid reach the duplicate-file check below with a clear message.
    stack.dashboards.forEach((dashboard, index) => {
      new DashboardConfigMap(this, `dashboard-${index}`, {
        dashboard,
        serviceName: service.name,
        namespace: platform.grafana.dashboardNamespace,
        sidecarLabel: platform.grafana.sidecarLabel,
        folderAnnotation: platform.grafana.folderAnnotation,
        folder: service.title,
      });
    });

    // Cross-object check, reported with every other validation error when the chart is rendered
    // (by the chart itself when it is a ServiceChart, so the message names the service's path).
    if (!(scope instanceof ServiceChart)) addDuplicateFileValidation(this);
  }
}

/**
 * A chart holding one {@link ServiceObservability}: what synth renders to `dist/<service>/k8s/`. It
 * refuses cdk8s' generated names, so no hash suffix can appear (an object without a name is an error).
 */
export class ServiceChart extends Chart {
  constructor(scope: Construct, id: string, props: ServiceChartProps) {
    super(scope, id);
    new ServiceObservability(this, 'objects', props);
    addDuplicateFileValidation(this);
  }

  /** All API objects of the chart, however deeply nested in constructs (`apiObjects` lists direct children only). */
  allApiObjects(): ApiObject[] {
    return allApiObjects(this);
  }

  /** Refuses cdk8s' generated `<path>-<hash>` names: every object must be named on purpose. */
  override generateObjectName(apiObject: ApiObject): string {
    throw new Error(`${apiObject.kind} at '${apiObject.node.path}' has no metadata.name: every object needs an explicit, predictable name`);
  }
}

/** Builds a service's chart and returns its objects with their file names, in construct order. */
export function kubernetesManifests(input: ServiceChartProps): Manifest[] {
  // Explicit options, so cdk8s environment variables (CDK8S_RECORD_CONSTRUCT_METADATA) cannot change the output.
  const app = new App({ recordConstructMetadata: false });
  const chart = new ServiceChart(app, input.stack.service.name, input);
  return (chart.toJson() as Record<string, unknown>[]).map((rendered) => {
    // cdk8s sorts keys unless CDK8S_DISABLE_SORT is set; sort here too, so the bytes never depend on it
    // (top level in the conventional order: apiVersion, kind, metadata, then the rest).
    const { apiVersion, kind, metadata, ...rest } = sortKeys(rendered) as Record<string, unknown>;
    const object: Record<string, unknown> = { apiVersion, kind, metadata, ...rest };
    return { file: manifestFile(String(kind), (metadata as { name: string }).name), object };
  });
}

/** `<kind-lowercase>-<metadata.name>.yaml`. */
export function manifestFile(kind: string, name: string): string {
  return `${kind.toLowerCase()}-${name}.yaml`;
}

function addDuplicateFileValidation(scope: Construct): void {
  scope.node.addValidation({ validate: () => duplicateFiles(allApiObjects(scope).map((o) => manifestFile(o.kind, o.name))) });
}

function allApiObjects(scope: Construct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

function duplicateFiles(files: readonly string[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const file of files) {
    if (seen.has(file)) problems.push(`two objects would be written to '${file}': kind and metadata.name must be unique per service`);
    seen.add(file);
  }
  return problems;
}
