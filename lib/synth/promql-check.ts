import type { ValidationIssue } from '../core/issues.js';
import type { DashboardModel } from '../core/stack.js';
import { promqlSyntaxErrors } from '../promql/syntax.js';
import type { RuleGroup } from '../render/prometheus/rule-types.js';

/** Every PromQL expression of a service (rules and dashboard queries) through Prometheus's grammar. */
export function promqlIssues(service: string, ruleGroups: readonly RuleGroup[], dashboards: readonly DashboardModel[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const check = (field: string, expr: string) => {
    for (const e of promqlSyntaxErrors(expr)) {
      issues.push({ service, field, value: expr, allowed: `valid PromQL (syntax error at character ${e.position + 1}: ${e.message})` });
    }
  };
  for (const group of ruleGroups) {
    for (const rule of group.rules) check(`rules.${'alert' in rule ? rule.alert : rule.record}.expr`, rule.expr);
  }
  for (const dashboard of dashboards) {
    for (const { title, expr } of dashboardQueries(dashboard.json)) check(`dashboards.${dashboard.uid}.panels[${JSON.stringify(title)}].expr`, expr);
  }
  return issues;
}

function dashboardQueries(json: Readonly<Record<string, unknown>>): { title: string; expr: string }[] {
  const panels = (json.panels ?? []) as { title?: string; targets?: { expr?: string }[]; panels?: unknown[] }[];
  return panels.flatMap((panel) => [
    ...(panel.targets ?? []).filter((t) => typeof t.expr === 'string').map((t) => ({ title: panel.title ?? '', expr: t.expr! })),
    ...dashboardQueries({ panels: panel.panels ?? [] }),
  ]);
}
