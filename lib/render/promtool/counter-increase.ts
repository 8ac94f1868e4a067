import type { CounterIncreaseSignal } from '../../core/alert.js';
import { num, renderSelector } from '../../promql/selector.js';
import { sum, type SeriesStore } from './prom-eval.js';
import { piecewise, type InputSeriesModel, type Labels, type Phase } from './series.js';
import {
  compare, intervalsUntil, silentCheckTimes,
  type ResultSample, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';
import { labelValues, otherJobLabels, requireLabelsSelectedBy, withInstance } from './selector-labels.js';

/** Events the counter had counted long before the test starts. */
const EARLIER_EVENTS = 3;

/**
 * `sum [by (<labels>)] (increase(<counter selector>[w])) > threshold`; a threshold of 0 means "any event".
 *
 * Counts are whole numbers, so the threshold is proven to the event: threshold + 1 events within the
 * window breach (floor(threshold) + 1 for a fractional one), exactly the threshold does not (that healthy
 * scenario is the idle one when the threshold is 0), and a flat counter does not.
 *
 * Data: the counter has been counting for a while (it starts at 3, earlier events), so Prometheus'
 * zero-point rule does not apply. While the window still reaches before t=0, increase() extrapolates the
 * range's first sample towards the window's start (by half an interval, or all the way once within 1.1
 * intervals of it) and would read a burst as more events than it is; so the first window is quiet, and
 * from t=w on E events arrive at once in one interval, (w, w + interval], and again every window
 * (every P = w / interval intervals). E is split over two series (two instances, when the selector
 * leaves `instance` free), so the sum has something to add. With `by` labels, a second group (e.g.
 * queue="other") gets exactly the threshold per window and must not alert. Another job's copy of the
 * counter grows by E + floor(threshold) per window throughout, and the selector must leave it out.
 *
 * Timing: for t >= w the range [t - w, t] (both ends included in Prometheus 2.x) starts and ends on a
 * sample, so increase() does not extrapolate (factor (w + 0 + 0) / w = 1) and is exactly the events in
 * its P intervals; any P consecutive intervals hold exactly one burst once the first has happened. The
 * increase is therefore 0 up to t=w and exactly E from t = w + interval on, for good: the condition
 * first holds at w + interval and the alert fires `for` later, however long `for` is. The window must be
 * a whole number of evaluation intervals (checked).
 *
 * Idle: the counter stays flat, and restarts to 0 (a pod restart) when the breaching scenario fires:
 * increase() treats the drop as a reset (3 → 0 adds 3 - 3 = 0 events), so a restart alone never alerts.
 */
export const counterIncreaseScenarios: ScenarioBuilder<'counterIncrease'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const windowMs = signal.window.seconds * 1000;
  if (windowMs % intervalMs !== 0) {
    throw new Error(`${alert.name}: the window ${signal.window} is not a whole number of evaluation intervals (${ctx.platform.evaluationInterval}); ` +
      'increase() would be extrapolated and the test data could not be exact');
  }
  if (signal.threshold < 0) throw new Error(`${alert.name}: increase() is never negative, so a threshold of ${num(signal.threshold)} fires on a flat counter`);
  const healthy = Math.floor(signal.threshold);
  const breaching = healthy + 1;
  const p = windowMs / intervalMs;
  const conditionTrueAt = windowMs + intervalMs;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt, windowMs);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const layout = increaseLayout(signal, ctx);
  const instances = layout.instances;

  /** A counter quiet for one window, then `perWindow` events at once every window. */
  const bursts = (labels: Labels, perWindow: number): InputSeriesModel => {
    const phases: Phase[] = [{ perInterval: 0, intervals: p }];
    for (let done = p; done < intervals; done += p) {
      phases.push({ perInterval: perWindow, intervals: 1 }, { perInterval: 0, intervals: Math.min(p, intervals - done) - 1 });
    }
    return piecewise(signal.series.metric, labels, EARLIER_EVENTS, phases);
  };
  /** `events` per window over the group's instances (the first gets the larger half). */
  const group = (labels: Labels, events: number): InputSeriesModel[] =>
    instances.map((instance, i) => {
      const share = i === 0 ? Math.ceil(events / instances.length) : Math.floor(events / instances.length);
      return bursts(instance(labels), share);
    });
  const other = layout.other ? [bursts(layout.other, breaching + healthy)] : [];
  const counters = (events: number): InputSeriesModel[] => [
    ...group(layout.groups[0], events),
    ...(layout.groups[1] ? group(layout.groups[1], healthy) : []),
    ...other,
  ];
  const restartAt = firesAt / intervalMs;
  const idle = (labels: Labels): InputSeriesModel =>
    piecewise(signal.series.metric, labels, EARLIER_EVENTS, [
      { perInterval: 0, intervals: restartAt - 1 },
      { perInterval: -EARLIER_EVENTS, intervals: 1 },
      { perInterval: 0, intervals: intervals - restartAt },
    ]);
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateIncrease(store, at, signal, ctx);
  const what = renderSelector(signal.series);
  const w = signal.window.text;

  return [
    {
      name: `${alert.name} fires when ${what} grows by ${breaching} within ${w} (more than ${num(signal.threshold)}) for ${alert.for.text}`,
      series: counters(breaching),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    ...(healthy > 0 ? [{
      name: `${alert.name} stays silent when ${what} grows by exactly ${healthy} within ${w}`,
      series: counters(healthy),
      evaluate,
      expectation: { kind: 'silent' as const, checkAt: checks },
    }] : []),
    {
      name: `${alert.name} stays silent while ${what} does not grow, across a restart that resets it to 0`,
      series: [...layout.groups.flatMap((g) => (g ? instances.map((instance) => idle(instance(g))) : [])), ...other],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
};

export interface IncreaseLayout {
  /** Labels of the breaching group and, when a `by` label allows another value, of a second group. */
  readonly groups: readonly [Labels, Labels?];
  /** Adds the labels of each instance of a group (one or two). */
  readonly instances: readonly ((labels: Labels) => Labels)[];
  /** Another job's counter, which the selector must leave out. */
  readonly other?: Labels;
}

export function increaseLayout(signal: CounterIncreaseSignal, ctx: ScenarioContext): IncreaseLayout {
  const { series, by } = signal;
  const base = requireLabelsSelectedBy(ctx.alert.name, series);
  const workloads = ctx.stack.service.workloads;
  const first: Record<string, string> = { ...base };
  let change: { label: string; value: string } | undefined;
  for (const label of by) {
    if (label === 'instance') continue;
    const constrained = series.matchers.some((m) => m.label === label);
    const values = constrained ? labelValues(label, series.matchers).filter((v) => v !== '') : ['default', 'other'];
    if (values[0] === undefined) {
      throw new Error(`${ctx.alert.name}: cannot build test series for ${renderSelector(series)} with a value of its \`by\` label ${label}`);
    }
    first[label] = values[0];
    if (!change && values[1] !== undefined) change = { label, value: values[1] };
  }
  const second: Labels | undefined = change && { ...first, [change.label]: change.value };
  // Two instances when the selector leaves `instance` free and the sum adds them up (not `by (instance)`).
  const two = !series.matchers.some((m) => m.label === 'instance') && !by.includes('instance');
  const instances = two
    ? [0, 1].map((i) => (labels: Labels) => withInstance(labels, [series], workloads, i))
    : [(labels: Labels) => withInstance(labels, [series], workloads)];
  const other = otherJobLabels(instances[0]!(first), [series]);
  return { groups: [first, second], instances, ...(other && { other }) };
}

export function evaluateIncrease(store: SeriesStore, at: number, signal: CounterIncreaseSignal, ctx: ScenarioContext): ResultSample[] {
  const windowMs = signal.window.seconds * 1000;
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const series of store.select(signal.series.metric, ...signal.series.matchers)) {
    const increase = store.increase(series, at, windowMs);
    if (increase === undefined) continue;
    const labels: Record<string, string> = {};
    for (const label of signal.by) if (series.labels[label] !== undefined) labels[label] = series.labels[label]!;
    const key = JSON.stringify(signal.by.map((l) => labels[l] ?? ''));
    const entry = groups.get(key) ?? { labels, values: [] };
    entry.values.push(increase);
    groups.set(key, entry);
  }
  const out: ResultSample[] = [];
  for (const { labels, values } of groups.values()) {
    const total = sum(values)!;
    if (compare(total, '>', signal.threshold, ctx.alert.name)) out.push({ labels, value: total });
  }
  return out;
}
