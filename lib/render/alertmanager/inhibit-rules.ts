import type { Signal } from '../../core/alert.js';
import type { ServiceStack } from '../../core/stack.js';

/** An Alertmanager `inhibit_rules` entry (matchers syntax of Alertmanager >= 0.22). */
export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

/**
 * The inhibit rules a service needs, to paste (or merge) into the Alertmanager configuration:
 * - the critical level of a two-level threshold (and any alert's declared `inhibitedBy`) mutes the alert;
 * - a paging burn-rate alert mutes the tickets of the same SLO;
 * - while a workload is down (its critical target-down alert), the latency and error alerts over the same
 *   job, and the burn-rate alerts of SLOs over that job, say nothing new and are muted;
 * - while a paging threshold alert on an SLI fires, the paging burn-rate alerts of SLOs over that SLI are muted.
 * All matchers include `service`, so rules of different services never touch each other.
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
  return [...rules, ...outageRules(stack, service), ...thresholdOverBurnRules(stack, service)];
}

/**
 * One problem, one page: while a paging threshold alert on an SLI fires (5xx ratio or latency quantile of
 * a job), the paging burn-rate alerts of the SLOs over the same SLI are muted. The threshold page is the
 * one kept: it carries the service's own level (an error rate of 5% is SEV-1 for Harvey, the burn is
 * level 2), names the symptom with its own runbook and resolves as soon as the symptom stops. Nothing is
 * lost: the burn alert keeps firing in Prometheus (and keeps muting its tickets), the budget is recorded
 * as before, and a burn below the threshold alert's level (3.3% 5xx for Harvey) pages on its own.
 * Timing: at a rate just above the threshold, the threshold alert (5m window) fires long before the burn
 * (1h window), which is then muted; at a rate far above it the 1h window can cross first, and the burn's
 * page may precede the threshold page, which then escalates to the service's own level.
 */
function thresholdOverBurnRules(stack: ServiceStack, service: string): InhibitRule[] {
  return stack.alerts.filter((a) => a.level.severity === 'critical').flatMap((alert) => {
    const s = alert.signal;
    const slos = (stack.slos ?? []).filter((slo) =>
      (s.kind === 'errorRatio' && slo.sli.kind === 'availability' && slo.sli.job === s.job) ||
      (s.kind === 'latencyQuantile' && slo.sli.kind === 'latency' && slo.sli.job === s.job && slo.sli.histogram?.metric === s.metric));
    if (slos.length === 0) return [];
    return [{
      source_matchers: [`alertname="${alert.name}"`, service],
      target_matchers: [service, `slo=~"${anyOf(slos.map((slo) => slo.name))}"`, 'notify="page"'],
      equal: ['service'],
    }];
  });
}

/** Signals that describe how a job answers (slow, failing), and so are implied by it not answering at all. */
const ANSWER_SIGNALS: ReadonlySet<Signal['kind']> = new Set(['errorRatio', 'latencyQuantile']);

function outageRules(stack: ServiceStack, service: string): InhibitRule[] {
  const downAlerts = stack.alerts.filter((a) => a.signal.kind === 'targetDown' && a.level.severity === 'critical');
  return downAlerts.flatMap((down) => {
    const job = jobOf(down.signal);
    const source = [`alertname="${down.name}"`, service];
    const alerts = stack.alerts.filter((a) => ANSWER_SIGNALS.has(a.signal.kind) && jobOf(a.signal) === job).map((a) => a.name);
    const slos = (stack.slos ?? []).filter((s) => s.sli.job === job).map((s) => s.name);
    const rules: InhibitRule[] = [];
    if (alerts.length > 0) rules.push({ source_matchers: source, target_matchers: [service, `alertname=~"${anyOf(alerts)}"`], equal: ['service'] });
    if (slos.length > 0) rules.push({ source_matchers: source, target_matchers: [service, `slo=~"${anyOf(slos)}"`], equal: ['service'] });
    return rules;
  });
}

function jobOf(signal: Signal): string | undefined {
  return 'job' in signal ? signal.job : undefined;
}

/** Alert and SLO names are identifiers and kebab-case names; escaped anyway, as regex alternatives. */
function anyOf(names: readonly string[]): string {
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
}
