import type { Signal } from '../../core/alert.js';
import { counterIncreaseScenarios } from './counter-increase.js';
import { counterRatioScenarios } from './counter-ratio.js';
import { errorRatioScenarios } from './error-ratio.js';
import { gaugeThresholdScenarios } from './gauge-threshold.js';
import { instanceDownScenarios } from './instance-down.js';
import { latencyQuantileScenarios } from './latency-quantile.js';
import { lowThroughputScenarios } from './low-throughput.js';
import { queueStalledScenarios } from './queue-stalled.js';
import { resourceUtilisationScenarios } from './resource-utilisation.js';
import type { Scenario, ScenarioBuilder, ScenarioContext } from './scenario.js';
import { targetDownScenarios } from './target-down.js';

/**
 * One scenario builder per signal kind. The mapped type makes a new `Signal` variant a compile error
 * here until it has a builder (in its own file), so no alert can ship without promtool tests.
 */
export const SCENARIO_BUILDERS: { readonly [K in Signal['kind']]: ScenarioBuilder<K> } = {
  targetDown: targetDownScenarios,
  instanceDown: instanceDownScenarios,
  errorRatio: errorRatioScenarios,
  latencyQuantile: latencyQuantileScenarios,
  resourceUtilisation: resourceUtilisationScenarios,
  lowThroughput: lowThroughputScenarios,
  counterRatio: counterRatioScenarios,
  gaugeThreshold: gaugeThresholdScenarios,
  counterIncrease: counterIncreaseScenarios,
  queueStalled: queueStalledScenarios,
};

export function scenariosFor<K extends Signal['kind']>(signal: Extract<Signal, { kind: K }>, ctx: ScenarioContext): Scenario[] {
  const build = SCENARIO_BUILDERS[signal.kind as K] as ScenarioBuilder<K>;
  return build(signal, ctx);
}
