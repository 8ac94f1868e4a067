// The `/testing` entry: helpers for a team's own vitest suite, each backed by the real promtool.
export * from './promtool.js';
export * from './threshold-table.js';
export { expectAlert, AlertCheck, FiringCheck, AlertExpectationError, type AlertAssertions, type AlertCheckResult, type ExpectAlertOptions } from './expect-alert.js';
export { promtoolTests, PromtoolTestSuite, type PromtoolTestsOptions, type PromtoolTestsResult } from './promtool-tests.js';
export { alertScenario, type AlertScenario, type AlertScenarioOptions } from './alert-scenario.js';
export { promtoolTimeoutMs } from './promtool-timeout.js';
export type { AlertValue, ClientLibrary, LatencyText } from './alert-values.js';
