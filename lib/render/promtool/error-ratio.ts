import type { ErrorRatioSignal } from '../../core/alert.js';
import { eq, re } from '../../promql/selector.js';
import { combine, increasesAt, mapPossible, ratesAt, sum, type SeriesStore } from './prom-eval.js';
import { piecewise, type InputSeriesModel, type Phase } from './series.js';
import {
  compare, intervalsUntil, perIntervalTotal, SCENARIO_MARGIN, silentCheckTimes,
  type ResultSample, type Scenario, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';

/**
 * `(sum(rate(5xx[w])) or 0 * sum(rate(all[w]))) / sum(rate(all[w])) > threshold`.
 *
 * Data: one handler receiving N requests per interval (N a power of ten large enough that 2% of the
 * threshold is at least 10 requests), split into 200s, 404s (client errors, which must not count), 500s
 * and 503s. Every counter starts at 0 at t=0.
 *
 * Timing: at t=0 each range holds a single sample, so rate() returns nothing and neither does the ratio.
 * From t=interval every range holds at least two samples; since each counter starts at 0, Prometheus'
 * zero-point rule stops all of them from being extrapolated before t=0, so every rate is
 * `increase / window` with the same factor and the ratio is exactly errors/N from t=interval on. The
 * condition therefore first holds at t=interval and the alert fires at interval + `for`.
 *
 * Traffic floor (`minRequests` = m, `… and on() sum(increase(http_requests_total{job}[w])) >= m`), as
 * counter-ratio.ts does for `minEvents`: N is raised until a full window holds m requests, the condition
 * first holds at ceil(m / N) × interval, and a scenario with m - 1 requests per window, far past the
 * threshold, must stay silent.
 */
export const errorRatioScenarios: ScenarioBuilder<'errorRatio'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const t = signal.threshold.value;
  if (t * (1 + SCENARIO_MARGIN) >= 0.98) {
    throw new Error(`${alert.name}: an error-ratio threshold of ${signal.threshold} leaves no room for the test's successful requests`);
  }
  const windowMs = signal.window.seconds * 1000;
  const minRequests = signal.minRequests;
  if (minRequests !== undefined && windowMs % intervalMs !== 0) {
    throw new Error(`${alert.name}: the window ${signal.window} is not a whole number of evaluation intervals (${ctx.platform.evaluationInterval}); ` +
      'increase() would be extrapolated and the traffic floor could not be tested exactly');
  }
  const p = windowMs / intervalMs;
  let n = perIntervalTotal(t);
  // A full window must hold at least minRequests requests (the traffic floor).
  while (minRequests !== undefined && p * n < minRequests) n *= 10;
  // j × N requests at t = j × interval (no extrapolation, see counter-ratio.ts): enough from j = ceil(minRequests / N) on.
  const conditionTrueAt = Math.max(1, Math.ceil((minRequests ?? 0) / n)) * intervalMs;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt, signal.window.seconds * 1000);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const display = signal.threshold.toString();
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateErrorRatio(store, at, signal, ctx);
  const traffic = (errors: number, flat: boolean): InputSeriesModel[] =>
    requestCounters(signal.job, ctx, n, errors).map(({ status, perInterval }) =>
      flat
        ? piecewise('http_requests_total', labelsFor(signal.job, ctx, status), perInterval * 60, [{ perInterval: 0, intervals }])
        : piecewise('http_requests_total', labelsFor(signal.job, ctx, status), 0, [{ perInterval, intervals }]));

  const floor = minRequests === undefined ? '' : ` with at least ${minRequests} requests in ${signal.window.text}`;
  const scenarios: Scenario[] = [
    {
      name: `${alert.name} fires when the 5xx ratio is just above ${display}${floor} for ${alert.for.text}`,
      series: traffic(Math.round(t * (1 + SCENARIO_MARGIN) * n), false),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    {
      name: `${alert.name} stays silent when the 5xx ratio is just below ${display}`,
      series: traffic(Math.round(t * (1 - SCENARIO_MARGIN) * n), false),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent without traffic (0/0 is NaN, not an error ratio)`,
      series: traffic(Math.round(t * n), true),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
  if (minRequests !== undefined && minRequests > 1) {
    // Below the floor: m - 1 requests per window, far past the threshold (twice it, at least one 5xx, at
    // most half), all at once in (0, interval] and again every window, so any P consecutive intervals hold
    // exactly one burst and increase() is exactly m - 1 from t=interval on.
    const few = minRequests - 1;
    const failed = Math.max(1, Math.min(Math.floor(few / 2), Math.ceil(2 * t * few)));
    const bursts = (status: string, events: number): InputSeriesModel => {
      const phases: Phase[] = [];
      for (let done = 0; done < intervals; done += p) {
        phases.push({ perInterval: events, intervals: 1 }, { perInterval: 0, intervals: Math.min(p, intervals - done) - 1 });
      }
      return piecewise('http_requests_total', labelsFor(signal.job, ctx, status), 0, phases);
    };
    scenarios.push({
      name: `${alert.name} stays silent when ${failed} of ${few} requests within ${signal.window.text} fail (${percentText(failed / few)}, but fewer than ${minRequests} requests)`,
      series: [bursts('200', few - failed), bursts('500', failed)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    });
  }
  return scenarios;
};

const percentText = (value: number): string => `${Number((value * 100).toPrecision(4))}%`;

function labelsFor(job: string, ctx: ScenarioContext, status: string): Record<string, string> {
  const port = ctx.stack.service.workloads.find((w) => w.job === job)?.port ?? 80;
  return { job, instance: `10.0.0.12:${port}`, handler: '/api/v1/example', method: 'POST', status };
}

/** N requests per interval: `errors` 5xx (four in five are 500s, the rest 503s), 1% 404s, the rest 200s. */
function requestCounters(job: string, ctx: ScenarioContext, n: number, errors: number): { status: string; perInterval: number }[] {
  const unavailable = Math.floor(errors / 5);
  const notFound = Math.round(n / 100);
  const ok = n - errors - notFound;
  if (ok <= 0) throw new Error(`${ctx.alert.name}: no room for successful requests of job ${job} in the test data`);
  return [
    { status: '200', perInterval: ok },
    { status: '404', perInterval: notFound },
    { status: '500', perInterval: errors - unavailable },
    { status: '503', perInterval: unavailable },
  ];
}

export function evaluateErrorRatio(store: SeriesStore, at: number, signal: ErrorRatioSignal, ctx: ScenarioContext): ResultSample[] {
  const windowMs = signal.window.seconds * 1000;
  const all = sum(ratesAt(store, store.select('http_requests_total', eq('job', signal.job)), at, windowMs));
  // `or 0 * <all>`: no 5xx series yet is 0 errors.
  const errors = sum(ratesAt(store, store.select('http_requests_total', eq('job', signal.job), re('status', '5..')), at, windowMs)) ?? (all && mapPossible(all, (v) => 0 * v));
  if (!errors || !all) return [];
  const ratio = combine(errors, all, (a, b) => a / b);
  if (!compare(ratio, '>', signal.threshold.value, ctx.alert.name)) return [];
  if (signal.minRequests !== undefined) {
    // `and on() sum(increase(http_requests_total{job}[w])) >= minRequests`: the left side survives only while the right has a sample.
    const volume = sum(increasesAt(store, store.select('http_requests_total', eq('job', signal.job)), at, windowMs));
    if (!volume) return [];
    const enough = volume.alternatives.map((v) => v >= signal.minRequests!);
    if (enough.some((e) => e !== enough[0])) {
      throw new Error(`${ctx.alert.name}: the scenario's volume ${volume.value} is too close to minRequests ${signal.minRequests} to compare reliably`);
    }
    if (!enough[0]) return [];
  }
  return [{ labels: {}, value: ratio }];
}
