import type { ValidationIssue } from '../core/issues.js';
import { HELM_PROMETHEUS_RULE_TEMPLATE } from '../render/helm/prometheus-rule-template.js';
import { findClose } from '../render/promtool/go-template.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/**
 * Renders a Helm template that may contain only string-literal actions, `{{ "..." }}` and
 * {{ `...` }} (the escape forms synth emits), the way Go's text/template does: text outside actions is
 * copied, each action prints its string. Any other action throws, since proving it would need Helm.
 */
export function renderEscapedTemplate(template: string): string {
  let out = '';
  let pos = 0;
  while (pos < template.length) {
    const open = template.indexOf('{{', pos);
    if (open < 0) {
      out += template.slice(pos);
      break;
    }
    out += template.slice(pos, open);
    const close = findClose(template, open + 2);
    if (close < 0) throw new Error(`unclosed action at character ${open + 1}`);
    const inner = template.slice(open + 2, close).trim();
    const literal = /^"((?:[^"\\\n]|\\.)*)"$/.exec(inner) ?? /^`([^`]*)`$/.exec(inner);
    if (!literal) throw new Error(`unexpected action {{${template.slice(open + 2, close)}}} at character ${open + 1}: only string literals are emitted`);
    out += inner.startsWith('"') ? (JSON.parse(`"${literal[1]}"`) as string) : literal[1]!;
    pos = close + 2;
  }
  return out;
}

/**
 * When synth writes the PrometheusRule as a Helm template, rendering that template gives back the
 * PrometheusRule manifests byte for byte, so Prometheus's `{{ $value }}` survives `helm install`.
 */
export function helmTemplateEscapingIssues(rendered: RenderedService, expected: string | undefined): ValidationIssue[] {
  const template = rendered.files.get(HELM_PROMETHEUS_RULE_TEMPLATE);
  if (template === undefined || expected === undefined) return [];
  const issue = issueFactory(rendered.stack.service.name);
  try {
    const output = renderEscapedTemplate(template);
    if (output === expected) return [];
    const at = [...output].findIndex((c, i) => c !== expected[i]);
    return [issue(HELM_PROMETHEUS_RULE_TEMPLATE, output.slice(Math.max(0, at - 20), at + 20),
      `a template Helm renders into the PrometheusRule unchanged (first difference at character ${at + 1})`)];
  } catch (error) {
    return [issue(HELM_PROMETHEUS_RULE_TEMPLATE, (error as Error).message, 'a template whose only actions print escaped delimiters')];
  }
}
