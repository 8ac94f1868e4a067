import { toYaml } from '../yaml.js';

/**
 * Go-template escaping for files that Helm renders (chart templates, or values passed through `tpl`).
 * Prometheus alert annotations are Go templates themselves (`{{ $value | humanizePercentage }}`), and
 * Helm would evaluate them at install time and fail (`$value` is undefined there) or blank them out.
 * Every `{{` and `}}` of the text therefore becomes an action printing that delimiter as a string
 * literal, so Helm's output is the original text byte for byte:
 *
 *   {{ $value }}   ->   {{ "{{" }} $value {{ "}}" }}
 *
 * These two actions are the only ones emitted (see `HELM_ESCAPES`); the check in
 * lib/checks/helm-template-escaping.ts evaluates exactly them to prove the round trip.
 */
export const HELM_ESCAPES: Readonly<Record<'{{' | '}}', string>> = {
  '{{': '{{ "{{" }}',
  '}}': '{{ "}}" }}',
};

/** The text with every `{{` and `}}` replaced by its escape (one left-to-right pass, no overlaps). */
export function escapeForHelm(text: string): string {
  return text.replace(/\{\{|\}\}/g, (delimiter) => HELM_ESCAPES[delimiter as '{{' | '}}']);
}

/** Where a service's PrometheusRule is written as a Helm chart template, relative to `dist/<service>/`. */
export const HELM_PROMETHEUS_RULE_TEMPLATE = 'helm/templates/prometheusrule.yaml';

/** The service's PrometheusRule object(s) as one multi-document YAML file, before escaping. */
export function prometheusRuleDocuments(objects: readonly Readonly<Record<string, unknown>>[], header: string): string {
  return header + objects.map((object) => toYaml(object)).join('---\n');
}

/**
 * The service's PrometheusRule object(s) as one Helm chart template: {@link prometheusRuleDocuments}
 * with every Go-template delimiter escaped, so `helm template` / `helm install` render exactly the
 * objects of `k8s/prometheusrule-*.yaml`. For charts that ship the rules themselves instead of applying `k8s/`.
 */
export function prometheusRuleHelmTemplate(objects: readonly Readonly<Record<string, unknown>>[], header: string): string {
  return escapeForHelm(prometheusRuleDocuments(objects, header));
}
