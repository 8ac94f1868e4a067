import type { Slo } from '../../core/slo.js';
import type { ServiceStack } from '../../core/stack.js';
import { roundFloat } from '../../core/units.js';
import { SLO_SCENARIO_RPS, trafficModel } from '../../render/promtool/slo-scenarios.js';
import { errorBudget } from '../../slo/define-slo.js';
import { percent } from '../../slo/rules.js';
import { parseCount } from '../alert-values.js';
import type { ClientLibrary } from '../alert-values.js';
import type { ValueScenario } from './value-scenario.js';

/** What a burn-rate scenario needs to know: the SLO's stack, the alert's name, the evaluation interval, the client. */
export interface BurnRateContext {
  readonly stack: ServiceStack;
  readonly alertName: string;
  readonly intervalMs: number;
  readonly client: ClientLibrary;
}

/**
 * Traffic burning the SLO's error budget at a chosen multiple of the sustainable rate, constant from t=0,
 * on the SLI's own series as the SLO proofs build them (lib/render/promtool/slo-scenarios.ts): for an
 * availability SLI 100 requests per second with 1% 404s and the bad share as 500s and 503s (none at all,
 * not even the series, at a burn of 0); for a latency SLI the histogram buckets around the threshold, with
 * `le` written as the client library does (the SLI's `le=~"5(\.0)?"` must match both). Every window's
 * error ratio equals the burn × budget from the first recording on (t=interval).
 */
export function burnRateValue(slo: Slo, ctx: BurnRateContext, burn: unknown): ValueScenario {
  const factor = parseCount(ctx.alertName, 'burn', burn, 'a burn rate of at least 0, such as 15 (15x the sustainable rate)', false);
  const budget = errorBudget(slo);
  const where = `${ctx.stack.service.name}: SLO ${slo.name}`;
  if (factor * budget > 1) {
    throw new Error(`${ctx.alertName}: burn: a ${factor}x burn of a ${percent(budget)} error budget is more than 100% bad events; allowed: at most ${roundFloat(1 / budget)}`);
  }
  const traffic = trafficModel(ctx.stack, slo, where);
  const perInterval = SLO_SCENARIO_RPS * (ctx.intervalMs / 1000);
  return {
    description: `a ${factor}x burn of the ${slo.name} error budget (${percent(factor * budget)} bad events` +
      `${slo.sli.kind === 'latency' ? `, buckets as the ${ctx.client === 'python' ? 'Python' : ctx.client === 'go' ? 'Go' : 'JavaScript'} client writes them` : ''})`,
    readyAt: ctx.intervalMs,
    // A constant burn reads the same in every window: no window has to fill.
    windowMs: 0,
    series: (intervals) => {
      const series = traffic({
        bad: roundFloat(factor * budget * perInterval), total: perInterval, intervals, flat: false,
        style: ctx.client === 'python' ? 'python' : 'go',
      });
      // Clients create a status series at its first request: without bad events there is no 5xx series.
      return factor === 0 && slo.sli.kind === 'availability' ? series.filter((s) => !/^5/.test(s.labels.status ?? '')) : series;
    },
  };
}
