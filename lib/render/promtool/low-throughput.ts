import type { LowThroughputSignal } from '../../core/alert.js';
import type { Matcher } from '../../promql/selector.js';
import { trafficMatchers } from '../../promql/signals.js';
import { exactly, mapPossible, ratesAt, sum, type SeriesStore } from './prom-eval.js';
import { piecewise, type InputSeriesModel } from './series.js';
import {
  ceilToInterval, compare, intervalsUntil, SCENARIO_MARGIN, silentCheckTimes,
  type ResultSample, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';

/**
 * `(sum(rate(<counter>[w])) or vector(0)) * 3600 < min and on() sum(rate(http_requests_total{handler!~"<probes>"}[w])) > 0`.
 *
 * This alert fires on a rate being *low*, and rate() under-reads while its window is not yet full of
 * data (Prometheus extrapolates a young range by half an interval only): started at t=0 with a rate just
 * below the minimum, the condition would hold from the first evaluations for the wrong reason, and a
 * threshold moved by 10% would go unnoticed. So the breaching scenario first produces documents at a
 * normal pace for one window (`a` per interval, at least twice the minimum over a whole window, so
 * even the under-read first evaluations stay above it), and at t_B = window (rounded up to the interval)
 * drops to just below the minimum. Requests are served throughout.
 *
 * Timing: while the increase of the last normal interval (t_B - interval → t_B) is inside the range
 * [t - w, t], that interval alone reads as at least 2× the minimum. It leaves the range at the first
 * evaluation t > t_B - interval + w, i.e. t = t_B + floor(w / interval)·interval; from then on the range
 * only holds the slow phase and the extrapolated rate is exactly the slow pace. The condition first holds
 * there, and the alert fires `for` later. (The documents counter starts well above zero, so the
 * zero-point rule never shortens the extrapolation.)
 */
export const lowThroughputScenarios: ScenarioBuilder<'lowThroughput'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const windowMs = signal.window.seconds * 1000;
  const intervalSeconds = intervalMs / 1000;
  const normalPerInterval = Math.max(1, Math.ceil((2 * signal.minPerHour * signal.window.seconds) / 3600));
  const dropAt = ceilToInterval(windowMs, intervalMs);
  const conditionTrueAt = dropAt + Math.floor(windowMs / intervalMs) * intervalMs;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt, windowMs);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const normalIntervals = dropAt / intervalMs;
  // Ten windows' worth of documents before the test starts.
  const startedWith = normalPerInterval * Math.ceil(windowMs / intervalMs) * 10;
  const port = ctx.stack.service.workloads.find((w) => w.job === signal.job)?.port ?? 80;
  const instance = { job: signal.job, instance: `10.0.0.12:${port}` };
  const requests = (perInterval: number, handler = '/api/v1/example'): InputSeriesModel =>
    piecewise('http_requests_total', { ...instance, handler, method: handler === '/api/v1/example' ? 'POST' : 'GET', status: '200' }, perInterval === 0 ? 5000 : 0, [{ perInterval, intervals }]);
  const documents = (perHour: number): InputSeriesModel =>
    piecewise(signal.metric, instance, startedWith, [
      { perInterval: normalPerInterval, intervals: normalIntervals },
      { perInterval: (perHour * intervalSeconds) / 3600, intervals: intervals - normalIntervals },
    ]);
  // Built once: the scenarios evaluate the expression at every interval.
  const produced: Matcher[] = [{ label: 'job', op: '=', value: signal.job }];
  const served = trafficMatchers(signal);
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateLowThroughput(store, at, signal, ctx, produced, served);
  const min = `${signal.minPerHour}/h`;

  return [
    {
      name: `${alert.name} fires when ${signal.metric} drops to just below ${min} for ${alert.for.text} while requests are served`,
      series: [requests(100), documents(signal.minPerHour * (1 - SCENARIO_MARGIN))],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    {
      name: `${alert.name} stays silent when ${signal.metric} drops to just above ${min}`,
      series: [requests(100), documents(signal.minPerHour * (1 + SCENARIO_MARGIN))],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent with no requests and no ${signal.metric} increase`,
      series: [requests(0), piecewise(signal.metric, instance, startedWith, [{ perInterval: 0, intervals }])],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    // Kubelet probes and scrapes keep arriving on an idle service: they are not "serving requests".
    ...(signal.excludeHandlers ?? []).slice(0, 2).map((handler) => ({
      name: `${alert.name} stays silent when only ${handler} is called and no ${signal.metric} increase`,
      series: [requests(100, handler), piecewise(signal.metric, instance, startedWith, [{ perInterval: 0, intervals }])],
      evaluate,
      expectation: { kind: 'silent' as const, checkAt: checks },
    })),
    {
      // `or vector(0)`: a counter that is not exported at all counts as nothing produced. rate() of the
      // requests needs two samples, so the condition holds from t=interval.
      name: `${alert.name} fires when ${signal.metric} is missing for ${alert.for.text} while requests are served`,
      series: [requests(100)],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: intervalMs },
    },
  ];
};

function evaluateLowThroughput(
  store: SeriesStore, at: number, signal: LowThroughputSignal, ctx: ScenarioContext, producedMatchers: readonly Matcher[], servedMatchers: readonly Matcher[],
): ResultSample[] {
  const windowMs = signal.window.seconds * 1000;
  const produced = mapPossible(sum(ratesAt(store, store.select(signal.metric, ...producedMatchers), at, windowMs)) ?? exactly(0), (v) => v * 3600);
  const traffic = sum(ratesAt(store, store.select('http_requests_total', ...servedMatchers), at, windowMs));
  if (!traffic || !compare(traffic, '>', 0, ctx.alert.name)) return [];
  return compare(produced, '<', signal.minPerHour, ctx.alert.name) ? [{ labels: {}, value: produced }] : [];
}
