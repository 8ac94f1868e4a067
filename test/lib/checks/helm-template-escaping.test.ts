import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { helmTemplateEscapingIssues, renderEscapedTemplate } from '../../../lib/checks/helm-template-escaping.js';
import { DEFAULT_PLATFORM } from '../../../lib/core/index.js';
import { escapeForHelm, HELM_PROMETHEUS_RULE_TEMPLATE } from '../../../lib/render/helm/prometheus-rule-template.js';
import { isAlertingRule, type RuleGroup } from '../../../lib/render/prometheus/rule-types.js';
import { shopStack } from '../../bad-input/fixture.js';
import { rendered } from './fixture.js';

/**
 * Helm is not installable here (no `helm` package in the apt sources), so `helm template` cannot run;
 * instead renderEscapedTemplate evaluates exactly the two escape actions synth emits, the way Go's
 * text/template does, and refuses any other action.
 */
const withTemplate = rendered(shopStack(), { ...DEFAULT_PLATFORM, helmPrometheusRuleTemplate: true });
const template = withTemplate.files.get(HELM_PROMETHEUS_RULE_TEMPLATE)!;

describe('escapeForHelm', () => {
  it('turns every Go-template delimiter into an action printing it', () => {
    expect(escapeForHelm('{{ $value | humanizePercentage }} on {{ $labels.pod }}')).toBe(
      '{{ "{{" }} $value | humanizePercentage {{ "}}" }} on {{ "{{" }} $labels.pod {{ "}}" }}');
  });

  it.each(['{{ $value }}', '{{{ triple }}}', 'a }} b {{ c', '{{- trim -}}', '{{ "{{" }} already escaped', 'no templates'])(
    'round-trips %s through the evaluator', (text) => {
      expect(renderEscapedTemplate(escapeForHelm(text))).toBe(text);
    });
});

describe('renderEscapedTemplate', () => {
  it('prints double-quoted and backquoted string literals', () => {
    expect(renderEscapedTemplate('a {{ "{{" }} b {{ `}}` }} c')).toBe('a {{ b }} c');
  });

  it('refuses any other action, which only Helm could evaluate', () => {
    expect(() => renderEscapedTemplate('x {{ $value }}')).toThrowError('unexpected action {{ $value }} at character 3: only string literals are emitted');
  });
});

describe('the PrometheusRule as a Helm chart template', () => {
  it('is written only when the platform asks for it', () => {
    expect(rendered().files.has(HELM_PROMETHEUS_RULE_TEMPLATE)).toBe(false);
    expect(template).toBeDefined();
  });

  it('contains no Prometheus template left unescaped', () => {
    const escapes = template.match(/\{\{ "(?:\{\{|\}\})" \}\}/g) ?? [];
    expect(escapes.length).toBeGreaterThan(0);
    const rest = template.replace(/\{\{ "(?:\{\{|\}\})" \}\}/g, '');
    expect(rest).not.toContain('{{');
    expect(rest).not.toContain('}}');
  });

  it('renders back into the PrometheusRule manifests byte for byte', () => {
    const output = renderEscapedTemplate(template);
    expect(output).toBe(withTemplate.files.get('k8s/prometheusrule-shop-api.yaml'));
    expect(helmTemplateEscapingIssues(withTemplate, output)).toEqual([]);
  });

  it('gives back every annotation of every alert unchanged, $value and $labels included', () => {
    const [document] = parseAllDocuments(renderEscapedTemplate(template));
    const groups = (document!.toJS() as { spec: { groups: RuleGroup[] } }).spec.groups;
    const annotations = (gs: readonly RuleGroup[]) => gs.flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.annotations));
    expect(annotations(groups)).toEqual(annotations(withTemplate.ruleGroups));
    expect(annotations(groups).some((a) => a.description!.includes('{{ $value'))).toBe(true);
    expect(parse(withTemplate.files.get('k8s/prometheusrule-shop-api.yaml')!).spec.groups).toEqual(groups);
  });

  it('reports a template that does not render back into the manifests', () => {
    const files = new Map(withTemplate.files);
    files.set(HELM_PROMETHEUS_RULE_TEMPLATE, `${template}{{ .Release.Name }}`);
    expect(helmTemplateEscapingIssues({ ...withTemplate, files }, template).map((i) => i.allowed)).toEqual([
      'a template whose only actions print escaped delimiters',
    ]);
  });
});
