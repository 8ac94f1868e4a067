import type { ErrorRatioSignal } from '../../core/alert.js';
import { ceilToInterval } from '../../render/promtool/scenario.js';
import { piecewise, type InputSeriesModel } from '../../render/promtool/series.js';
import { parsePercentValue } from '../alert-values.js';
import { httpLabels, wholeEventsTotal, type ValueContext, type ValueScenario } from './value-scenario.js';

/**
 * 5xx responses at a chosen share of all responses, after a healthy warm-up, as an HTTP instrumentation
 * writes `http_requests_total`: one series per status code, each created on its first request. So the
 * 5xx series do not exist during the warm-up (one rate window of 200s and 1% 404s, which must not count
 * as errors), and appear at their first increment when the errors start: the alert must add up series
 * that appear mid-window. Errors are four 500s for each 503. Every other counter starts at 0 at t=0.
 *
 * The windowed ratio climbs from 0 to the chosen share over one window after the errors start, and reads
 * it exactly once the window holds only the error phase (`readyAt`).
 */
export function errorRatioValue(signal: ErrorRatioSignal, ctx: ValueContext, errors: unknown): ValueScenario {
  const share = parsePercentValue(ctx.alert.name, 'errors', errors, 0.98);
  const { intervalMs } = ctx;
  let n = wholeEventsTotal(share);
  // With a traffic floor, every full window holds at least minRequests requests.
  while (signal.minRequests !== undefined && Math.max(1, Math.floor((signal.window.seconds * 1000) / intervalMs)) * n < signal.minRequests) n *= 10;
  const failed = Math.round(share * n);
  const unavailable = Math.floor(failed / 5);
  const notFound = n / 100;
  if (n - failed - notFound < 0) throw new Error(`${ctx.alert.name}: errors: '${errors}' leaves no room for the 1% of 404s of the test data`);
  const windowMs = signal.window.seconds * 1000;
  const warmUp = ceilToInterval(windowMs, intervalMs) / intervalMs;
  const labels = (status: string) => ({ ...httpLabels(signal.job, ctx), status });
  /** A 5xx series absent until its first increment, one interval after the errors start. */
  const appearing = (status: string, perInterval: number, intervals: number): InputSeriesModel[] => perInterval === 0 ? [] : [{
    metric: 'http_requests_total',
    labels: labels(status),
    segments: [{ kind: 'gap', count: warmUp + 1 }, { kind: 'ramp', start: perInterval, step: perInterval, steps: intervals - warmUp - 1 }],
  }];
  return {
    description: `5xx = ${errors} of responses (after ${signal.window.text} without errors)`,
    readyAt: (warmUp + 1) * intervalMs + ceilToInterval(windowMs, intervalMs),
    windowMs,
    series: (intervals) => [
      piecewise('http_requests_total', labels('200'), 0, [
        { perInterval: n - notFound, intervals: warmUp },
        { perInterval: n - notFound - failed, intervals: intervals - warmUp },
      ]),
      piecewise('http_requests_total', labels('404'), 0, [{ perInterval: notFound, intervals }]),
      ...appearing('500', failed - unavailable, intervals),
      ...appearing('503', unavailable, intervals),
    ],
  };
}
