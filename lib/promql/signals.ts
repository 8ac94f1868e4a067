import type { Signal } from '../core/alert.js';
import { byClause, eq, ne, num, re, renderSelector, selector, type Matcher } from './selector.js';

/**
 * The PromQL of each signal kind, following the service contract's conventions. `valueQuery` is what dashboards
 * plot and the threshold table shows; `alertExpression` compares it with the threshold.
 */
export function valueQuery(signal: Signal): string {
  switch (signal.kind) {
    case 'targetDown':
    case 'instanceDown':
      return selector('up', eq('job', signal.job));
    case 'errorRatio': {
      const w = signal.window.text;
      // `or 0 * <all>`: labelled counters appear with their first increment, so before the first 5xx
      // there is no 5xx series, and traffic without one is 0% errors, not "no data".
      const all = `sum(rate(${selector('http_requests_total', eq('job', signal.job))}[${w}]))`;
      return `(sum(rate(${selector('http_requests_total', eq('job', signal.job), re('status', '5..'))}[${w}])) or 0 * ${all}) / ${all}`;
    }
    case 'latencyQuantile':
      // `le` must survive the aggregation, or histogram_quantile has no buckets to work with.
      return `histogram_quantile(${num(signal.quantile)}, sum by (le) (rate(${selector(`${signal.metric}_bucket`, eq('job', signal.job))}[${signal.window.text}])))`;
    case 'resourceUtilisation': {
      const pods = [eq('namespace', signal.namespace), re('pod', signal.workload.podRegex)];
      const usage = signal.resource === 'cpu'
        ? `rate(${selector('container_cpu_usage_seconds_total', ...pods, ne('container', ''))}[${signal.window.text}])`
        : selector('container_memory_working_set_bytes', ...pods, ne('container', ''));
      const limit = selector('kube_pod_container_resource_limits', ...pods, eq('resource', signal.resource));
      return `sum by (namespace, pod) (${usage}) / sum by (namespace, pod) (${limit})`;
    }
    case 'lowThroughput':
      // `or vector(0)`: a counter that vanished counts as nothing produced, not as "no data".
      return `(sum(rate(${selector(signal.metric, eq('job', signal.job))}[${signal.window.text}])) or vector(0)) * 3600`;
    case 'counterRatio': {
      const w = signal.window.text;
      // As for errorRatio: a numerator never incremented has no series, and is a ratio of 0 while the denominator counts.
      const denominator = `sum(rate(${renderSelector(signal.denominator)}[${w}]))`;
      return `(sum(rate(${renderSelector(signal.numerator)}[${w}])) or 0 * ${denominator}) / ${denominator}`;
    }
    case 'gaugeThreshold': {
      const aggregate = `${signal.aggregation} ${byClause(signal.by)}(${renderSelector(signal.series)})`;
      // A per-entity gauge without entities has no series: `absentAs` is what that means (0 workers).
      return signal.absentAs === undefined ? aggregate : `(${aggregate} or on() vector(${num(signal.absentAs)}))`;
    }
    case 'counterIncrease':
      return `sum ${byClause(signal.by)}(increase(${renderSelector(signal.series)}[${signal.window.text}]))`;
    case 'queueStalled':
      return `max ${byClause(signal.by)}(${renderSelector(signal.backlog)})`;
  }
}

export function alertExpression(signal: Signal): string {
  switch (signal.kind) {
    case 'targetDown': {
      // No healthy target: the best target is down (max), or none is scraped at all (absent). Both keep `job` only.
      const up = selector('up', eq('job', signal.job));
      return `max by (job) (${up}) == 0 or absent(${up})`;
    }
    case 'lowThroughput': {
      // Only while the API is serving requests: an idle service producing nothing is not an incident.
      const traffic = `sum(rate(${selector('http_requests_total', ...trafficMatchers(signal))}[${signal.window.text}])) > 0`;
      return `${valueQuery(signal)} < ${num(signal.minPerHour)} and on() ${traffic}`;
    }
    case 'queueStalled': {
      // `unless`: a processed counter that grew hides the queue; one that is flat or gone (no series) does not.
      const processed = `sum ${byClause(signal.by)}(increase(${renderSelector(signal.processed)}[${signal.window.text}])) > 0`;
      return `${valueQuery(signal)} > 0 unless on(${signal.by.join(', ')}) ${processed}`;
    }
    case 'errorRatio': {
      const ratio = `${valueQuery(signal)} > ${num(signal.threshold.value)}`;
      // Traffic floor: a ratio over a handful of requests (1 error in 100 at night) is not an error rate.
      return signal.minRequests === undefined ? ratio : `${ratio} and on() ${minRequestsGuard(signal)}`;
    }
    case 'counterRatio': {
      const ratio = `${valueQuery(signal)} ${signal.comparator} ${num(signal.threshold.value)}`;
      if (signal.minEvents === undefined) return ratio;
      // Minimum volume: a ratio over a handful of events (1 escalation out of 3 tickets) is not a trend.
      return `${ratio} and on() ${minEventsGuard(signal)}`;
    }
    default: {
      const t = threshold(signal);
      return `${valueQuery(signal)} ${t.comparator} ${num(t.value)}`;
    }
  }
}

/**
 * The requests a low-throughput guard counts as traffic: the job's, without probe and scrape handlers.
 * Regex metacharacters in the paths are escaped, and PromQL regexes are anchored, so `/health` does not
 * also drop `/health-report`.
 */
export function trafficMatchers(signal: Extract<Signal, { kind: 'lowThroughput' }>): Matcher[] {
  const excluded = signal.excludeHandlers ?? [];
  if (excluded.length === 0) return [eq('job', signal.job)];
  return [eq('job', signal.job), { label: 'handler', op: '!~', value: excluded.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') }];
}

/** `sum(increase(http_requests_total{job}[w])) >= minRequests`: the traffic floor of an error ratio. */
export function minRequestsGuard(signal: Extract<Signal, { kind: 'errorRatio' }>): string {
  return `sum(increase(${selector('http_requests_total', eq('job', signal.job))}[${signal.window.text}])) >= ${num(signal.minRequests ?? 0)}`;
}

/** `sum(increase(<denominator>[w])) >= minEvents`: the volume condition of a counter ratio with `minEvents`. */
export function minEventsGuard(signal: Extract<Signal, { kind: 'counterRatio' }>): string {
  return `sum(increase(${renderSelector(signal.denominator)}[${signal.window.text}])) >= ${num(signal.minEvents ?? 0)}`;
}

export interface SignalThreshold {
  /** The number in the expression, in the query's own unit (ratio, seconds, per hour). */
  readonly value: number;
  readonly comparator: '>' | '<' | '==';
  /** As people write it: `5s`, `5%`, `80%`, `5/h`, `0 (or absent)`. */
  readonly display: string;
  /** Unit of the query value, for dashboards (Grafana unit ids). */
  readonly unit: 'percentunit' | 's' | 'none' | 'bytes';
}

export function threshold(signal: Signal): SignalThreshold {
  switch (signal.kind) {
    case 'targetDown':
      return { value: 0, comparator: '==', display: '0 (or absent)', unit: 'none' };
    case 'instanceDown':
      return { value: 0, comparator: '==', display: '0', unit: 'none' };
    case 'errorRatio':
      return { value: signal.threshold.value, comparator: '>', display: signal.threshold.toString(), unit: 'percentunit' };
    case 'latencyQuantile':
      return { value: signal.threshold.seconds, comparator: '>', display: signal.threshold.secondsText, unit: 's' };
    case 'resourceUtilisation':
      return { value: signal.threshold.value, comparator: '>', display: signal.threshold.toString(), unit: 'percentunit' };
    case 'lowThroughput':
      return { value: signal.minPerHour, comparator: '<', display: `${num(signal.minPerHour)}/h`, unit: 'none' };
    case 'counterRatio':
      return { value: signal.threshold.value, comparator: signal.comparator, display: signal.threshold.toString(), unit: 'percentunit' };
    case 'gaugeThreshold':
      return { value: signal.threshold, comparator: signal.comparator, display: num(signal.threshold), unit: signal.unit };
    case 'counterIncrease':
      return { value: signal.threshold, comparator: '>', display: `${num(signal.threshold)} in ${signal.window.text}`, unit: 'none' };
    case 'queueStalled':
      return { value: 0, comparator: '>', display: `0 queued, none processed in ${signal.window.text}`, unit: 'none' };
  }
}

/** Labels an alert on this signal carries from its expression (beyond the rule's own labels). */
export function outputLabels(signal: Signal): readonly string[] {
  switch (signal.kind) {
    case 'resourceUtilisation':
      return ['namespace', 'pod'];
    case 'gaugeThreshold':
    case 'counterIncrease':
    case 'queueStalled':
      return signal.by;
    case 'targetDown':
      return ['job'];
    case 'instanceDown':
      return ['job', 'instance'];
    default:
      return [];
  }
}
