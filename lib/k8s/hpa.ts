import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Percent } from '../core/index.js';
import { requireDnsLabel, requireInteger } from './labels.js';

/** Properties of a {@link WorkloadAutoscaler}. */
export interface WorkloadAutoscalerProps {
  /** Name of the Deployment / StatefulSet to scale; also the name of the HPA. */
  readonly workloadName: string;
  /**
   * Kind of the scaled workload (`apps/v1`).
   * @default 'Deployment'
   */
  readonly workloadKind?: 'Deployment' | 'StatefulSet';
  /** Namespace of the workload (and of the HPA, which must sit beside it). */
  readonly namespace: string;
  /** Lower bound of the replica count; at least 1. */
  readonly minReplicas: number;
  /** Upper bound of the replica count; at least `minReplicas`. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilisation, relative to the container CPU **request**, the HPA aims for.
   * @default - CPU does not drive scaling
   */
  readonly cpuUtilization?: Percent;
  /**
   * Average memory utilisation, relative to the container memory **request**, the HPA aims for.
   * @default - memory does not drive scaling
   */
  readonly memoryUtilization?: Percent;
  /**
   * Labels of the HPA object itself.
   * @default - no labels
   */
  readonly labels?: Readonly<Record<string, string>>;
}

const MAX_REPLICAS = 1000;

/** Scale-down stabilization and rate limit shared by every HPA; scale-up keeps the Kubernetes default (at once). */
// `satisfies`, not a type annotation: the declared type is then inferred, so the public declarations never load
// cdk8s-plus-28's (which fail under exactOptionalPropertyTypes), while the value is still checked against the API type.
export const HPA_BEHAVIOR = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
} satisfies k8s.HorizontalPodAutoscalerBehaviorV2;

/**
 * An `autoscaling/v2` HorizontalPodAutoscaler for one workload, scaling on CPU and/or memory utilisation.
 * It only sets bounds: nothing we render pins `replicas` (no Deployment is rendered here, and the Helm
 * chart drops `replicas` while autoscaling is enabled), so the HPA is the only owner of the replica count.
 * `behavior` is explicit (HPA_BEHAVIOR): scale up at once, scale down only after the recommendation has
 * stayed lower for 5 minutes, and by at most half the pods per minute, so a dip between two bursts does
 * not remove the capacity the next burst needs (flapping).
 */
export class WorkloadAutoscaler extends Construct {
  // Typed as cdk8s' ApiObject so the public declarations never load cdk8s-plus-28's (which fail under exactOptionalPropertyTypes).
  /** The generated API object. */
  readonly apiObject: ApiObject;
  readonly minReplicas: number;
  readonly maxReplicas: number;

  constructor(scope: Construct, id: string, props: WorkloadAutoscalerProps) {
    super(scope, id);
    requireDnsLabel('workloadName', props.workloadName);
    requireDnsLabel('namespace', props.namespace);
    requireInteger('minReplicas', props.minReplicas, 1, MAX_REPLICAS);
    requireInteger('maxReplicas', props.maxReplicas, 1, MAX_REPLICAS);
    if (props.minReplicas > props.maxReplicas) {
      throw new Error(`'minReplicas' (${props.minReplicas}) must be <= 'maxReplicas' (${props.maxReplicas})`);
    }
    if (props.cpuUtilization === undefined && props.memoryUtilization === undefined) {
      throw new Error(`'cpuUtilization' and 'memoryUtilization' of HPA '${props.workloadName}' are both unset: at least one metric must drive scaling`);
    }
    this.minReplicas = props.minReplicas;
    this.maxReplicas = props.maxReplicas;

    const metrics: k8s.MetricSpecV2[] = [];
    if (props.cpuUtilization !== undefined) metrics.push(resourceMetric('cpu', 'cpuUtilization', props.cpuUtilization));
    if (props.memoryUtilization !== undefined) metrics.push(resourceMetric('memory', 'memoryUtilization', props.memoryUtilization));

    this.apiObject = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.workloadName, namespace: props.namespace, ...(props.labels && { labels: { ...props.labels } }) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: props.workloadKind ?? 'Deployment', name: props.workloadName },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics,
        behavior: HPA_BEHAVIOR,
      },
    });
  }
}

function resourceMetric(name: 'cpu' | 'memory', field: string, target: Percent): k8s.MetricSpecV2 {
  // `averageUtilization` is an int32 in the API; a fractional percent would be rejected by the server.
  if (!Number.isInteger(target.value)) {
    throw new Error(`'${field}' (${target.toString()}) must be a whole percentage: HPA averageUtilization is an integer`);
  }
  return { type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: target.value } } };
}
