import type { Service, Workload } from '../../core/index.js';
import { HPA_BEHAVIOR } from '../../k8s/hpa.js';

export { HELM_VALUES_SCHEMA, helmValuesProblems } from './values-schema.js';

/** An HTTP probe on the container's named port `http`. */
export interface HttpProbe {
  readonly httpGet: { readonly path: string; readonly port: string };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  /** Only readiness may use a value other than 1 (Kubernetes rejects it on liveness and startup). */
  readonly successThreshold?: number;
}

/**
 * Values for the conventional application chart (`helm create` layout) deploying one workload.
 * Written as `dist/<service>/helm/<workload>.values.yaml`, validated by `values.schema.json`.
 */
export interface HelmValues {
  /**
   * Replicas while autoscaling is disabled. The conventional chart renders `replicas` only when
   * `autoscaling.enabled` is false, so this never fights the HPA (which would otherwise be reset to
   * this number on every `helm upgrade`).
   */
  readonly replicaCount: number;
  readonly image: {
    readonly repository: string;
    readonly tag: string;
    readonly pullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  };
  /** The Service in front of the pods; the chart also uses `port` as the container port named `http`. */
  readonly service: { readonly type: 'ClusterIP'; readonly port: number };
  /** Same numbers as the HorizontalPodAutoscaler in `k8s/` (both come from `workload.autoscaling`). */
  readonly autoscaling: {
    readonly enabled: boolean;
    readonly minReplicas?: number;
    readonly maxReplicas?: number;
    readonly targetCPUUtilizationPercentage?: number;
    readonly targetMemoryUtilizationPercentage?: number;
    /**
     * The HPA's `behavior` (scale up at once, scale down after 5 minutes of lower recommendations, at most
     * half the pods per minute): the same object as the HPA in `k8s/`, so a chart whose HPA template
     * renders `autoscaling.behavior` and the generated HPA agree.
     */
    readonly behavior?: typeof HPA_BEHAVIOR;
  };
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  readonly podSecurityContext: {
    readonly runAsNonRoot: true;
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly fsGroup: number;
    readonly seccompProfile: { readonly type: 'RuntimeDefault' | 'Localhost' };
  };
  readonly securityContext: {
    readonly allowPrivilegeEscalation: false;
    /** `false` only when the workload opts out with a reason, which `securityExceptions` then carries. */
    readonly readOnlyRootFilesystem: boolean;
    readonly runAsNonRoot: true;
    readonly capabilities: { readonly drop: readonly string[] };
  };
  readonly livenessProbe: HttpProbe;
  readonly readinessProbe: HttpProbe;
  readonly startupProbe: HttpProbe;
  /**
   * Where the app serves Prometheus metrics. The ServiceMonitor is rendered in `k8s/` (with the
   * platform's selector labels), so the chart must not render its own.
   */
  readonly metrics: { readonly enabled: boolean; readonly path: string; readonly port: number };
  /**
   * Why a secure default is relaxed, e.g. `readOnlyRootFilesystem: '<reason>'`; present only then. The
   * schema requires the reason whenever the setting is relaxed, so an override file cannot do it silently.
   * The conventional chart ignores this key.
   */
  readonly securityExceptions?: { readonly readOnlyRootFilesystem: string };
}

/** Name of the container port (and Service port) serving HTTP and `/metrics`; probes and the ServiceMonitor use it. */
export const HTTP_PORT_NAME = 'http';

/**
 * Helm values for one workload of a service, derived from the same model as the HPA, NetworkPolicies
 * and ServiceMonitor (port, paths, autoscaling bounds and targets, resources, non-root identity).
 */
export function helmValuesFor(service: Service, workload: Workload): HelmValues {
  if (!service.workloads.some((w) => w.name === workload.name)) {
    throw new Error(`workload '${workload.name}' is not one of service '${service.name}''s workloads`);
  }
  const probe = (settings: Omit<HttpProbe, 'httpGet'>): HttpProbe => ({
    httpGet: { path: workload.healthPath, port: HTTP_PORT_NAME },
    ...settings,
  });
  const a = workload.autoscaling;
  return {
    replicaCount: workload.replicas,
    image: {
      repository: workload.image.repository,
      tag: workload.image.tag,
      // Tags are immutable releases; only a moving `latest` needs re-pulling.
      pullPolicy: workload.image.tag === 'latest' ? 'Always' : 'IfNotPresent',
    },
    service: { type: 'ClusterIP', port: workload.port },
    autoscaling: a
      ? {
          enabled: true,
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          ...(a.cpuUtilization && { targetCPUUtilizationPercentage: a.cpuUtilization.value }),
          ...(a.memoryUtilization && { targetMemoryUtilizationPercentage: a.memoryUtilization.value }),
          behavior: structuredClone(HPA_BEHAVIOR),
        }
      : { enabled: false },
    resources: {
      requests: { cpu: workload.requests.cpu.text, memory: workload.requests.memory.text },
      limits: { cpu: workload.limits.cpu.text, memory: workload.limits.memory.text },
    },
    // Kubernetes runs containers by uid; the image's named user (e.g. `harvey`) must own this uid.
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: workload.runAs.user,
      runAsGroup: workload.runAs.group,
      fsGroup: workload.runAs.group,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    // A read-only root filesystem means the chart mounts an emptyDir wherever the app writes (e.g. /tmp).
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: workload.readOnlyRootFilesystem.enabled,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    // Liveness only starts once the startup probe has passed, so it needs no initial delay: a pod that
    // stops answering for 30s (3 x 10s) is restarted.
    livenessProbe: probe({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
    // Readiness reacts faster than liveness: take the pod out of the Service after 15s, back after one success.
    readinessProbe: probe({ periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 }),
    // LLM apps boot slowly (loading tokenizers/embedding models, warming vector-store and provider clients):
    // allow up to 5 minutes (30 x 10s) before the kubelet gives up and restarts the container.
    startupProbe: probe({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 }),
    metrics: { enabled: true, path: workload.metricsPath, port: workload.port },
    ...(!workload.readOnlyRootFilesystem.enabled && {
      securityExceptions: { readOnlyRootFilesystem: workload.readOnlyRootFilesystem.reason },
    }),
  };
}
