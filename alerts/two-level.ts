import type { AlertSpec } from '../lib/core/alert.js';
import { isRecord } from '../lib/core/fields.js';
import type { Service } from '../lib/core/service.js';
import { outputLabels, threshold } from '../lib/promql/signals.js';

/** One signal watched at two levels, e.g. response time 500ms (warning) and 1000ms (critical). */
export interface TwoLevel<T> {
  readonly warning: T;
  readonly critical: T;
}

export interface TwoLevelOptions<T> {
  readonly levels: TwoLevel<T>;
  /**
   * Labels that must match for the critical alert to mute the warning one.
   * @default `service` plus the labels the expression keeps (e.g. namespace and pod)
   */
  readonly equal?: readonly string[];
}

/**
 * Renders a two-level threshold as two alerts built by the same pack: `build('warning', …)` and
 * `build('critical', …)`. The warning alert carries `inhibitedBy`, which synth turns into an
 * Alertmanager inhibit rule, so responders see one alert per problem; both thresholds are drawn
 * on the dashboard because both alerts plot the same query. Distinct names (not one name with two
 * severities) give each level its own promtool proof and its own runbook section.
 */
export function twoLevelAlerts<T>(
  service: Service,
  options: TwoLevelOptions<T>,
  build: (level: 'warning' | 'critical', value: T) => AlertSpec,
): AlertSpec[] {
  // From JavaScript the levels may be missing: report them, and let the pack report the fields it then misses.
  const levels: Readonly<Record<string, unknown>> = isRecord(options.levels) ? options.levels : {};
  if (!service.issues.check(levels.warning !== undefined && levels.critical !== undefined, 'levels', options.levels, 'an object with a warning and a critical threshold')) return [];
  const warning = build('warning', levels.warning as T);
  const critical = build('critical', levels.critical as T);
  const w = threshold(warning.signal);
  const c = threshold(critical.signal);
  const ordered = w.comparator === '<' ? w.value > c.value : w.value < c.value;
  service.issues.check(w.comparator === c.comparator && ordered, `alerts.${warning.name}.levels`, { warning: w.display, critical: c.display },
    `a warning threshold less severe than the critical one (${w.comparator === '<' ? 'higher' : 'lower'} than ${c.display})`);
  service.issues.check(warning.level.severity !== 'critical', `alerts.${warning.name}.level`, warning.level.severity,
    "a non-critical severity for the warning level ('warning' or 'info')");
  service.issues.check(warning.name !== critical.name, `alerts.${warning.name}.name`, warning.name, 'different names for the two levels');
  const equal = options.equal ?? ['service', ...outputLabels(critical.signal)];
  return [{ ...warning, inhibitedBy: { alert: critical.name, equal } }, critical];
}
