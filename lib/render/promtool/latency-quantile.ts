import type { LatencyQuantileSignal } from '../../core/alert.js';
import { eq } from '../../promql/selector.js';
import { bucketQuantile, exactly, sum, type SeriesStore } from './prom-eval.js';
import { piecewise, type InputSeriesModel } from './series.js';
import {
  compare, intervalsUntil, perIntervalTotal, quantileName, SCENARIO_MARGIN, silentCheckTimes,
  type ResultSample, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';

/**
 * `histogram_quantile(q, sum by (le) (rate(<metric>_bucket{job}[w]))) > threshold`, the threshold being a
 * bucket bound T (checked here: the data cannot aim at anything else).
 *
 * Data: N requests per interval on one handler, cumulative `_bucket` counters for every bound plus
 * `+Inf`. A share just above (or below) 1-q of the requests is slow and lands in the bucket right above
 * T; the rest lands in the bucket right below T. So q·N falls just inside the slow bucket, and linear
 * interpolation puts the quantile just above T (or, with fewer slow requests, just below it, inside the
 * fast bucket). Every counter starts at 0 at t=0.
 *
 * Timing: rate() needs two samples, so nothing is returned at t=0. From t=interval on, every bucket's
 * rate is `increase / window` (the zero-point rule prevents any extrapolation before t=0), so the
 * buckets' proportions and thus the quantile are exact: the condition first holds at t=interval and the
 * alert fires at interval + `for`.
 */
export const latencyQuantileScenarios: ScenarioBuilder<'latencyQuantile'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const { buckets } = signal;
  const thresholdSeconds = signal.threshold.seconds;
  const index = buckets.indexOf(thresholdSeconds);
  if (index < 0) {
    throw new Error(`${alert.name}: threshold ${signal.threshold} is not a bucket bound of ${signal.metric} (buckets: ${buckets.join(', ')})`);
  }
  if (index === buckets.length - 1) {
    throw new Error(`${alert.name}: threshold ${signal.threshold} is the largest finite bucket of ${signal.metric}; ` +
      'histogram_quantile never returns more than that bound, so the alert could never fire');
  }
  const slowShare = 1 - signal.quantile;
  const n = perIntervalTotal(slowShare);
  const conditionTrueAt = intervalMs;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt, signal.window.seconds * 1000);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const p = quantileName(signal.quantile);
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateQuantile(store, at, signal, ctx);
  // Slow requests land in the bucket right above T, or (`beyondEveryBound`) above the largest finite bound.
  const histogram = (slow: number, flat: boolean, beyondEveryBound = false): InputSeriesModel[] =>
    [...buckets, Infinity].map((bound) => {
      const perInterval = bound < thresholdSeconds ? 0
        : bound === thresholdSeconds || (beyondEveryBound && bound !== Infinity) ? n - slow : n;
      const labels = { ...labelsFor(signal.job, ctx), le: leText(bound) };
      return flat
        ? piecewise(`${signal.metric}_bucket`, labels, perInterval * 60, [{ perInterval: 0, intervals }])
        : piecewise(`${signal.metric}_bucket`, labels, 0, [{ perInterval, intervals }]);
    });

  return [
    {
      name: `${alert.name} fires when ${p} is just above ${signal.threshold} for ${alert.for.text}`,
      series: histogram(Math.round(slowShare * (1 + SCENARIO_MARGIN) * n), false),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    // histogram_quantile reads the largest finite bound there: the annotation must say it is a lower bound.
    {
      name: `${alert.name} fires with ${p} at the largest finite bucket (${buckets[buckets.length - 1]}s) when requests take longer than every bound`,
      series: histogram(Math.round(slowShare * (1 + SCENARIO_MARGIN) * n), false, true),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    {
      name: `${alert.name} stays silent when ${p} is just below ${signal.threshold}`,
      series: histogram(Math.round(slowShare * (1 - SCENARIO_MARGIN) * n), false),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent without requests (no observations make ${p} NaN)`,
      series: histogram(Math.round(slowShare * n), true),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
};

function labelsFor(job: string, ctx: ScenarioContext): Record<string, string> {
  const port = ctx.stack.service.workloads.find((w) => w.job === job)?.port ?? 80;
  return { job, instance: `10.0.0.12:${port}`, handler: '/api/v1/example', method: 'POST' };
}

/** `le` as Python's prometheus_client writes it (the services are FastAPI): `5.0`, `0.25`, `+Inf`. */
function leText(bound: number): string {
  if (bound === Infinity) return '+Inf';
  return Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}

export function evaluateQuantile(store: SeriesStore, at: number, signal: LatencyQuantileSignal, ctx: ScenarioContext): ResultSample[] {
  const windowMs = signal.window.seconds * 1000;
  const byLe = new Map<string, number[]>();
  for (const series of store.select(`${signal.metric}_bucket`, eq('job', signal.job))) {
    const rate = store.rate(series, at, windowMs);
    const le = series.labels.le;
    if (rate === undefined || le === undefined) continue;
    byLe.set(le, [...(byLe.get(le) ?? []), rate]);
  }
  if (byLe.size === 0) return [];
  const buckets = [...byLe.entries()].map(([le, rates]) => {
    const total = sum(rates)!;
    if (total.alternatives.length > 1) throw new Error(`${ctx.alert.name}: one series per bucket expected in the test data`);
    return { upperBound: le === '+Inf' ? Infinity : Number(le), count: total.value };
  });
  const value = exactly(bucketQuantile(signal.quantile, buckets));
  return compare(value, '>', signal.threshold.seconds, ctx.alert.name) ? [{ labels: {}, value }] : [];
}
