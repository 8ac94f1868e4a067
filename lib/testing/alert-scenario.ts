import { DEFAULT_PLATFORM, type PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { durationText } from '../render/promtool/scenario.js';
import { seriesSelectorText, seriesValuesText } from '../render/promtool/series.js';
import type { PromtoolInputSeries } from '../render/promtool/test-file.js';
import { toYaml } from '../render/yaml.js';
import { alertUnderTest } from './alert-under-test.js';
import type { AlertValue, ClientLibrary } from './alert-values.js';

export interface AlertScenarioOptions {
  /** @default DEFAULT_PLATFORM (its evaluation interval spaces the samples) */
  readonly platform?: PlatformConfig;
  /** @default 'python' */
  readonly client?: ClientLibrary;
  /** Length of the series. @default long enough for the alert to fire and a window more */
  readonly duration?: `${number}${'m' | 'h'}`;
}

/** Input series in promtool notation where an alert's signal holds a chosen value, for hand-written promtool tests. */
export interface AlertScenario {
  /** `p95 = 2.5s`, `5xx = 1.5% of responses (after 5m without errors)`. */
  readonly description: string;
  /** promtool `input_series` entries (series text, values in expanding notation). */
  readonly inputSeries: readonly PromtoolInputSeries[];
  /** The `interval` of the promtool test group. */
  readonly interval: string;
  /** From this eval_time on the alert expression reads the chosen value (`1m`). */
  readonly readyAt: string;
  /** The rule file (YAML) holding the alert, rendered from the stack. */
  readonly ruleFile: string;
}

/**
 * The series the assertions of {@link expectAlert} use, for teams writing their own promtool tests:
 *
 *   const { inputSeries } = alertScenario(stack, 'PaymentsHighLatency', { p95: '2.5s' }, { client: 'go' });
 *
 * Shaped as client libraries and exporters write them: histogram buckets with `le="2.0"` (Python) or
 * `le="2"` (Go, JavaScript) plus `_count` and `_sum`; a request counter per status code, each appearing at
 * its first request (no 5xx series until the first 5xx); cAdvisor and kube-state-metrics series per pod.
 */
export function alertScenario(stack: ServiceStack, alertName: string, value: AlertValue, options: AlertScenarioOptions = {}): AlertScenario {
  const platform = options.platform ?? DEFAULT_PLATFORM;
  const target = alertUnderTest(stack, alertName, platform);
  const scenario = target.scenario(value, options.client ?? 'python');
  const { intervalMs } = target;
  const minutes = options.duration === undefined ? undefined : Number(options.duration.slice(0, -1)) * (options.duration.endsWith('h') ? 60 : 1);
  const untilMs = minutes !== undefined
    ? minutes * 60_000
    : scenario.readyAt + target.holdMs + Math.max(scenario.windowMs, intervalMs);
  const series = scenario.series(Math.max(1, Math.ceil(untilMs / intervalMs)));
  return {
    description: scenario.description,
    inputSeries: series.map((s) => ({ series: seriesSelectorText(s.metric, s.labels), values: seriesValuesText(s) })),
    interval: platform.evaluationInterval,
    readyAt: durationText(scenario.readyAt),
    ruleFile: toYaml({ groups: target.groups }),
  };
}
