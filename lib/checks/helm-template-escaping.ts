import type { ValidationIssue } from '../core/issues.js';
import { HELM_PROMETHEUS_RULE_TEMPLATE } from '../render/helm/prometheus-rule-template.js';
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
    const close = closeOf(template, open + 2);
    const inner = template.slice(open + 2, close).trim();
    const literal = /^"((?:[^"\\\n]|\\.)*)"$/.exec(inner) ?? /^`([^`]*)`$/.exec(inner);
    if (!literal) throw new Error(`unexpected action {{${template.slice(open + 2, close)}}} at character ${open + 1}: only string literals are emitted`);
    out += inner.startsWith('"') ? (JSON.parse(`"${literal[1]}"`) as string) : literal[1]!;
    pos = close + 2;
  }
  return out;
}

/** The `}}` closing an action, skipping string literals (as Go's lexer does). */
function closeOf(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') {
      quote = c;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  throw new Error(`unclosed action at character ${from - 1}`);
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
