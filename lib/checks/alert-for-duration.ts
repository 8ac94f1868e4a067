import type { ValidationIssue } from '../core/issues.js';
import { Duration } from '../core/units.js';
import { isAlertingRule } from '../render/prometheus/rule-types.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/**
 * Every alert's `for` is zero or at least its group's evaluation interval: Prometheus only looks at the
 * condition once per evaluation, so a shorter `for` silently means one whole interval.
 *
 *   rules.ShopHighErrorRate.for: '30s' is invalid; allowed: 0s, or at least the evaluation interval of rule group 'shop-api-http' (1m) ...
 */
export function alertForDurationIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const group of rendered.ruleGroups) {
    const interval = Duration.parse(group.interval ?? rendered.platform.evaluationInterval);
    if (!interval.ok) {
      issues.push(issue(`rules.groups.${group.name}.interval`, group.interval, Duration.ALLOWED));
      continue;
    }
    for (const rule of group.rules) {
      if (!isAlertingRule(rule) || rule.for === undefined || /^0+[a-z]*$/.test(rule.for)) continue;
      const forDuration = Duration.parse(rule.for);
      if (!forDuration.ok) {
        issues.push(issue(`rules.${rule.alert}.for`, rule.for, Duration.ALLOWED));
      } else if (forDuration.value.seconds < interval.value.seconds) {
        issues.push(issue(`rules.${rule.alert}.for`, rule.for,
          `0s, or at least the evaluation interval of rule group '${group.name}' (${interval.value.text}): ` +
          `Prometheus checks the condition once per interval, so a shorter 'for' acts as ${interval.value.text} anyway`));
      }
    }
  }
  return issues;
}
