import type { GaugeThresholdSignal } from '../../core/alert.js';
import { num, renderSelector } from '../../promql/selector.js';
import { exactly, sum, type Possible, type SeriesStore } from './prom-eval.js';
import { constant, type InputSeriesModel, type Labels } from './series.js';
import {
  compare, intervalsUntil, SCENARIO_MARGIN, silentCheckTimes,
  type ResultSample, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';
import { labelValues, otherJobLabels, requireLabelsSelectedBy } from './selector-labels.js';

/**
 * `<max|min|sum> [by (<labels>)] (<gauge selector>) > threshold` (or `<`).
 *
 * Values: just past the threshold (breaching) and just short of it (healthy), by SCENARIO_MARGIN of the
 * threshold (`> 100`: 102 and 98; a threshold of 0 moves by the margin itself). A gauge that counts things
 * (unit 'none') with a small whole-number threshold (|threshold| × margin < 1) takes whole numbers: one
 * past the threshold breaches and the threshold itself is healthy (`redis_up < 1`: 0 and 1; `> 0`: 1 and 0).
 *
 * Data: per group of the `by` labels, two series of the gauge that differ in a label the selector and
 * `by` leave free (`instance`, else `pod`, else `replica`), so the aggregation has something to do:
 * - max: the group's value V on one series and the smaller of the two values on the other (`max > t`
 *   fires when one instance breaches; `max < t` stays silent while one instance is still above);
 * - min: V and the larger of the two (`min(redis_up) < 1` fires when one of two instances is down);
 * - sum: V split in two halves.
 * With `by` labels, a second group (e.g. queue="other" beside queue="default") stays healthy in every
 * scenario: the alert fires for the breaching group only, with its `by` labels as alert labels.
 *
 * Timing: instant selectors see the first sample at t=0, so the condition holds from t=0 and the alert
 * fires at the first evaluation at least `for` later; at the evaluation before it the alert is pending.
 *
 * No series: a gauge that is not exported at all (exporter down, label renamed) makes the aggregation
 * return nothing, so the alert does **not** fire; the scenario pins that down, with the exporter's `up`
 * at 0 and another job's series beyond the threshold (the selector must leave it out). Stacks pair a
 * gauge alert with a target-down alert on the exporter's job for exactly that case.
 */
export const gaugeThresholdScenarios: ScenarioBuilder<'gaugeThreshold'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const { breaching, healthy } = gaugeValues(signal);
  const conditionTrueAt = 0;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const layout = gaugeLayout(signal, ctx);
  const partner = signal.aggregation === 'max' ? Math.min(breaching, healthy) : Math.max(breaching, healthy);
  /** The two series values whose aggregate is `value`. */
  const split = (value: number): number[] => {
    if (signal.aggregation !== 'sum') return [value, partner];
    const half = Number.isInteger(value) ? Math.ceil(value / 2) : value / 2;
    return [half, value - half];
  };
  const group = (labels: Labels, value: number): InputSeriesModel[] => {
    const values = layout.free ? split(value) : [value];
    return values.map((v, i) => constant(signal.series.metric, layout.free ? { ...labels, [layout.free.label]: layout.free.values[i]! } : labels, v, intervals));
  };
  const gauge = (value: number): InputSeriesModel[] => [
    ...group(layout.groups[0], value),
    ...(layout.groups[1] ? group(layout.groups[1], healthy) : []),
  ];
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateGauge(store, at, signal, ctx);
  const what = `the ${signal.aggregation} of ${renderSelector(signal.series)}${signal.by.length ? ` by ${signal.by.join(', ')}` : ''}`;
  const limit = `${signal.comparator} ${num(signal.threshold)}`;
  const job = layout.groups[0].job;
  const absentSeries: InputSeriesModel[] = [
    ...(job !== undefined ? [constant('up', { job, instance: layout.free?.label === 'instance' ? layout.free.values[0]! : '10.0.0.12:9100' }, 0, intervals)] : []),
    ...(layout.other ? [constant(signal.series.metric, layout.other, breaching, intervals)] : []),
  ];

  return [
    {
      name: `${alert.name} fires when ${what} is ${num(breaching)} (${limit}) for ${alert.for.text}`,
      series: gauge(breaching),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    {
      name: `${alert.name} stays silent when ${what} is ${num(healthy)} (not ${limit})`,
      series: gauge(healthy),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    // With `absentAs`, no series is a value like any other; series-absent.ts tests it.
    ...(signal.absentAs !== undefined ? [] : [{
      name: `${alert.name} stays silent without ${signal.series.metric} series (a missing gauge does not fire; a target-down alert covers it)`,
      series: absentSeries,
      evaluate,
      expectation: { kind: 'silent' as const, checkAt: checks },
    }]),
  ];
};

/** The breaching and healthy values of the aggregate (see above). */
export function gaugeValues(signal: GaugeThresholdSignal): { breaching: number; healthy: number } {
  const t = signal.threshold;
  if (signal.unit === 'none' && Number.isInteger(t) && Math.abs(t) * SCENARIO_MARGIN < 1) {
    return signal.comparator === '>' ? { breaching: t + 1, healthy: t } : { breaching: t - 1, healthy: t };
  }
  const step = t === 0 ? SCENARIO_MARGIN : Math.abs(t) * SCENARIO_MARGIN;
  return signal.comparator === '>' ? { breaching: t + step, healthy: t - step } : { breaching: t - step, healthy: t + step };
}

export interface GaugeLayout {
  /** Labels of the breaching group and, when the `by` labels allow another value, of a second, healthy group. */
  readonly groups: readonly [Labels, Labels?];
  /** The label telling the two series of a group apart, with its two values. */
  readonly free?: { readonly label: string; readonly values: readonly [string, string] };
  /** Another job's series, which the selector must leave out. */
  readonly other?: Labels;
}

export function gaugeLayout(signal: GaugeThresholdSignal, ctx: ScenarioContext): GaugeLayout {
  const { series, by } = signal;
  const matchers = series.matchers;
  const base = requireLabelsSelectedBy(ctx.alert.name, series);
  const job = base.job;
  const port = ctx.stack.service.workloads.find((w) => w.job === job)?.port ?? 9100;
  const constrained = (label: string): boolean => matchers.some((m) => m.label === label);
  /** Values of a label the selector leaves free. */
  const freeValues = (label: string): [string, string] => {
    if (label === 'instance') return [`10.0.0.12:${port}`, `10.0.0.13:${port}`];
    if (label === 'pod') return [`${job ?? series.metric}-0`, `${job ?? series.metric}-1`];
    if (label === 'replica') return ['0', '1'];
    return ['default', 'other'];
  };
  const first: Record<string, string> = { ...base };
  let change: { label: string; value: string } | undefined;
  for (const label of by) {
    const values = constrained(label) ? labelValues(label, matchers).filter((v) => v !== '') : freeValues(label);
    const value = values[0];
    if (value === undefined) {
      throw new Error(`${ctx.alert.name}: cannot build test series for ${renderSelector(series)} with a value of its \`by\` label ${label}`);
    }
    first[label] = value;
    if (!change && values[1] !== undefined) change = { label, value: values[1] };
  }
  const secondGroup: Labels | undefined = change && { ...first, [change.label]: change.value };
  const freeLabel = ['instance', 'pod', 'replica'].find((l) => !constrained(l) && !by.includes(l));
  const free = freeLabel === undefined ? undefined : { label: freeLabel, values: freeValues(freeLabel) };
  const other = otherJobLabels(free ? { ...first, [free.label]: free.values[0] } : first, [series]);
  return { groups: [first, secondGroup], ...(free && { free }), ...(other && { other }) };
}

export function evaluateGauge(store: SeriesStore, at: number, signal: GaugeThresholdSignal, ctx: ScenarioContext): ResultSample[] {
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const series of store.select(signal.series.metric, ...signal.series.matchers)) {
    const value = store.instant(series, at);
    if (value === undefined) continue;
    // An aggregation keeps only the `by` labels (a missing one stays missing).
    const labels: Record<string, string> = {};
    for (const label of signal.by) if (series.labels[label] !== undefined) labels[label] = series.labels[label]!;
    const key = JSON.stringify(signal.by.map((l) => labels[l] ?? ''));
    const entry = groups.get(key) ?? { labels, values: [] };
    entry.values.push(value);
    groups.set(key, entry);
  }
  const out: ResultSample[] = [];
  // `or on() vector(absentAs)`: a sample without labels, only when the aggregation returned nothing.
  if (groups.size === 0 && signal.absentAs !== undefined) {
    const value = exactly(signal.absentAs);
    return compare(value, signal.comparator, signal.threshold, ctx.alert.name) ? [{ labels: {}, value }] : [];
  }
  for (const { labels, values } of groups.values()) {
    const value: Possible = signal.aggregation === 'sum' ? sum(values)! : exactly(signal.aggregation === 'max' ? Math.max(...values) : Math.min(...values));
    if (compare(value, signal.comparator, signal.threshold, ctx.alert.name)) out.push({ labels, value });
  }
  return out;
}
