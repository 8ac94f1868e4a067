import type { ValidationIssue } from '../core/issues.js';
import { MAX_PROMETHEUS_RULE_BYTES, ruleFileBytes } from '../k8s/prometheus-rule.js';
import type { RuleGroup } from '../render/prometheus/rule-types.js';
import { issueFactory, manifestsOfKind, type RenderedService } from './rendered-service.js';

/**
 * Every PrometheusRule holds at most 512 KiB of rules. ServicePrometheusRule already splits larger rule
 * sets over several objects by group, so what is left here is a single group larger than the limit,
 * which no split can fix.
 *
 *   k8s/prometheusrule-shop-api.yaml: 'PrometheusRule/shop-api (600.0 KiB)' is invalid;
 *     allowed: at most 512.0 KiB of rules per PrometheusRule (...); group 'shop-api-http' alone is 600.0 KiB: split it into smaller groups
 */
export function prometheusRuleSizeIssues(rendered: RenderedService, maxBytes = MAX_PROMETHEUS_RULE_BYTES): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const rule of manifestsOfKind(rendered, 'PrometheusRule')) {
    const groups = (rule.object.spec as { groups?: RuleGroup[] } | undefined)?.groups ?? [];
    const bytes = ruleFileBytes(groups);
    if (bytes <= maxBytes) continue;
    const largest = groups.map((g) => ({ name: g.name, bytes: ruleFileBytes([g]) })).sort((a, b) => b.bytes - a.bytes)[0];
    const name = (rule.object.metadata as { name?: string } | undefined)?.name;
    issues.push(issue(`k8s/${rule.file}`, `PrometheusRule/${name} (${kib(bytes)})`,
      `at most ${kib(maxBytes)} of rules per PrometheusRule (the operator mounts rule files through ConfigMaps of that size and cannot split one file)` +
      (largest ? `; group '${largest.name}' alone is ${kib(largest.bytes)}: split it into smaller groups` : '')));
  }
  return issues;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
