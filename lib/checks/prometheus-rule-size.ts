import type { ValidationIssue } from '../core/issues.js';
import { MAX_PROMETHEUS_RULE_BYTES, ruleFileBytes } from '../k8s/prometheus-rule.js';
import type { RuleGroup } from '../render/prometheus/rule-types.js';
import { issueFactory, manifestsOfKind, type RenderedService } from './rendered-service.js';

/**
 * Every PrometheusRule holds at most 512 KiB of rules. ServicePrometheusRule already splits larger rule
 * sets over several objects by group, so what is left here is a single group larger than the limit,
 * which no split can fix.
 *
 *   k8s/prometheusrule-shop-api.yaml: 'PrometheusRule/shop-api (600.0 KiB)' is invalid;
 *     allowed: at most 512.0 KiB of rules per PrometheusRule (...); group 'shop-api-http' alone is 600.0 KiB: split it into smaller groups
 */
export function prometheusRuleSizeIssues(rendered: RenderedService, maxBytes = MAX_PROMETHEUS_RULE_BYTES): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const rule of manifestsOfKind(rendered, 'PrometheusRule')) {
    const groups = (rule.object.spec as { groups?: RuleGroup[] } | undefined)?.groups ?? [];
    // Writing the groups out is the costly part of the check: where even the most the YAML could take fits, nothing is wrong.
    if (yamlBytesAtMost({ groups }) <= maxBytes) continue;
    const bytes = ruleFileBytes(groups);
    if (bytes <= maxBytes) continue;
    const largest = groups.map((g) => ({ name: g.name, bytes: ruleFileBytes([g]) })).sort((a, b) => b.bytes - a.bytes)[0];
    const name = (rule.object.metadata as { name?: string } | undefined)?.name;
    issues.push(issue(`k8s/${rule.file}`, `PrometheusRule/${name} (${kib(bytes)})`,
      `at most ${kib(maxBytes)} of rules per PrometheusRule (the operator mounts rule files through ConfigMaps of that size and cannot split one file)` +
      (largest ? `; group '${largest.name}' alone is ${kib(largest.bytes)}: split it into smaller groups` : '')));
  }
  return issues;
}

/**
 * At least as many bytes as `toYaml(value)` (lib/render/yaml.ts: block style, no line folding) takes,
 * for the plain JSON data cdk8s renders (strings, numbers, booleans, arrays, plain objects), counted
 * generously: each UTF-16 unit of a string or key 2 bytes when printable ASCII (a quote may be doubled
 * or escaped) and 6 otherwise (`\uXXXX` is the longest escape; UTF-8 takes at most 3 bytes per unit);
 * each string also its quotes and, per line it may span (`|` block scalars), an indentation of the
 * deepest level it could have; each key, item and value its own line, indented likewise, with room for
 * the explicit-key form (`? key` then `: value`). Anything else counts as unbounded.
 */
export function yamlBytesAtMost(value: unknown): number {
  const line = (depth: number): number => 2 * depth + 8; // an indentation as deep as the data, a block indicator, the newline
  const text = (s: string, depth: number): number => {
    let bytes = 2;
    let lines = 2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      bytes += c >= 0x20 && c < 0x7f ? 2 : 6;
      if (c === 0x0a) lines++;
    }
    return bytes + lines * line(depth);
  };
  const walk = (v: unknown, depth: number): number => {
    switch (typeof v) {
      case 'string':
        return text(v, depth);
      case 'number':
      case 'boolean':
        return 32;
      case 'object': {
        if (v === null) return 8;
        let bytes = line(depth) + 2; // `[]` / `{}` when empty
        if (Array.isArray(v)) {
          for (const item of v) bytes += line(depth) + 2 + walk(item, depth + 1);
          return bytes;
        }
        if (Object.getPrototypeOf(v) !== Object.prototype) return Infinity;
        for (const [key, item] of Object.entries(v)) bytes += 2 * line(depth) + 4 + text(key, depth) + walk(item, depth + 1);
        return bytes;
      }
      default:
        return Infinity;
    }
  };
  return walk(value, 0) + 16;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
