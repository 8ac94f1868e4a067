import type { CounterIncreaseSignal } from '../../core/alert.js';
import { renderSelector } from '../../promql/selector.js';
import { increaseLayout } from '../../render/promtool/counter-increase.js';
import { piecewise, type InputSeriesModel, type Labels, type Phase } from '../../render/promtool/series.js';
import { parseCount } from '../alert-values.js';
import type { ValueContext, ValueScenario } from './value-scenario.js';

/** Events the counter had counted before the test starts (so the zero-point rule does not apply). */
const EARLIER_EVENTS = 3;

/**
 * A chosen number of events within the alert's window, on the series the promtool proofs build
 * (lib/render/promtool/counter-increase.ts): quiet for one window, then all events at once in one
 * interval, again every window, split over two instances where the selector leaves `instance` free.
 * increase() is exactly the chosen number from window + interval on (no extrapolation: every range
 * starts and ends on a sample). A second `by` group gets the threshold itself.
 */
export function counterIncreaseValue(signal: CounterIncreaseSignal, ctx: ValueContext, increase: unknown): ValueScenario {
  const events = parseCount(ctx.alert.name, 'increase', increase, 'a whole number of events, at least 0', true);
  const { intervalMs } = ctx;
  const windowMs = signal.window.seconds * 1000;
  if (windowMs % intervalMs !== 0) {
    throw new Error(`${ctx.alert.name}: the window ${signal.window} is not a whole number of evaluation intervals (${ctx.platform.evaluationInterval})`);
  }
  const p = windowMs / intervalMs;
  const layout = increaseLayout(signal, ctx);
  const bursts = (labels: Labels, perWindow: number, intervals: number): InputSeriesModel => {
    const phases: Phase[] = [{ perInterval: 0, intervals: p }];
    for (let done = p; done < intervals; done += p) {
      phases.push({ perInterval: perWindow, intervals: 1 }, { perInterval: 0, intervals: Math.min(p, intervals - done) - 1 });
    }
    return piecewise(signal.series.metric, labels, EARLIER_EVENTS, phases);
  };
  const group = (labels: Labels, count: number, intervals: number): InputSeriesModel[] =>
    layout.instances.map((instance, i) => {
      const share = i === 0 ? Math.ceil(count / layout.instances.length) : Math.floor(count / layout.instances.length);
      return bursts(instance(labels), share, intervals);
    });
  return {
    description: `${renderSelector(signal.series)} grows by ${events} within ${signal.window.text}`,
    readyAt: windowMs + intervalMs,
    windowMs,
    series: (intervals) => [
      ...group(layout.groups[0], events, intervals),
      ...(layout.groups[1] ? group(layout.groups[1], Math.floor(signal.threshold), intervals) : []),
    ],
  };
}
