import type { ValidationIssue } from '../core/issues.js';
import type { RuleGroup } from '../render/prometheus/rule-types.js';
import { issueFactory, manifestsOfKind, type RenderedService } from './rendered-service.js';

/**
 * Rule group names are unique within each rule file: the plain rule file and every PrometheusRule
 * (Prometheus refuses a file with two groups of the same name).
 *
 *   prometheus-rules.yaml: 'shop-api-http' is invalid; allowed: a rule group name used once per file (2 groups are named so)
 */
export function ruleGroupNameIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const files: [string, readonly RuleGroup[]][] = [[rendered.ruleFile, rendered.ruleGroups]];
  for (const rule of manifestsOfKind(rendered, 'PrometheusRule')) {
    files.push([`k8s/${rule.file}`, (rule.object.spec as { groups?: RuleGroup[] } | undefined)?.groups ?? []]);
  }
  const issues: ValidationIssue[] = [];
  for (const [file, groups] of files) {
    const counts = new Map<string, number>();
    for (const group of groups) counts.set(group.name, (counts.get(group.name) ?? 0) + 1);
    for (const [name, count] of counts) {
      if (count > 1) {
        issues.push(issue(file, name, `a rule group name used once per file (${count} groups are named so; Prometheus refuses the file)`));
      }
    }
  }
  return issues;
}
