import type { GaugeThresholdSignal } from '../../core/alert.js';
import { num, renderSelector } from '../../promql/selector.js';
import { gaugeLayout, gaugeValues } from '../../render/promtool/gauge-threshold.js';
import { constant, type InputSeriesModel, type Labels } from '../../render/promtool/series.js';
import { parseCount } from '../alert-values.js';
import type { ValueContext, ValueScenario } from './value-scenario.js';

/**
 * The aggregated gauge at a chosen value, on the series the promtool proofs build from the selector
 * (lib/render/promtool/gauge-threshold.ts): two series per group, told apart by `instance` (or `pod`,
 * `replica`) — both at the value for `max` and `min`, halves of it for `sum`. With `by` labels, a second
 * group (queue="other") stays on the healthy side of the threshold. Instant, from t=0.
 */
export function gaugeThresholdValue(signal: GaugeThresholdSignal, ctx: ValueContext, value: unknown): ValueScenario {
  const v = parseCount(ctx.alert.name, 'value', value, 'a number', false);
  const layout = gaugeLayout(signal, ctx);
  const { healthy } = gaugeValues(signal);
  const split = (x: number): number[] => (signal.aggregation === 'sum' ? [x / 2, x / 2] : [x, x]);
  const group = (labels: Labels, x: number, intervals: number): InputSeriesModel[] => {
    if (!layout.free) return [constant(signal.series.metric, labels, x, intervals)];
    const free = layout.free;
    return split(x).map((part, i) => constant(signal.series.metric, { ...labels, [free.label]: free.values[i]! }, part, intervals));
  };
  const by = signal.by.length > 0 ? ` for ${signal.by.map((l) => `${l}="${layout.groups[0][l] ?? ''}"`).join(', ')}` : '';
  return {
    description: `${signal.aggregation}(${renderSelector(signal.series)}) = ${num(v)}${by}`,
    readyAt: 0,
    windowMs: 0,
    series: (intervals) => [
      ...group(layout.groups[0], v, intervals),
      ...(layout.groups[1] ? group(layout.groups[1], healthy, intervals) : []),
    ],
  };
}
