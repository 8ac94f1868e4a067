import type { ResourceUtilisationSignal } from '../../core/alert.js';
import { eq, ne, re } from '../../promql/selector.js';
import { combine, sum, type Possible, type SeriesStore } from './prom-eval.js';
import { constant, piecewise, type InputSeriesModel, type Labels } from './series.js';
import {
  compare, intervalsUntil, SCENARIO_MARGIN, silentCheckTimes,
  type ResultSample, type Scenario, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';

/**
 * Per-pod CPU (`rate(container_cpu_usage_seconds_total[w])`) or memory (`container_memory_working_set_bytes`)
 * over the container limit from kube-state-metrics, `> threshold`, using the workload's real limit.
 *
 * Data: one pod named like the workload's pods (`<workload>-6d4cf56db6-abcde`, or `<workload>-0` for a
 * StatefulSet) with its application container, plus cAdvisor's pod-level cgroup series (no `container`
 * label), which the `container!=""` matcher must leave out or the usage would count twice.
 *
 * Timing, memory: instant selectors see the first sample at t=0, so the condition holds from t=0 and the
 * alert fires at `for`.
 *
 * Timing, CPU: the usage counter has been running for a while (it starts well above zero), so rate()
 * is not clipped at a zero point. With k intervals of data (t = k·interval < window) Prometheus
 * extrapolates the first sample to the start of the window only once it is less than 1.1 intervals from
 * it (`window - t < 1.1·interval`); until then it extrapolates by half an interval, and the rate reads
 * `usage · (t + interval/2) / window`, below the real usage. So the rate first equals the usage at the
 * first t with `window - t < 1.1·interval` — 4m for a 5m window and 1m interval — unless the
 * under-estimate already exceeds the threshold earlier (only for windows of about 75 intervals or more).
 * {@link cpuConditionTrueAt} works this out; the emulation double-checks it.
 */
export const resourceUtilisationScenarios: ScenarioBuilder<'resourceUtilisation'> = (signal, ctx) =>
  signal.resource === 'cpu' ? cpuScenarios(signal, ctx) : memoryScenarios(signal, ctx);

const FOREIGN_POD = 'other-app-7c9d8f6b5-k2x9p';

function podName(signal: ResourceUtilisationSignal): string {
  return signal.workload.kind === 'StatefulSet' ? `${signal.workload.name}-0` : `${signal.workload.name}-6d4cf56db6-abcde`;
}

/** A namespace that is not the signal's. */
function otherNamespace(signal: ResourceUtilisationSignal): string {
  return signal.namespace === 'staging' ? 'production' : 'staging';
}

const cadvisor = (namespace: string, pod: string, container: string): Labels =>
  ({ job: 'kubelet', metrics_path: '/metrics/cadvisor', namespace, pod, container });

const limitLabels = (namespace: string, pod: string, container: string, resource: 'cpu' | 'memory'): Labels =>
  ({ job: 'kube-state-metrics', namespace, pod, container, resource, unit: resource === 'cpu' ? 'core' : 'byte' });

/** First evaluation at which `rate()` of a steadily growing, long-running counter, over the limit, exceeds the threshold. */
export function cpuConditionTrueAt(windowMs: number, intervalMs: number, usageOverLimit: number, threshold: number): number {
  for (let t = intervalMs; ; t += intervalMs) {
    const fraction = t >= windowMs || windowMs - t < 1.1 * intervalMs ? 1 : (t + intervalMs / 2) / windowMs;
    if (usageOverLimit * fraction > threshold) return t;
    if (t > windowMs + intervalMs) throw new Error('usage never exceeds the threshold');
  }
}

function cpuScenarios(signal: ResourceUtilisationSignal, ctx: ScenarioContext): Scenario[] {
  const { alert, intervalMs, holdMs } = ctx;
  const windowMs = signal.window.seconds * 1000;
  const limit = signal.workload.limits.cpu.cores;
  const threshold = signal.threshold.value;
  const conditionTrueAt = cpuConditionTrueAt(windowMs, intervalMs, threshold * (1 + SCENARIO_MARGIN), threshold);
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt, windowMs);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const seconds = intervalMs / 1000;
  // CPU seconds already used when the test starts: two hours (at least two windows) at the full limit.
  const startedWith = limit * Math.max(7200, 2 * signal.window.seconds);
  const container = signal.workload.name;

  const pod = (namespace: string, name: string, coresUsed: number, coresLimit: number): InputSeriesModel[] => [
    piecewise('container_cpu_usage_seconds_total', cadvisor(namespace, name, container), startedWith, [{ perInterval: coresUsed * seconds, intervals }]),
    // cAdvisor's pod-level cgroup: the container plus a little overhead; container!="" must drop it.
    piecewise('container_cpu_usage_seconds_total', cadvisor(namespace, name, ''), startedWith * 1.05, [{ perInterval: coresUsed * 1.05 * seconds, intervals }]),
    constant('kube_pod_container_resource_limits', limitLabels(namespace, name, container, 'cpu'), coresLimit, intervals),
  ];
  const ours = podName(signal);
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateUtilisation(store, at, signal, ctx);
  const display = signal.threshold.toString();

  return [
    {
      name: `${alert.name} fires when a pod's CPU use is just above ${display} of its limit (${signal.workload.limits.cpu}) for ${alert.for.text}`,
      series: pod(signal.namespace, ours, threshold * (1 + SCENARIO_MARGIN) * limit, limit),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    {
      name: `${alert.name} stays silent when a pod's CPU use is just below ${display} of its limit`,
      series: pod(signal.namespace, ours, threshold * (1 - SCENARIO_MARGIN) * limit, limit),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent while the container is idle (usage counter flat)`,
      series: pod(signal.namespace, ours, 0, limit),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent when only pods of other workloads or namespaces use all of their CPU limit`,
      series: [...pod(signal.namespace, FOREIGN_POD, limit, limit), ...pod(otherNamespace(signal), ours, limit, limit)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
}

function memoryScenarios(signal: ResourceUtilisationSignal, ctx: ScenarioContext): Scenario[] {
  const { alert, intervalMs, holdMs } = ctx;
  const limit = signal.workload.limits.memory.bytes;
  const threshold = signal.threshold.value;
  const conditionTrueAt = 0;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const container = signal.workload.name;

  const pod = (namespace: string, name: string, bytesUsed: number): InputSeriesModel[] => [
    constant('container_memory_working_set_bytes', cadvisor(namespace, name, container), Math.round(bytesUsed), intervals),
    constant('container_memory_working_set_bytes', cadvisor(namespace, name, ''), Math.round(bytesUsed * 1.05), intervals),
    constant('kube_pod_container_resource_limits', limitLabels(namespace, name, container, 'memory'), limit, intervals),
  ];
  const ours = podName(signal);
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateUtilisation(store, at, signal, ctx);
  const display = signal.threshold.toString();

  return [
    {
      name: `${alert.name} fires when a pod's memory working set is just above ${display} of its limit (${signal.workload.limits.memory}) for ${alert.for.text}`,
      series: pod(signal.namespace, ours, threshold * (1 + SCENARIO_MARGIN) * limit),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    {
      name: `${alert.name} stays silent when a pod's memory working set is just below ${display} of its limit`,
      series: pod(signal.namespace, ours, threshold * (1 - SCENARIO_MARGIN) * limit),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent when only pods of other workloads or namespaces are at their memory limit`,
      series: [...pod(signal.namespace, FOREIGN_POD, limit), ...pod(otherNamespace(signal), ours, limit)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
}

/** `sum by (namespace, pod) (usage) / sum by (namespace, pod) (limit) > threshold` */
export function evaluateUtilisation(store: SeriesStore, at: number, signal: ResourceUtilisationSignal, ctx: ScenarioContext): ResultSample[] {
  const pods = [eq('namespace', signal.namespace), re('pod', signal.workload.podRegex)];
  const windowMs = signal.window.seconds * 1000;
  const usage = store.select(signal.resource === 'cpu' ? 'container_cpu_usage_seconds_total' : 'container_memory_working_set_bytes', ...pods, ne('container', ''))
    .map((s) => ({ labels: s.labels, value: signal.resource === 'cpu' ? store.rate(s, at, windowMs) : store.instant(s, at) }));
  const limits = store.select('kube_pod_container_resource_limits', ...pods, eq('resource', signal.resource))
    .map((s) => ({ labels: s.labels, value: store.instant(s, at) }));
  const byPod = (samples: readonly { labels: Labels; value: number | undefined }[]): Map<string, Possible> => {
    const groups = new Map<string, number[]>();
    for (const s of samples) {
      if (s.value === undefined) continue;
      const key = `${s.labels.namespace}/${s.labels.pod}`;
      groups.set(key, [...(groups.get(key) ?? []), s.value]);
    }
    return new Map([...groups.entries()].map(([key, values]) => [key, sum(values)!]));
  };
  const used = byPod(usage);
  const limited = byPod(limits);
  const out: ResultSample[] = [];
  for (const [key, u] of used) {
    const l = limited.get(key);
    if (!l) continue;
    const ratio = combine(u, l, (a, b) => a / b);
    const [namespace = '', pod = ''] = key.split('/');
    if (compare(ratio, '>', signal.threshold.value, ctx.alert.name)) out.push({ labels: { namespace, pod }, value: ratio });
  }
  return out;
}
