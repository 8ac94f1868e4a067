import type { ResourceUtilisationSignal } from '../../core/alert.js';
import { constant, piecewise, type InputSeriesModel, type Labels } from '../../render/promtool/series.js';
import { parsePercentValue } from '../alert-values.js';
import type { ValueContext, ValueScenario } from './value-scenario.js';

const cadvisor = (namespace: string, pod: string, container: string): Labels =>
  ({ job: 'kubelet', metrics_path: '/metrics/cadvisor', namespace, pod, container });

const limitLabels = (namespace: string, pod: string, container: string, resource: 'cpu' | 'memory'): Labels =>
  ({ job: 'kube-state-metrics', namespace, pod, container, resource, unit: resource === 'cpu' ? 'core' : 'byte' });

/**
 * One pod of the workload using a chosen share of its container limit, as cAdvisor and kube-state-metrics
 * export it: the container's series, cAdvisor's pod-level cgroup series (`container=""`, which the
 * alert must not count twice) and the limit. The share is at most 100%: the kernel throttles CPU at the
 * limit and kills a container whose memory exceeds it.
 *
 * CPU: the usage counter has been running for two hours, so `rate()` under-reads until its window has
 * filled (t = window), and reads the chosen share from then on. Memory is a gauge, right from t=0.
 */
export function resourceUtilisationValue(signal: ResourceUtilisationSignal, ctx: ValueContext, key: string, share: unknown): ValueScenario {
  if (key !== signal.resource) {
    throw new Error(`${ctx.alert.name} measures ${signal.resource} of the limit: give { ${signal.resource}: '<percentage>' }, not ${key}`);
  }
  const used = parsePercentValue(ctx.alert.name, key, share, 1);
  const { workload, namespace } = signal;
  const pod = workload.kind === 'StatefulSet' ? `${workload.name}-0` : `${workload.name}-6d4cf56db6-abcde`;
  const container = workload.name;
  const description = `${signal.resource} = ${String(share)} of the limit in pod ${pod}`;
  if (signal.resource === 'memory') {
    const limit = workload.limits.memory.bytes;
    return {
      description, readyAt: 0, windowMs: 0,
      series: (intervals) => [
        constant('container_memory_working_set_bytes', cadvisor(namespace, pod, container), Math.round(used * limit), intervals),
        constant('container_memory_working_set_bytes', cadvisor(namespace, pod, ''), Math.round(used * limit * 1.05), intervals),
        constant('kube_pod_container_resource_limits', limitLabels(namespace, pod, container, 'memory'), limit, intervals),
      ],
    };
  }
  const limit = workload.limits.cpu.cores;
  const seconds = ctx.intervalMs / 1000;
  const startedWith = limit * 7200;
  const windowMs = signal.window.seconds * 1000;
  return {
    description, readyAt: Math.ceil(windowMs / ctx.intervalMs) * ctx.intervalMs, windowMs,
    series: (intervals): InputSeriesModel[] => [
      piecewise('container_cpu_usage_seconds_total', cadvisor(namespace, pod, container), startedWith, [{ perInterval: used * limit * seconds, intervals }]),
      piecewise('container_cpu_usage_seconds_total', cadvisor(namespace, pod, ''), startedWith * 1.05, [{ perInterval: used * limit * 1.05 * seconds, intervals }]),
      constant('kube_pod_container_resource_limits', limitLabels(namespace, pod, container, 'cpu'), limit, intervals),
    ],
  };
}
