import type { LowThroughputSignal } from '../../core/alert.js';
import { ceilToInterval } from '../../render/promtool/scenario.js';
import { piecewise } from '../../render/promtool/series.js';
import { parseCount } from '../alert-values.js';
import { httpLabels, type ValueContext, type ValueScenario } from './value-scenario.js';

/**
 * A business counter (documents generated) at a chosen rate per hour while the service keeps serving
 * requests. The counter has been counting for a while; for one window it grows at a normal pace (twice
 * the alert's minimum per interval, so even a young, under-reading rate window stays above the minimum:
 * an alert on a *low* rate must not fire on the test's own start), then at the chosen rate. The windowed
 * rate reads the chosen rate once the window holds only that phase (`readyAt`).
 */
export function lowThroughputValue(signal: LowThroughputSignal, ctx: ValueContext, perHour: unknown): ValueScenario {
  const rate = parseCount(ctx.alert.name, 'perHour', perHour, 'events per hour, a number of at least 0', false);
  const { intervalMs } = ctx;
  const windowMs = signal.window.seconds * 1000;
  const normalPerInterval = Math.max(1, Math.ceil((2 * signal.minPerHour * signal.window.seconds) / 3600));
  const dropAt = ceilToInterval(windowMs, intervalMs);
  const normalIntervals = dropAt / intervalMs;
  const startedWith = normalPerInterval * normalIntervals * 10;
  const labels = httpLabels(signal.job, ctx);
  const instance = { job: signal.job, instance: labels.instance! };
  return {
    description: `${signal.metric} at ${rate}/h (after ${signal.window.text} at the normal pace) while requests are served`,
    readyAt: dropAt + ceilToInterval(windowMs, intervalMs) + intervalMs,
    windowMs,
    series: (intervals) => [
      piecewise('http_requests_total', { ...labels, status: '200' }, 0, [{ perInterval: 100, intervals }]),
      piecewise(signal.metric, instance, startedWith, [
        { perInterval: normalPerInterval, intervals: normalIntervals },
        { perInterval: (rate * intervalMs) / 3_600_000, intervals: intervals - normalIntervals },
      ]),
    ],
  };
}
