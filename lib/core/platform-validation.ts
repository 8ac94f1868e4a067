import { FieldParser, isRecord } from './fields.js';
import type { ValidationIssue } from './issues.js';
import { isLabelKey, LABEL_KEY_ALLOWED } from './kubernetes-syntax.js';
import type { PlatformConfig } from './platform.js';

/** Issues of project-wide settings are reported under this name instead of a service's. */
export const PROJECT = '<project>';

/**
 * The platform's values that land in every service's manifests and rules: peer namespaces and pod
 * labels (NetworkPolicy selectors), the Prometheus operator's selector labels, the Grafana sidecar's
 * namespace, label and folder annotation, the rule evaluation interval. Checked once per synth, as
 * `<project>: platform.<field>`; a platform with problems renders nothing (every service would repeat them).
 */
export function platformConfigIssues(platform: PlatformConfig): readonly ValidationIssue[] {
  const f = new FieldParser(PROJECT);
  const p = f.record('platform', platform);
  if (!p) return f.issues;
  for (const peer of ['prometheus', 'ingressController', 'dns'] as const) podPeer(f, `platform.${peer}`, p[peer]);
  f.labels('platform.prometheusSelectorLabels', p.prometheusSelectorLabels);
  const grafana = f.record('platform.grafana', p.grafana);
  if (grafana) {
    f.dnsLabel('platform.grafana.dashboardNamespace', grafana.dashboardNamespace);
    nonEmptyLabels(f, 'platform.grafana.sidecarLabel', grafana.sidecarLabel, 'the label the Grafana sidecar watches, such as { grafana_dashboard: "1" }');
    f.check(isLabelKey(grafana.folderAnnotation), 'platform.grafana.folderAnnotation', grafana.folderAnnotation,
      LABEL_KEY_ALLOWED.replace('a Kubernetes label key', 'a Kubernetes annotation key'));
  }
  f.duration('platform.evaluationInterval', p.evaluationInterval);
  f.boolean('platform.helmPrometheusRuleTemplate', p.helmPrometheusRuleTemplate, false);
  return f.issues;
}

function podPeer(f: FieldParser, field: string, input: unknown): void {
  const peer = f.record(field, input);
  if (!peer) return;
  f.dnsLabel(`${field}.namespace`, peer.namespace);
  nonEmptyLabels(f, `${field}.podLabels`, peer.podLabels, 'at least one label selecting the pods (an empty selector selects every pod of the namespace)');
}

function nonEmptyLabels(f: FieldParser, field: string, input: unknown, allowedWhenEmpty: string): void {
  if (isRecord(input) && Object.keys(input).length === 0) f.report(field, input, allowedWhenEmpty);
  else f.labels(field, input);
}
