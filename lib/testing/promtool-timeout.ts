/**
 * How long promtool may run before it is stopped: a minute, plus room for every evaluation of every rule
 * the tests make promtool do (steps × rules), at 5 ms each — two orders of magnitude above what promtool
 * 2.42 takes on a loaded two-core machine, so a slow run is never mistaken for a failure and a hung one
 * still ends. Give the same number to your test runner's timeout (`it(name, { timeout }, ...)`).
 */
export function promtoolTimeoutMs(evaluationSteps: number, rules: number): number {
  return 60_000 + Math.ceil(evaluationSteps * Math.max(1, rules) * 5);
}
