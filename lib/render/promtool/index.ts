export * from './test-file.js';
export { renderAlertTemplate, AlertTemplateError, SUPPORTED_TEMPLATE_ACTIONS, humanize, humanizeDuration, humanizePercentage, type AlertTemplateData } from './go-template.js';
export { formatGoFloat, type FloatVerb } from './go-format.js';
export { SCENARIO_BUILDERS } from './builders.js';
export { SCENARIO_MARGIN, type Scenario, type ScenarioBuilder, type ScenarioContext } from './scenario.js';
export { resolveScenarios, type ResolvedScenario } from './resolve.js';
export { sloTestGroups, sloScenarios, type SloScenario } from './slo-scenarios.js';
export { SERIES_ABSENT_BUILDERS, seriesAbsentCases, resolveSeriesAbsent, type SeriesAbsentCase, type ResolvedSeriesAbsentCase } from './series-absent.js';
