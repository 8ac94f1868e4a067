// The `./testing` entry: helpers for a team's own test suite, each backed by real promtool.
export { runPromtoolTests, checkRules, PromtoolNotFoundError, PROMTOOL_INSTALL_HINT, type PromtoolResult, type PromtoolOptions } from './promtool.js';
export { thresholdTable, thresholdTableMarkdown, type ThresholdRow } from './threshold-table.js';
export { expectAlert, AlertCheck, FiringCheck, AlertExpectationError, type AlertAssertions, type AlertCheckResult, type ExpectAlertOptions } from './expect-alert.js';
export { promtoolTests, PromtoolTestSuite, type PromtoolTestsOptions, type PromtoolTestsResult } from './promtool-tests.js';
export { alertScenario, type AlertScenario, type AlertScenarioOptions } from './alert-scenario.js';
export { promtoolTimeoutMs } from './promtool-timeout.js';
export type { AlertValue, ClientLibrary, LatencyText } from './alert-values.js';
