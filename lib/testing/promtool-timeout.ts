import { Duration } from '../core/units.js';
import type { PromtoolTestFile } from '../render/promtool/test-file.js';

/**
 * How long promtool may run before it is stopped: a minute, plus room for every evaluation of every rule
 * the tests make promtool do (steps × rules), at 5 ms each — two orders of magnitude above what promtool
 * 2.42 takes on a loaded two-core machine, so a slow run is never mistaken for a failure and a hung one
 * still ends. Give the same number to your test runner's timeout (`it(name, { timeout }, ...)`).
 */
export function promtoolTimeoutMs(evaluationSteps: number, rules: number): number {
  return 60_000 + Math.ceil(evaluationSteps * Math.max(1, rules) * 5);
}

/**
 * Evaluations promtool makes for a test file: per test group, one per evaluation interval up to its
 * last `eval_time`, plus the one at 0.
 */
export function evaluationSteps(file: Pick<PromtoolTestFile, 'tests'>, intervalMs: number): number {
  return file.tests.reduce((steps, group) => {
    const times = [...(group.alert_rule_test ?? []), ...(group.promql_expr_test ?? [])].map((t) => durationMs(t.eval_time) ?? 0);
    return steps + Math.floor(Math.max(0, ...times) / Math.max(1, intervalMs)) + 1;
  }, 0);
}

/** A test file's `evaluation_interval` in ms: promtool's default of 1m where it is missing or unreadable. */
export function evaluationIntervalMs(file: { readonly evaluation_interval?: string } | null | undefined): number {
  return durationMs(file?.evaluation_interval ?? '1m') ?? 60_000;
}

function durationMs(text: string): number | undefined {
  const parsed = Duration.parse(text);
  return parsed.ok ? parsed.value.seconds * 1000 : undefined;
}
