import type { PlatformConfig } from '../../core/platform.js';
import type { ServiceStack } from '../../core/stack.js';
import { ruleGroupsFor } from '../prometheus/rule-groups.js';
import { parseInterval, resolveScenarios } from './resolve.js';
import { resolveSeriesAbsent } from './series-absent.js';
import { sloTestGroups } from './slo-scenarios.js';

/**
 * promtool's unit-test file format (`promtool test rules`), restricted to what Debian's promtool 2.42
 * reads correctly: every test group carries an explicit `interval` (2.42 silently uses 0 without one),
 * and nothing newer than 2.42 appears (no `fuzzy_compare`, native-histogram notation, `query_offset` or
 * group `labels`). Rendered with `promtoolTestFileYaml` (./test-file-yaml.ts).
 */
export interface PromtoolTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  /**
   * The order promtool evaluates the rule groups in at each evaluation time (2.42 supports it): set
   * when the stack has SLOs, whose long group reads what the short group recorded at the same time.
   */
  readonly group_eval_order?: readonly string[];
  readonly tests: readonly PromtoolTestGroup[];
}

export interface PromtoolTestGroup {
  /** A sentence, e.g. `HarveyHighLatency fires when p95 is just above 5s for 5m`. */
  readonly name: string;
  /** Spacing of the input samples; always explicit. */
  readonly interval: string;
  readonly input_series: readonly PromtoolInputSeries[];
  readonly alert_rule_test: readonly PromtoolAlertTest[];
  readonly promql_expr_test: readonly PromtoolExprTest[];
}

export interface PromtoolInputSeries {
  /** `metric{label="value",...}` */
  readonly series: string;
  /** Expanding notation: `0+510x30`, `1000x30`, `_x5`. */
  readonly values: string;
}

export interface PromtoolAlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  /** Every alert firing at `eval_time`; empty means none may fire. */
  readonly exp_alerts: readonly PromtoolExpectedAlert[];
}

export interface PromtoolExpectedAlert {
  /** All labels except `alertname` (promtool adds it). */
  readonly exp_labels: Readonly<Record<string, string>>;
  /** All annotations, expanded; promtool compares them exactly. */
  readonly exp_annotations: Readonly<Record<string, string>>;
}

export interface PromtoolExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly PromtoolExpectedSample[];
}

export interface PromtoolExpectedSample {
  /** Series notation, e.g. `ALERTS{alertname="X",alertstate="pending"}`. */
  readonly labels: string;
  readonly value: number;
}

/**
 * The promtool unit tests proving every alert of the stack at its threshold, for the rule file that
 * `ruleGroupsFor(stack, platform)` renders (referenced as `ruleFile`, relative to the test file).
 *
 * Per alert, the scenario builder of its signal kind (see builders.ts) produces input series for a
 * breaching case (just past the threshold), a healthy case (just short of it) and the no-traffic / idle
 * cases. The alert's timing and `$value` are worked out from the data and checked against an emulation
 * of Prometheus 2.42; each breaching test asserts the alert is not pending one evaluation before its
 * condition first holds, pending when it does, silent at the last evaluation before `for` has elapsed and
 * firing, with exact labels and annotations, at the first one after. Healthy and idle tests assert the
 * alert is neither pending nor firing when the breaching one fires and well after.
 */
export function promtoolTestsFor(stack: ServiceStack, platform: PlatformConfig, ruleFile: string): PromtoolTestFile {
  parseInterval(platform);
  const tests: PromtoolTestGroup[] = [];
  const names = new Set<string>();
  const add = (group: PromtoolTestGroup): void => {
    if (names.has(group.name)) throw new Error(`${stack.service.name}: two promtool test groups are named "${group.name}"; alert names must be unique`);
    names.add(group.name);
    tests.push(group);
  };
  for (const alert of stack.alerts) {
    for (const { group } of resolveScenarios(stack, alert, platform)) add(group);
    // Series-absent shapes (series-absent.ts); one that cannot be tested is reported by lib/checks/series-absent.ts.
    for (const { resolved } of resolveSeriesAbsent(stack, alert, platform)) if (resolved) add(resolved.group);
  }
  // SLO burn-rate alerts, the error-budget recordings and the meta-alert (slo-scenarios.ts).
  for (const group of sloTestGroups(stack, platform)) add(group);
  const hasSlos = (stack.slos ?? []).length > 0;
  return {
    rule_files: [ruleFile],
    evaluation_interval: platform.evaluationInterval,
    ...(hasSlos && { group_eval_order: ruleGroupsFor(stack, platform).map((g) => g.name) }),
    tests,
  };
}
