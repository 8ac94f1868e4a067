import type { ValidationIssue } from '../core/issues.js';
import { isAlertingRule } from '../render/prometheus/rule-types.js';
import { aggregations } from './promql-tree.js';
import { issueFactory, ruleName, type RenderedService } from './rendered-service.js';

/**
 * Every aggregation in a recording rule names the labels it keeps (`sum by (job) (...)`) or drops
 * (`sum without (pod) (...)`); `by ()` is fine when dropping every label is meant. A bare `sum(...)`
 * silently throws away labels that alerts and dashboards on the recorded series may select on later.
 *
 *   rules.job:http_requests:rate5m.expr: 'sum(rate(http_requests_total[5m]))' is invalid;
 *     allowed: an aggregation with an explicit by (...) or without (...) clause, ...
 */
export function recordingRuleAggregationIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const group of rendered.ruleGroups) {
    for (const rule of group.rules) {
      if (isAlertingRule(rule)) continue;
      for (const aggregation of aggregations(rule.expr)) {
        if (aggregation.grouped) continue;
        issues.push(issue(`rules.${ruleName(rule)}.expr`, aggregation.text,
          `an aggregation with an explicit by (...) or without (...) clause, e.g. ${aggregation.op} by (job) (...) or ${aggregation.op} by () (...), ` +
          'so the labels the recorded series keeps are chosen, not dropped by default'));
      }
    }
  }
  return issues;
}
