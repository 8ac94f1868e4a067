import type { ValidationIssue } from '../core/issues.js';
import { alertForDurationIssues } from './alert-for-duration.js';
import { alertTemplateIssues } from './alert-templates.js';
import { dnsEgressIssues } from './dns-egress.js';
import { hpaResourceRequestIssues } from './hpa-resource-requests.js';
import { hpaTargetVsAlertIssues } from './hpa-target-vs-alert.js';
import { manifestIdentityIssues } from './manifest-identity.js';
import { metricCatalogNameIssues } from './metric-catalog-names.js';
import { metricNameIssues } from './metric-names.js';
import { prometheusRuleSizeIssues } from './prometheus-rule-size.js';
import { rateWindowIssues } from './rate-windows.js';
import { recordingRuleAggregationIssues } from './recording-rule-aggregation.js';
import type { PlatformCheck, RenderedService, ServiceCheck } from './rendered-service.js';
import { ruleGroupNameIssues } from './rule-group-names.js';
import { scrapeReachabilityIssues } from './scrape-reachability.js';
import { secretIssues } from './secrets.js';
import { secureDefaultIssues } from './secure-defaults.js';
import { seriesAbsentAlertIssues } from './series-absent.js';

export * from './alert-for-duration.js';
export * from './alert-templates.js';
export * from './closest-name.js';
export * from './dns-egress.js';
export * from './go-template-syntax.js';
export * from './helm-template-escaping.js';
export * from './hpa-resource-requests.js';
export * from './hpa-target-vs-alert.js';
export * from './manifest-identity.js';
export * from './metric-catalog-names.js';
export * from './metric-names.js';
export * from './network-policy-rules.js';
export * from './prometheus-rule-size.js';
export * from './promql-tree.js';
export * from './promtool-rules.js';
export * from './rate-windows.js';
export * from './recording-rule-aggregation.js';
export * from './rendered-service.js';
export * from './rule-group-names.js';
export * from './scrape-reachability.js';
export * from './secrets.js';
export * from './secure-defaults.js';
export * from './series-absent.js';
export * from './series-absent-panels.js';

/**
 * The checks synth runs on every service's rendered artifacts, in report order. Each is pure and
 * independent: one failing never hides another's findings.
 */
export const SERVICE_CHECKS: readonly ServiceCheck[] = [
  metricCatalogNameIssues,
  metricNameIssues,
  rateWindowIssues,
  alertForDurationIssues,
  alertTemplateIssues,
  recordingRuleAggregationIssues,
  ruleGroupNameIssues,
  (rendered) => prometheusRuleSizeIssues(rendered),
  hpaTargetVsAlertIssues,
  hpaResourceRequestIssues,
  scrapeReachabilityIssues,
  dnsEgressIssues,
  secureDefaultIssues,
  secretIssues,
];

/**
 * The checks that evaluate the service's rules against exporter series shapes. They run only on a
 * service every other check and renderer passed: on a broken one they would refuse the same defect
 * again (a bad template, a bad query) and report it twice. The panel check (`seriesAbsentPanelIssues`)
 * runs on the same services, after these, but is not listed: it runs promtool, so synth builds its job
 * here (`panelAbsenceJob`) and runs the jobs asynchronously, pooled and cached (`panelAbsenceIssuesAll`).
 */
export const PROMTOOL_SERVICE_CHECKS: readonly ServiceCheck[] = [
  seriesAbsentAlertIssues,
];

/** The checks across all services. */
export const PLATFORM_CHECKS: readonly PlatformCheck[] = [manifestIdentityIssues];

/** Runs every service check; a check that throws becomes an issue naming it instead of stopping the others. */
export function runServiceChecks(rendered: RenderedService, checks: readonly ServiceCheck[] = SERVICE_CHECKS): ValidationIssue[] {
  return checks.flatMap((check) => {
    try {
      return check(rendered);
    } catch (error) {
      return [{ service: rendered.stack.service.name, field: `(check ${check.name || 'anonymous'})`, value: (error as Error).message, allowed: 'a check that completes' }];
    }
  });
}
