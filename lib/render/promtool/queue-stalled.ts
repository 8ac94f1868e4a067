import type { QueueStalledSignal } from '../../core/alert.js';
import { renderSelector } from '../../promql/selector.js';
import { exactly, sum, type SeriesStore } from './prom-eval.js';
import { constant, piecewise, type InputSeriesModel, type Labels } from './series.js';
import { compare, intervalsUntil, silentCheckTimes, type ResultSample, type ScenarioBuilder, type ScenarioContext } from './scenario.js';
import { labelValues, requireLabelsSelectedBy, withInstance } from './selector-labels.js';

/** Jobs waiting in the stalled queue: any number above 0 will do. */
const WAITING = 7;
/** Jobs the processed counter had counted before the test starts (so it is not a fresh series). */
const EARLIER = 40;

/**
 * `max by (queue) (<backlog>) > 0 unless on(queue) sum by (queue) (increase(<processed>[w])) > 0`.
 *
 * Data: WAITING jobs queued throughout. The processed counter is flat (a hung worker, or a dead worker
 * process whose pod's metrics endpoint still answers), or absent (every worker process gone), and the
 * alert fires; while it grows by one job per interval, or while nothing is queued, it stays silent, and
 * without any backlog series (the exporter down: its own alert) too. With `by (queue)` a second queue
 * that is being processed waits alongside and must not alert.
 *
 * Timing: increase() needs two samples in its range, so at t=0 the right-hand side is empty and the
 * condition holds in every scenario; from t=interval on a growing counter hides the queue. A flat
 * counter's increase is 0 (not above 0) from t=interval on, so in the firing scenarios the condition
 * holds from t=0 and the alert fires `for` later. Silent scenarios are checked from `for` on, when the
 * first evaluation's pending alert has long been resolved.
 */
export const queueStalledScenarios: ScenarioBuilder<'queueStalled'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const windowMs = signal.window.seconds * 1000;
  const firesAt = holdMs;
  const checks = silentCheckTimes(ctx, firesAt, windowMs);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const layout = stalledLayout(signal, ctx);
  const backlog = (labels: Labels, waiting: number): InputSeriesModel => constant(signal.backlog.metric, labels, waiting, intervals);
  const processed = (labels: Labels, perInterval: number): InputSeriesModel =>
    piecewise(signal.processed.metric, labels, EARLIER, [{ perInterval, intervals }]);
  /** The second queue, busy and consumed: never alerts. */
  const busyOther = layout.other ? [backlog(layout.other.backlog, WAITING), processed(layout.other.processed, 1)] : [];
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateStalled(store, at, signal, ctx);
  const queued = renderSelector(signal.backlog);
  const done = renderSelector(signal.processed);

  return [
    {
      name: `${alert.name} fires when ${queued} is ${WAITING} and ${done} does not grow for ${alert.for.text}`,
      series: [backlog(layout.backlog, WAITING), processed(layout.processed, 0), ...busyOther],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: 0 },
    },
    {
      name: `${alert.name} fires when ${queued} is ${WAITING} and ${done} is missing (no worker process) for ${alert.for.text}`,
      series: [backlog(layout.backlog, WAITING), ...busyOther],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: 0 },
    },
    {
      name: `${alert.name} stays silent while jobs wait and ${done} grows`,
      series: [backlog(layout.backlog, WAITING), processed(layout.processed, 1), ...busyOther],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent while nothing is queued and nothing is processed`,
      series: [backlog(layout.backlog, 0), processed(layout.processed, 0)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent without any ${signal.backlog.metric} series (the exporter's own alert)`,
      series: [processed(layout.processed, 0)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
};

interface StalledLayout {
  readonly backlog: Labels;
  readonly processed: Labels;
  /** Another queue (when the alert is per queue). */
  readonly other?: { readonly backlog: Labels; readonly processed: Labels };
}

function stalledLayout(signal: QueueStalledSignal, ctx: ScenarioContext): StalledLayout {
  const name = ctx.alert.name;
  const workloads = ctx.stack.service.workloads;
  const backlog = withInstance(requireLabelsSelectedBy(name, signal.backlog), [signal.backlog], workloads);
  const processed = withInstance(requireLabelsSelectedBy(name, signal.processed), [signal.processed], workloads);
  const withStatus = signal.processed.matchers.some((m) => m.label === 'status') ? processed : { ...processed, status: 'finished' };
  if (signal.by.length === 0) return { backlog, processed: withStatus };
  const first: Record<string, string> = {};
  const second: Record<string, string> = {};
  for (const label of signal.by) {
    const constrained = [...signal.backlog.matchers, ...signal.processed.matchers].filter((m) => m.label === label);
    const values = constrained.length ? labelValues(label, constrained).filter((v) => v !== '') : ['default', 'other'];
    if (values[0] === undefined) throw new Error(`${name}: cannot build test series with a value of its \`by\` label ${label}`);
    first[label] = values[0];
    second[label] = values[1] ?? values[0];
  }
  const distinct = signal.by.some((l) => first[l] !== second[l]);
  return {
    backlog: { ...backlog, ...first },
    processed: { ...withStatus, ...first },
    ...(distinct && { other: { backlog: { ...backlog, ...second }, processed: { ...withStatus, ...second } } }),
  };
}

/** The `by` labels' values of a series, as a key. */
function byKey(by: readonly string[], labels: Labels): string {
  return JSON.stringify(by.map((l) => labels[l] ?? ''));
}

/** The `by` labels a series has. */
function byLabels(by: readonly string[], labels: Labels): Labels {
  return Object.fromEntries(by.filter((l) => labels[l] !== undefined).map((l) => [l, labels[l]!]));
}

function evaluateStalled(store: SeriesStore, at: number, signal: QueueStalledSignal, ctx: ScenarioContext): ResultSample[] {
  const waiting = new Map<string, { labels: Labels; values: number[] }>();
  for (const series of store.select(signal.backlog.metric, ...signal.backlog.matchers)) {
    const v = store.instant(series, at);
    if (v === undefined) continue;
    const entry = waiting.get(byKey(signal.by, series.labels)) ?? { labels: byLabels(signal.by, series.labels), values: [] };
    entry.values.push(v);
    waiting.set(byKey(signal.by, series.labels), entry);
  }
  const consumed = new Map<string, number[]>();
  for (const series of store.select(signal.processed.metric, ...signal.processed.matchers)) {
    const increase = store.increase(series, at, signal.window.seconds * 1000);
    if (increase === undefined) continue;
    consumed.set(byKey(signal.by, series.labels), [...(consumed.get(byKey(signal.by, series.labels)) ?? []), increase]);
  }
  const out: ResultSample[] = [];
  for (const [k, { labels, values }] of waiting) {
    const max = Math.max(...values);
    if (!(max > 0)) continue;
    const done = sum(consumed.get(k) ?? []);
    if (done && compare(done, '>', 0, ctx.alert.name)) continue;
    out.push({ labels, value: exactly(max) });
  }
  return out;
}
