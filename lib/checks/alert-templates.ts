import type { ValidationIssue } from '../core/issues.js';
import { isAlertingRule } from '../render/prometheus/rule-types.js';
import { goTemplateProblem } from './go-template-syntax.js';
import { issueFactory, ruleName, type RenderedService } from './rendered-service.js';

const VALUE_IN_TEMPLATE = /\$value\b|\.Value\b/;

/**
 * Alert annotations and labels are Go templates Prometheus expands for every alert: each must be
 * well formed (balanced `{{ }}`, known functions and variables, blocks closed), and labels must not use
 * `$value`: labels identify the alert, so a value that changes at every evaluation would end the alert
 * and start a new one each time (show the value in an annotation instead).
 *
 *   rules.ShopHighErrorRate.annotations.summary: '{{ $value | humanise }}' is invalid;
 *     allowed: a valid Prometheus Go template (unknown function 'humanise' (did you mean 'humanize'?) in {{ $value | humanise }})
 */
export function alertTemplateIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const group of rendered.ruleGroups) {
    for (const rule of group.rules) {
      const at = `rules.${ruleName(rule)}`;
      for (const [key, text] of Object.entries(rule.labels ?? {})) {
        if (isAlertingRule(rule) && VALUE_IN_TEMPLATE.test(text)) {
          issues.push(issue(`${at}.labels.${key}`, text,
            'a label without $value: labels identify the alert, so a changing value would restart it at every evaluation; show the value in an annotation'));
          continue;
        }
        const problem = goTemplateProblem(text);
        if (problem) issues.push(issue(`${at}.labels.${key}`, text, `a valid Prometheus Go template (${problem})`));
      }
      if (!isAlertingRule(rule)) continue;
      for (const [key, text] of Object.entries(rule.annotations)) {
        const problem = goTemplateProblem(text);
        if (problem) issues.push(issue(`${at}.annotations.${key}`, text, `a valid Prometheus Go template (${problem})`));
      }
    }
  }
  return issues;
}
