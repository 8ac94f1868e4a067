import type { CounterRatioSignal } from '../../core/alert.js';
import { renderSelector } from '../../promql/selector.js';
import { ratioSeries } from '../../render/promtool/counter-ratio.js';
import { piecewise, type InputSeriesModel } from '../../render/promtool/series.js';
import { parsePercentValue } from '../alert-values.js';
import { wholeEventsTotal, type ValueContext, type ValueScenario } from './value-scenario.js';

/**
 * Numerator events at a chosen share of the denominator's, on the series the promtool proofs build from
 * the two selectors (lib/render/promtool/counter-ratio.ts: label values satisfying the matchers, the
 * numerator's events among the denominator's for one metric, another job's series to leave out). Every
 * counter starts at 0 at t=0; at 0% the numerator's series does not exist at all, as a labelled counter
 * that was never incremented (note that a `<` ratio then reads nothing and does not fire). With
 * `minEvents`, a full window holds at least that many denominator events.
 */
export function counterRatioValue(signal: CounterRatioSignal, ctx: ValueContext, ratio: unknown): ValueScenario {
  const share = parsePercentValue(ctx.alert.name, 'ratio', ratio, 1);
  const data = ratioSeries(signal, ctx);
  const { intervalMs } = ctx;
  const windowMs = signal.window.seconds * 1000;
  const p = Math.max(1, Math.floor(windowMs / intervalMs));
  let n = wholeEventsTotal(share, 1000);
  while (signal.minEvents !== undefined && p * n < signal.minEvents) n *= 10;
  const k = Math.round(share * n);
  if (data.numeratorCounted && k === n && share < 1) throw new Error(`${ctx.alert.name}: ratio: '${String(ratio)}' is too close to 100% for the test data`);
  const counter = (metric: string, labels: Record<string, string>, perInterval: number, intervals: number): InputSeriesModel =>
    piecewise(metric, labels, 0, [{ perInterval, intervals }]);
  return {
    description: `${renderSelector(signal.numerator)} / ${renderSelector(signal.denominator)} = ${String(ratio)} of ${n} events per ${ctx.platform.evaluationInterval}`,
    readyAt: Math.max(1, Math.ceil((signal.minEvents ?? 0) / n)) * intervalMs,
    windowMs,
    series: (intervals) => [
      ...(k > 0 ? [counter(signal.numerator.metric, data.numerator, k, intervals)] : []),
      ...(!data.numeratorCounted || k < n ? [counter(signal.denominator.metric, data.denominator, data.numeratorCounted ? n - k : n, intervals)] : []),
      ...(data.other ? [counter(data.other.metric, data.other.labels, n, intervals)] : []),
    ],
  };
}
