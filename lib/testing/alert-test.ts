import { eq, selector } from '../promql/selector.js';
import { SeriesStore } from '../render/promtool/prom-eval.js';
import { AlertSimulation, expectedAlert } from '../render/promtool/resolve.js';
import { ceilToInterval, durationText } from '../render/promtool/scenario.js';
import { seriesSelectorText, seriesValuesText } from '../render/promtool/series.js';
import type { PromtoolAlertTest, PromtoolExprTest, PromtoolTestFile } from '../render/promtool/test-file.js';
import { toYaml } from '../render/yaml.js';
import type { AlertValue, ClientLibrary } from './alert-values.js';
import type { AlertUnderTest } from './alert-under-test.js';

/** What a test claims about the alert at the chosen value. */
export type AlertClaim =
  | { readonly kind: 'fires'; /** It fires this long after its condition first holds, not one evaluation sooner. */ readonly afterMs?: number }
  | { readonly kind: 'silent' };

/** The promtool rule and test files of one claim, ready for `runPromtoolTests`. */
export interface AlertTestFiles {
  readonly ruleFile: string;
  readonly testFile: string;
  /** The test group's name: the claim as a sentence. */
  readonly sentence: string;
  /** Evaluation steps promtool runs (the scenario's length in evaluation intervals). */
  readonly steps: number;
}

export const RULE_FILE = 'rules.yaml';
export const TEST_FILE = 'rules.test.yaml';

/**
 * A promtool test of one claim, on input series where the alert's signal takes the chosen value and on
 * the stack's own rendered rules. Timing and the expected alert (labels, annotations with `$value`) come
 * from the emulation of the rule on the same series (lib/render/promtool/prom-eval.ts), which promtool
 * then checks independently:
 *
 * - fires: firing, with exact labels and annotations, at the first evaluation at least `for` after the
 *   condition first holds. With `afterMs`, also: not pending one evaluation before the condition holds,
 *   pending when it does, not firing at `afterMs` minus one evaluation and firing at `afterMs`.
 *   If the emulated rule never fires on this value (the threshold is elsewhere), the test still asks
 *   promtool for a firing alert when it would have fired, so promtool's got/expected shows what it did.
 * - silent: neither pending nor firing when the alert would have fired (once the value is read and `for`
 *   has elapsed) and again a window later.
 */
export function alertTestFiles(target: AlertUnderTest, value: AlertValue, claim: AlertClaim, client: ClientLibrary, evaluationInterval: string): AlertTestFiles {
  const { intervalMs, holdMs, name } = target;
  const scenario = target.scenario(value, client);
  const afterMs = claim.kind === 'fires' && claim.afterMs !== undefined ? ceilToInterval(claim.afterMs, intervalMs) : undefined;
  const horizon = ceilToInterval(scenario.readyAt + Math.max(holdMs, afterMs ?? 0) + Math.max(scenario.windowMs, intervalMs), intervalMs);
  const series = scenario.series(horizon / intervalMs);
  const store = new SeriesStore(series, intervalMs);
  const simulation = new AlertSimulation(target.emulate(store), { alertName: name, rule: target.rule, intervalMs, forMs: target.forMs });
  const alertTests: PromtoolAlertTest[] = [];
  const exprTests: PromtoolExprTest[] = [];
  const alertsSelector = selector('ALERTS', eq('alertname', name));
  const expectAlerts = (t: number, alerts: ReturnType<AlertSimulation['at']>): void => {
    alertTests.push({ eval_time: durationText(t), alertname: name, exp_alerts: alerts.map(expectedAlert) });
  };
  const expectAlertsSeries = (t: number, alerts: ReturnType<AlertSimulation['at']>): void => {
    exprTests.push({
      expr: alertsSelector,
      eval_time: durationText(t),
      exp_samples: alerts.map((a) => ({ labels: seriesSelectorText('ALERTS', { ...a.labels, alertname: name, alertstate: a.state }), value: 1 })),
    });
  };
  /** Used when the emulation says the alert does not fire: "some alert of this name is firing". */
  const expectSomeFiring = (t: number): void => {
    exprTests.push({
      expr: `group by (alertname, alertstate) (${selector('ALERTS', eq('alertname', name), eq('alertstate', 'firing'))})`,
      eval_time: durationText(t),
      exp_samples: [{ labels: seriesSelectorText('', { alertname: name, alertstate: 'firing' }), value: 1 }],
    });
  };

  let sentence: string;
  if (claim.kind === 'fires') {
    sentence = `${name} fires${afterMs !== undefined ? ` ${durationText(afterMs)} after its condition holds` : ''} with ${scenario.description}`;
    const conditionAt = simulation.firstTimeWhere((alerts) => alerts.length > 0, horizon);
    if (conditionAt === undefined) {
      // The rule does not fire on this value: ask promtool anyway, for its got/expected.
      const at = ceilToInterval(scenario.readyAt + (afterMs ?? holdMs), intervalMs);
      if (afterMs !== undefined && at - intervalMs >= 0) expectAlerts(at - intervalMs, []);
      expectSomeFiring(at);
    } else if (afterMs !== undefined) {
      if (conditionAt - intervalMs >= 0) expectAlertsSeries(conditionAt - intervalMs, []);
      expectAlertsSeries(conditionAt, simulation.at(conditionAt));
      const at = conditionAt + afterMs;
      if (afterMs > 0) expectAlerts(at - intervalMs, []);
      expectAlerts(at, simulation.at(at));
    } else {
      const firesAt = simulation.firstTimeWhere((alerts) => alerts.some((a) => a.state === 'firing'), horizon)!;
      expectAlerts(firesAt, simulation.at(firesAt).filter((a) => a.state === 'firing'));
    }
  } else {
    sentence = `${name} stays silent with ${scenario.description}`;
    const checks = [...new Set([ceilToInterval(scenario.readyAt + holdMs, intervalMs), horizon])];
    for (const t of checks) {
      expectAlerts(t, []);
      expectAlertsSeries(t, []);
    }
  }

  const file: PromtoolTestFile = {
    rule_files: [RULE_FILE],
    evaluation_interval: evaluationInterval,
    ...(target.groupEvalOrder && { group_eval_order: target.groupEvalOrder }),
    tests: [{
      name: sentence,
      interval: evaluationInterval,
      input_series: series.map((s) => ({ series: seriesSelectorText(s.metric, s.labels), values: seriesValuesText(s) })),
      alert_rule_test: alertTests,
      promql_expr_test: exprTests,
    }],
  };
  return { ruleFile: toYaml({ groups: target.groups }), testFile: toYaml(file), sentence, steps: horizon / intervalMs + 1 };
}
