import type { AlertSpec } from '../../core/alert.js';
import type { PlatformConfig } from '../../core/platform.js';
import type { ServiceStack } from '../../core/stack.js';
import { alertExpression } from '../../promql/signals.js';
import { sloRuleGroups } from '../../slo/rules.js';
import { runbookUrl } from '../runbook/anchor.js';
import type { AlertingRule, RuleGroup } from './rule-types.js';

/**
 * One rule group per alert pack group (`<service>-<group>`), in the order the stack declares them,
 * followed by the SLO groups (`<service>-slo`, `<service>-slo-long`, `<service>-slo-meta`; lib/slo/rules.ts).
 * The same groups go into the plain rule file and the PrometheusRule, so promtool tests the real thing.
 */
export function ruleGroupsFor(stack: ServiceStack, platform: PlatformConfig): RuleGroup[] {
  const groups = new Map<string, AlertingRule[]>();
  for (const alert of stack.alerts) {
    const name = `${stack.service.name}-${alert.group}`;
    const rules = groups.get(name) ?? [];
    rules.push(alertingRule(stack, alert, platform));
    groups.set(name, rules);
  }
  return [
    ...[...groups.entries()].map(([name, rules]) => ({ name, interval: platform.evaluationInterval, rules })),
    ...sloRuleGroups(stack, platform),
  ];
}

export function alertingRule(stack: ServiceStack, alert: AlertSpec, platform: PlatformConfig): AlertingRule {
  const { service } = stack;
  return {
    alert: alert.name,
    expr: alertExpression(alert.signal),
    for: alert.for.text,
    labels: { severity: alert.level.severity, sev: alert.level.sev, service: service.name, team: service.team },
    annotations: {
      summary: alert.summary,
      description: alert.description,
      runbook_url: runbookUrl(platform.runbookBaseUrl, service.name, alert.name),
    },
  };
}
