import type { AlertSpec } from '../core/alert.js';
import { formatIssues } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { Slo, SloTier } from '../core/slo.js';
import type { ServiceStack } from '../core/stack.js';
import { ceilToInterval, quantileName, type ResultSample } from '../render/promtool/scenario.js';
import { SCENARIO_BUILDERS } from '../render/promtool/builders.js';
import type { SeriesStore } from '../render/promtool/prom-eval.js';
import { parseInterval, scenarioContext } from '../render/promtool/resolve.js';
import { SloEmulation } from '../render/promtool/slo-scenarios.js';
import { ruleGroupsFor } from '../render/prometheus/rule-groups.js';
import type { AlertingRule, RuleGroup } from '../render/prometheus/rule-types.js';
import { burnRateAlert, sloAlertName, sloGroupNames, sloLabels, sloRuleGroups } from '../slo/rules.js';
import { valueEntry, type AlertValue, type ClientLibrary } from './alert-values.js';
import { burnRateValue } from './scenarios/burn-rate.js';
import { counterIncreaseValue } from './scenarios/counter-increase.js';
import { counterRatioValue } from './scenarios/counter-ratio.js';
import { errorRatioValue } from './scenarios/error-ratio.js';
import { gaugeThresholdValue } from './scenarios/gauge-threshold.js';
import { latencyQuantileValue } from './scenarios/latency-quantile.js';
import { lowThroughputValue } from './scenarios/low-throughput.js';
import { resourceUtilisationValue } from './scenarios/resource-utilisation.js';
import { targetDownValue } from './scenarios/target-down.js';
import type { ValueContext, ValueScenario } from './scenarios/value-scenario.js';

/** One alert of a stack (its own, or an SLO burn-rate alert), with what promtool needs to test it. */
export interface AlertUnderTest {
  readonly name: string;
  readonly rule: AlertingRule;
  readonly intervalMs: number;
  readonly forMs: number;
  /** `for` rounded up to whole evaluation intervals. */
  readonly holdMs: number;
  /** The stack's rendered rule groups promtool loads: the alert's own group, or its SLO's recordings and alerts. */
  readonly groups: readonly RuleGroup[];
  /** Set for SLO alerts: the long group reads what the short group records at the same evaluation. */
  readonly groupEvalOrder?: readonly string[];
  /** The value key the alert takes, e.g. `{ p95: '<latency>' }`. */
  readonly valueShape: string;
  /** The alert's signal at the chosen value. */
  scenario(value: AlertValue, client: ClientLibrary): ValueScenario;
  /** The alert expression as Prometheus 2.42 evaluates it on the scenario's series (lib/render/promtool/prom-eval.ts). */
  emulate(store: SeriesStore): (t: number) => readonly ResultSample[];
}

/** Finds the alert by name among the stack's alerts and SLO burn-rate alerts; a clear error lists the names there are. */
export function alertUnderTest(stack: ServiceStack, name: string, platform: PlatformConfig): AlertUnderTest {
  const issues = stack.service.issues.issues;
  if (issues.length > 0) throw new Error(`${stack.service.name} is not a valid service, so its alerts cannot be tested:\n${formatIssues(issues)}`);
  const alert = stack.alerts.find((a) => a.name === name);
  if (alert) return ownAlert(stack, alert, platform);
  for (const slo of stack.slos ?? []) {
    const tier = slo.tiers.find((t) => sloAlertName(stack.service, slo, t) === name);
    if (tier) return burnRateAlertUnderTest(stack, slo, tier, platform);
  }
  const known = [
    ...stack.alerts.map((a) => a.name),
    ...(stack.slos ?? []).flatMap((slo) => slo.tiers.map((t) => sloAlertName(stack.service, slo, t))),
  ];
  throw new Error(`${stack.service.name} has no alert named '${name}'; its alerts are: ${known.join(', ') || 'none'}`);
}

function ownAlert(stack: ServiceStack, alert: AlertSpec, platform: PlatformConfig): AlertUnderTest {
  const ctx = scenarioContext(stack, alert, platform);
  const { signal } = alert;
  const group = ruleGroupsFor(stack, platform).find((g) => g.rules.some((r) => 'alert' in r && r.alert === alert.name))!;
  // The proofs' own scenarios carry the emulated expression of this signal; any of them will do.
  const builder = SCENARIO_BUILDERS[signal.kind] as (s: typeof signal, c: typeof ctx) => { evaluate: (store: SeriesStore, t: number) => readonly ResultSample[] }[];
  const evaluate = builder(signal, ctx)[0]!.evaluate;
  const valueShape = valueShapeOf(alert);
  return {
    name: alert.name,
    rule: ctx.rule,
    intervalMs: ctx.intervalMs,
    forMs: ctx.forMs,
    holdMs: ctx.holdMs,
    groups: [group],
    valueShape,
    scenario: (value, client) => {
      const vctx: ValueContext = { ...ctx, client };
      const [key, v] = valueEntry(alert.name, value, valueShape);
      const wrongKey = (): never => {
        throw new Error(`${alert.name} measures ${measures(alert)}: give ${valueShape}, not ${key}`);
      };
      switch (signal.kind) {
        case 'targetDown': return key === 'up' ? targetDownValue(signal, vctx, v) : wrongKey();
        case 'errorRatio': return key === 'errors' ? errorRatioValue(signal, vctx, v) : wrongKey();
        case 'latencyQuantile': return key === quantileName(signal.quantile) ? latencyQuantileValue(signal, vctx, v) : wrongKey();
        case 'resourceUtilisation': return key === 'cpu' || key === 'memory' ? resourceUtilisationValue(signal, vctx, key, v) : wrongKey();
        case 'lowThroughput': return key === 'perHour' ? lowThroughputValue(signal, vctx, v) : wrongKey();
        case 'counterRatio': return key === 'ratio' ? counterRatioValue(signal, vctx, v) : wrongKey();
        case 'gaugeThreshold': return key === 'value' ? gaugeThresholdValue(signal, vctx, v) : wrongKey();
        case 'counterIncrease': return key === 'increase' ? counterIncreaseValue(signal, vctx, v) : wrongKey();
      }
    },
    emulate: (store) => (t) => evaluate(store, t),
  };
}

function burnRateAlertUnderTest(stack: ServiceStack, slo: Slo, tier: SloTier, platform: PlatformConfig): AlertUnderTest {
  const rule = burnRateAlert(stack, slo, tier, platform);
  const intervalMs = parseInterval(platform);
  const forMs = tier.for.seconds * 1000;
  const names = sloGroupNames(stack.service);
  // This SLO's recordings and alerts only (every SLO series carries slo="<name>"): other SLOs cannot change its result.
  const groups = sloRuleGroups(stack, platform)
    .filter((g) => g.name !== names.meta)
    .map((g) => ({ ...g, rules: g.rules.filter((r) => r.labels?.slo === slo.name) }));
  const labels = sloLabels(stack.service, slo);
  const where = `${stack.service.name}: SLO ${slo.name}`;
  return {
    name: rule.alert,
    rule,
    intervalMs,
    forMs,
    holdMs: ceilToInterval(forMs, intervalMs),
    groups,
    groupEvalOrder: groups.map((g) => g.name),
    valueShape: '{ burn: <burn rate> }',
    scenario: (value, client) => {
      const [key, v] = valueEntry(rule.alert, value, '{ burn: 15 }');
      if (key !== 'burn') throw new Error(`${rule.alert} is a burn-rate alert of the ${slo.name} SLO: give { burn: <burn rate> }, such as { burn: 15 }, not ${key}`);
      return burnRateValue(slo, { stack, alertName: rule.alert, intervalMs, client }, v);
    },
    emulate: (store) => {
      const emulation = new SloEmulation(store, slo, where);
      return (t) => emulation.alertSamples(tier, t, labels);
    },
  };
}

/** What the alert's value is, for messages: `p95 latency`, `the 5xx ratio`. */
function measures(alert: AlertSpec): string {
  const { signal } = alert;
  switch (signal.kind) {
    case 'targetDown': return `whether job ${signal.job} is up`;
    case 'errorRatio': return 'the share of 5xx responses';
    case 'latencyQuantile': return `${quantileName(signal.quantile)} latency`;
    case 'resourceUtilisation': return `${signal.resource} use of the limit`;
    case 'lowThroughput': return `the rate of ${signal.metric}`;
    case 'counterRatio': return 'a ratio of two counters';
    case 'gaugeThreshold': return `the ${signal.aggregation} of ${signal.series.metric}`;
    case 'counterIncrease': return `the increase of ${signal.series.metric}`;
  }
}

/** The value the alert takes, as an example: `{ p95: '<latency>' }`. */
function valueShapeOf(alert: AlertSpec): string {
  const { signal } = alert;
  switch (signal.kind) {
    case 'targetDown': return "{ up: 0 }, { up: 1 } or { up: 'absent' }";
    case 'errorRatio': return "{ errors: '<percentage>' }";
    case 'latencyQuantile': return `{ ${quantileName(signal.quantile)}: '<latency>' }`;
    case 'resourceUtilisation': return `{ ${signal.resource}: '<percentage of the limit>' }`;
    case 'lowThroughput': return '{ perHour: <events per hour> }';
    case 'counterRatio': return "{ ratio: '<percentage>' }";
    case 'gaugeThreshold': return '{ value: <number> }';
    case 'counterIncrease': return '{ increase: <events within the window> }';
  }
}
