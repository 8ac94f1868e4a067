import type { AlertSpec, SeriesSelector, Signal } from '../../core/alert.js';
import { expositionOf, type MetricDefinition } from '../../core/metric-catalog.js';
import type { PlatformConfig } from '../../core/platform.js';
import type { ServiceStack } from '../../core/stack.js';
import { renderSelector } from '../../promql/selector.js';
import { evaluateCounterRatio, ratioSeries } from './counter-ratio.js';
import { evaluateIncrease } from './counter-increase.js';
import { evaluateErrorRatio } from './error-ratio.js';
import { evaluateGauge } from './gauge-threshold.js';
import { evaluateQuantile } from './latency-quantile.js';
import { matchesAll, SeriesStore } from './prom-eval.js';
import { evaluateUtilisation } from './resource-utilisation.js';
import { resolveScenario, scenarioContext, type ResolvedScenario } from './resolve.js';
import { constant, piecewise, type InputSeriesModel, type Labels } from './series.js';
import {
  ceilToInterval, intervalsUntil, perIntervalTotal, silentCheckTimes,
  type ResultSample, type Scenario, type ScenarioContext,
} from './scenario.js';
import { labelsSelectedBy } from './selector-labels.js';

/**
 * Series-absent scenarios: the shapes real exporters produce that the threshold scenarios (which feed
 * every series from t=0) never show, derived from each metric's exposition in the catalog
 * (`expositionOf`): a labelled counter has no series before its first event (no 5xx series on a healthy
 * service), a per-entity gauge has none without entities (rq-exporter writes no `rq_workers` while no
 * worker is registered), cAdvisor and kube-state-metrics series vanish with their pod.
 *
 * Each case says what the alert must do on that shape: fire where the missing series mean the bad state
 * (no registered worker is fewer than 2; no processed job among many enqueued is a 0% ratio), stay silent
 * where they mean nothing happened (no 5xx yet). A case that must fire and whose expression returns
 * nothing there is unreachable: `lib/checks/series-absent.ts` reports it as a synth error naming the
 * alert, and the test file leaves it out. Reachable cases become promtool test groups like the others.
 *
 * One builder per signal kind (a new kind must add one). targetDown and lowThroughput have none here: their
 * own builders already test the missing `up` and the missing business counter.
 */
export interface SeriesAbsentCase {
  readonly alert: AlertSpec;
  /** The exporter's shape in words, e.g. `rq_workers has no series (no registered RQ worker)`. */
  readonly shape: string;
  readonly mustFire: boolean;
  /** Absent when the case must fire and the expression never returns a sample on this shape. */
  readonly scenario?: Scenario;
}

interface Draft {
  readonly shape: string;
  readonly mustFire: boolean;
  readonly series: readonly InputSeriesModel[];
  readonly evaluate: (store: SeriesStore, t: number) => readonly ResultSample[];
  /** Length of the data, in ms. */
  readonly untilMs: number;
}

type DraftBuilder<K extends Signal['kind']> = (signal: Extract<Signal, { kind: K }>, ctx: ScenarioContext) => Draft[];

const none = (): Draft[] => [];

export const SERIES_ABSENT_BUILDERS: { readonly [K in Signal['kind']]: DraftBuilder<K> } = {
  targetDown: none,
  lowThroughput: none,
  errorRatio: errorRatioDrafts,
  latencyQuantile: latencyDrafts,
  resourceUtilisation: resourceDrafts,
  counterRatio: counterRatioDrafts,
  gaugeThreshold: gaugeDrafts,
  counterIncrease: counterIncreaseDrafts,
};

/** The series-absent cases of one alert, with their scenarios where they can be built. */
export function seriesAbsentCases(stack: ServiceStack, alert: AlertSpec, platform: PlatformConfig): SeriesAbsentCase[] {
  const ctx = scenarioContext(stack, alert, platform);
  const build = SERIES_ABSENT_BUILDERS[alert.signal.kind] as DraftBuilder<Signal['kind']>;
  return build(alert.signal as never, ctx).map((draft) => finish(draft, ctx));
}

/** A case resolved like any scenario (timing emulated, promtool group built), or why it could not be. */
export interface ResolvedSeriesAbsentCase {
  readonly case: SeriesAbsentCase;
  readonly resolved?: ResolvedScenario;
  /** Set when the case is unreachable or its emulation disagrees with its expectation. */
  readonly problem?: string;
}

export function resolveSeriesAbsent(stack: ServiceStack, alert: AlertSpec, platform: PlatformConfig): ResolvedSeriesAbsentCase[] {
  const ctx = scenarioContext(stack, alert, platform);
  return seriesAbsentCases(stack, alert, platform).map((c) => {
    if (!c.scenario) return { case: c, problem: "by emulation the expression returns nothing on those series, so the alert never fires" };
    try {
      return { case: c, resolved: resolveScenario(c.scenario, ctx) };
    } catch (error) {
      return { case: c, problem: (error as Error).message };
    }
  });
}

function finish(draft: Draft, ctx: ScenarioContext): SeriesAbsentCase {
  const { alert, intervalMs, holdMs } = ctx;
  const base = { name: '', series: draft.series, evaluate: draft.evaluate };
  if (!draft.mustFire) {
    const checks = silentCheckTimes(ctx, ceilToInterval(draft.untilMs / 2, intervalMs));
    return {
      alert, shape: draft.shape, mustFire: false,
      scenario: { ...base, name: `${alert.name} stays silent when ${draft.shape}`, expectation: { kind: 'silent', checkAt: checks.filter((t) => t <= draft.untilMs) } },
    };
  }
  // Where the condition first holds is read from the emulation (the shape has no threshold to work it
  // out from); promtool then checks the emulation like any other scenario.
  const store = new SeriesStore(draft.series, intervalMs);
  let conditionTrueAt: number | undefined;
  for (let t = 0; t + holdMs <= draft.untilMs; t += intervalMs) {
    if (draft.evaluate(store, t).length > 0) {
      conditionTrueAt = t;
      break;
    }
  }
  if (conditionTrueAt === undefined) return { alert, shape: draft.shape, mustFire: true };
  return {
    alert, shape: draft.shape, mustFire: true,
    scenario: { ...base, name: `${alert.name} fires when ${draft.shape}`, expectation: { kind: 'fires', conditionTrueAt } },
  };
}

function metricOf(ctx: ScenarioContext, name: string): MetricDefinition | undefined {
  return ctx.stack.service.metrics.find(name);
}

/** Whether a selector's series may not exist yet on a healthy service: first-event metrics, or matchers on rare values. */
function absentWhileHealthy(ctx: ScenarioContext, selector: SeriesSelector): boolean {
  const metric = metricOf(ctx, selector.metric);
  if (!metric) return false;
  const exposition = expositionOf(metric);
  if (exposition.presence === 'first-event' && !exposition.rareValues) return true;
  // Only the rare label values are missing: the selector's series are, when every value it can take is rare.
  return Object.entries(exposition.rareValues ?? {}).some(([label, pattern]) => {
    const example = labelsSelectedBy(selector);
    const value = example?.[label];
    return value !== undefined && matchesAll({ [label]: value }, [{ label, op: '=~', value: pattern }]);
  });
}

function scrapeTarget(ctx: ScenarioContext, job: string | undefined, intervals: number): InputSeriesModel[] {
  // Some series must exist for promtool; kube-state-metrics' own target is one every cluster has.
  if (job === undefined) return [constant('up', { job: 'kube-state-metrics', instance: '10.0.0.2:8080' }, 1, intervals)];
  const port = ctx.stack.service.workloads.find((w) => w.job === job)?.port ?? 9100;
  return [constant('up', { job, instance: `10.0.0.12:${port}` }, 1, intervals)];
}

/** Half an hour of data at least, and long enough for the window and `for`. */
function lengthMs(ctx: ScenarioContext, windowMs: number): number {
  return ceilToInterval(Math.max(30 * 60_000, 3 * windowMs + ctx.holdMs + 2 * ctx.intervalMs), ctx.intervalMs);
}

function errorRatioDrafts(signal: Extract<Signal, { kind: 'errorRatio' }>, ctx: ScenarioContext): Draft[] {
  const windowMs = signal.window.seconds * 1000;
  const untilMs = lengthMs(ctx, windowMs);
  const intervals = intervalsUntil(untilMs, ctx.intervalMs);
  const t = signal.threshold.value;
  const n = perIntervalTotal(t);
  const port = ctx.stack.service.workloads.find((w) => w.job === signal.job)?.port ?? 80;
  const labels = (status: string): Labels => ({ job: signal.job, instance: `10.0.0.12:${port}`, handler: '/api/v1/example', method: 'POST', status });
  // Well past the threshold once errors start, so no evaluation lands near it while the new series fills the window.
  const errors = Math.round(Math.min(2 * t, (1 + t) / 2) * n);
  const appearsAfter = Math.ceil(windowMs / ctx.intervalMs);
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateErrorRatio(store, at, signal, ctx);
  return [
    {
      shape: `requests are served and no 5xx series exists yet (labelled counters appear with their first increment)`,
      mustFire: false, untilMs, evaluate,
      series: [piecewise('http_requests_total', labels('200'), 0, [{ perInterval: n, intervals }])],
    },
    {
      shape: `the first 5xx creates its series after ${signal.window.text} of healthy traffic (it appears at ${errors}, not 0) and 5xx keep coming`,
      mustFire: true, untilMs, evaluate,
      series: [
        piecewise('http_requests_total', labels('200'), 0, [{ perInterval: n - errors, intervals }]),
        { metric: 'http_requests_total', labels: labels('500'), segments: [{ kind: 'gap', count: appearsAfter }, { kind: 'ramp', start: errors, step: errors, steps: intervals - appearsAfter }] },
      ],
    },
  ];
}

function latencyDrafts(signal: Extract<Signal, { kind: 'latencyQuantile' }>, ctx: ScenarioContext): Draft[] {
  const metric = metricOf(ctx, signal.metric);
  if (!metric || expositionOf(metric).presence !== 'first-event') return [];
  const untilMs = lengthMs(ctx, signal.window.seconds * 1000);
  return [{
    shape: `${signal.metric} has no series yet (no observation since the process started)`,
    mustFire: false, untilMs,
    series: scrapeTarget(ctx, signal.job, intervalsUntil(untilMs, ctx.intervalMs)),
    evaluate: (store, at) => evaluateQuantile(store, at, signal, ctx),
  }];
}

function resourceDrafts(signal: Extract<Signal, { kind: 'resourceUtilisation' }>, ctx: ScenarioContext): Draft[] {
  const untilMs = lengthMs(ctx, signal.window.seconds * 1000);
  return [{
    shape: `the workload's pods are gone (cAdvisor and kube-state-metrics series vanish with their pod)`,
    mustFire: false, untilMs,
    series: [constant('up', { job: 'kube-state-metrics', instance: '10.0.0.2:8080' }, 1, intervalsUntil(untilMs, ctx.intervalMs))],
    evaluate: (store, at) => evaluateUtilisation(store, at, signal, ctx),
  }];
}

function counterRatioDrafts(signal: Extract<Signal, { kind: 'counterRatio' }>, ctx: ScenarioContext): Draft[] {
  if (!absentWhileHealthy(ctx, signal.numerator)) return [];
  const windowMs = signal.window.seconds * 1000;
  const untilMs = lengthMs(ctx, windowMs);
  const intervals = intervalsUntil(untilMs, ctx.intervalMs);
  const data = ratioSeries(signal, ctx);
  let n = signal.threshold.value > 0 ? perIntervalTotal(signal.threshold.value) : 1000;
  while (signal.minEvents !== undefined && (windowMs / ctx.intervalMs) * n < signal.minEvents) n *= 10;
  const mustFire = signal.comparator === '<';
  return [{
    shape: `${renderSelector(signal.numerator)} has no series yet while ${renderSelector(signal.denominator)} counts ${n} events per interval ` +
      `(a ratio of 0%: labelled counters appear with their first increment)`,
    mustFire, untilMs,
    series: [piecewise(signal.denominator.metric, data.denominator, 0, [{ perInterval: n, intervals }])],
    evaluate: (store, at) => evaluateCounterRatio(store, at, signal, ctx),
  }];
}

function gaugeDrafts(signal: Extract<Signal, { kind: 'gaugeThreshold' }>, ctx: ScenarioContext): Draft[] {
  const metric = metricOf(ctx, signal.series.metric);
  if (!metric) return [];
  const exposition = expositionOf(metric);
  if (exposition.presence !== 'per-entity') return [];
  const untilMs = lengthMs(ctx, 0);
  const job = labelsSelectedBy(signal.series)?.job;
  // No entity means a count of 0: a `sum < t` must fire. For max/min there is no value to compare, and silence is right.
  const mustFire = signal.aggregation === 'sum' && signal.comparator === '<' && signal.threshold > 0;
  return [{
    shape: `${signal.series.metric} has no series while its exporter is up (it writes one per ${exposition.entity ?? 'entity'} and none without any)`,
    mustFire, untilMs,
    series: scrapeTarget(ctx, job, intervalsUntil(untilMs, ctx.intervalMs)),
    evaluate: (store, at) => evaluateGauge(store, at, signal, ctx),
  }];
}

function counterIncreaseDrafts(signal: Extract<Signal, { kind: 'counterIncrease' }>, ctx: ScenarioContext): Draft[] {
  if (!absentWhileHealthy(ctx, signal.series)) return [];
  const untilMs = lengthMs(ctx, signal.window.seconds * 1000);
  return [{
    shape: `${signal.series.metric} has no series yet (no event since the process started)`,
    mustFire: false, untilMs,
    series: scrapeTarget(ctx, labelsSelectedBy(signal.series)?.job, intervalsUntil(untilMs, ctx.intervalMs)),
    evaluate: (store, at) => evaluateIncrease(store, at, signal, ctx),
  }];
}
