import { promqlSources } from '../checks/rendered-service.js';
import type { ValidationIssue } from '../core/issues.js';
import type { DashboardModel } from '../core/stack.js';
import { promqlSyntaxErrors } from '../promql/syntax.js';
import type { RuleGroup } from '../render/prometheus/rule-types.js';

/** Every PromQL expression of a service (rules and dashboard queries) through Prometheus's grammar. */
export function promqlIssues(service: string, ruleGroups: readonly RuleGroup[], dashboards: readonly DashboardModel[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const { field, expr } of promqlSources(ruleGroups, dashboards)) {
    for (const e of promqlSyntaxErrors(expr)) {
      issues.push({ service, field, value: expr, allowed: `valid PromQL (syntax error at character ${e.position + 1}: ${e.message})` });
    }
  }
  return issues;
}
