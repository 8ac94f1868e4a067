import type { ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import type { Manifest } from '../k8s/service-chart.js';
import type { HelmValues } from '../render/helm/values.js';
import { isAlertingRule, type Rule, type RuleGroup } from '../render/prometheus/rule-types.js';

/**
 * Everything synth rendered for one service, handed to the checks in this folder. Checks read the
 * rendered artifacts (not only the model), so they also catch a renderer that drifts from the model.
 * A part whose renderer failed is empty (that failure is already reported).
 */
export interface RenderedService {
  readonly stack: ServiceStack;
  readonly platform: PlatformConfig;
  /** The groups of the plain rule file, which the PrometheusRule carries too. */
  readonly ruleGroups: readonly RuleGroup[];
  /** Path of the plain rule file, relative to `dist/<service>/`. */
  readonly ruleFile: string;
  /** Every Kubernetes object with the file it is written to under `k8s/`. */
  readonly manifests: readonly Manifest[];
  /** Helm values by workload name. */
  readonly helmValues: ReadonlyMap<string, HelmValues>;
  /** Every file of the service, by path relative to `dist/<service>/`. */
  readonly files: ReadonlyMap<string, string>;
}

/** A check over one service's artifacts; returns every problem it finds (none: valid). */
export type ServiceCheck = (service: RenderedService) => ValidationIssue[];

/**
 * What the checks across services see of one service, small enough for synth to keep for 10,000
 * services: its name and the identity (apiVersion, kind, metadata name and namespace) of every manifest
 * with its file under `k8s/`. A new platform check that needs more must add it here.
 */
export interface ServiceManifests {
  readonly service: string;
  readonly manifests: readonly { readonly file: string; readonly object: { readonly apiVersion?: unknown; readonly kind?: unknown; readonly metadata?: unknown } }[];
}

/** A check over all services at once (names that must be unique across the platform). */
export type PlatformCheck = (services: readonly ServiceManifests[]) => ValidationIssue[];

/** One PromQL expression and the field that names where it comes from (rule or dashboard panel). */
export interface PromqlSource {
  /** `rules.<alert or record>.expr` or `dashboards.<uid>.panels["<title>"].expr`. */
  readonly field: string;
  readonly expr: string;
}

/**
 * How a rule is named in issues: the alert name, or the record name with the rule's labels, since several
 * recording rules may share a name (`slo:sli_errors:rate5m{service="shop-api",slo="availability"}`).
 */
export function ruleName(rule: Rule): string {
  if (isAlertingRule(rule)) return rule.alert;
  const labels = Object.entries(rule.labels ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return labels ? `${rule.record}{${labels}}` : rule.record;
}

/** Every PromQL expression of a service: rule expressions and dashboard panel queries (nested rows included). */
export function promqlSources(ruleGroups: readonly RuleGroup[], dashboards: ServiceStack['dashboards']): PromqlSource[] {
  const sources: PromqlSource[] = [];
  for (const group of ruleGroups) {
    for (const rule of group.rules) sources.push({ field: `rules.${ruleName(rule)}.expr`, expr: rule.expr });
  }
  for (const dashboard of dashboards) {
    for (const { title, expr } of dashboardQueries(dashboard.json)) {
      sources.push({ field: `dashboards.${dashboard.uid}.panels[${JSON.stringify(title)}].expr`, expr });
    }
  }
  return sources;
}

function dashboardQueries(json: Readonly<Record<string, unknown>>): { title: string; expr: string }[] {
  const panels = (Array.isArray(json.panels) ? json.panels : []) as { title?: string; targets?: { expr?: unknown }[]; panels?: unknown[] }[];
  return panels.flatMap((panel) => [
    ...(panel.targets ?? []).filter((t) => typeof t.expr === 'string').map((t) => ({ title: panel.title ?? '', expr: t.expr as string })),
    ...dashboardQueries({ panels: panel.panels ?? [] }),
  ]);
}

/** Builds issues for one service with less repetition. */
export function issueFactory(service: string): (field: string, value: unknown, allowed: string) => ValidationIssue {
  return (field, value, allowed) => ({ service, field, value, allowed });
}

/** Manifests of one kind. */
export function manifestsOfKind(service: RenderedService, kind: string): Manifest[] {
  return service.manifests.filter((m) => m.object.kind === kind);
}
