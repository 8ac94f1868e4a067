import type { ServiceStack } from '../../core/stack.js';

/** An Alertmanager `inhibit_rules` entry (matchers syntax of Alertmanager >= 0.22). */
export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

/**
 * The inhibit rules a service needs, to paste (or merge) into the Alertmanager configuration:
 * the critical level of a two-level threshold mutes its warning level, and a paging burn-rate alert
 * mutes the tickets of the same SLO. All matchers include `service`, so rules of different services
 * never touch each other.
 */
export function inhibitRulesFor(stack: ServiceStack): InhibitRule[] {
  const service = `service="${stack.service.name}"`;
  const rules: InhibitRule[] = stack.alerts
    .filter((a) => a.inhibitedBy)
    .map((a) => ({
      source_matchers: [`alertname="${a.inhibitedBy!.alert}"`, service],
      target_matchers: [`alertname="${a.name}"`, service],
      equal: a.inhibitedBy!.equal,
    }));
  if ((stack.slos ?? []).length > 0) {
    rules.push({ source_matchers: ['notify="page"', service], target_matchers: ['notify="ticket"', service], equal: ['service', 'slo'] });
  }
  return rules;
}
