import { vectorSelectors } from '../../checks/promql-tree.js';
import { promqlSources } from '../../checks/rendered-service.js';
import { CLIENT_DEFAULT_BUCKETS, expositionOf, type MetricDefinition, type SeriesPresence } from '../../core/metric-catalog.js';
import type { PlatformConfig } from '../../core/platform.js';
import type { ServiceStack } from '../../core/stack.js';
import { num } from '../../promql/selector.js';
import { threshold } from '../../promql/signals.js';
import { ruleGroupsFor } from '../prometheus/rule-groups.js';
import { isAlertingRule, type RuleGroup } from '../prometheus/rule-types.js';
import { matchesAll } from '../promtool/prom-eval.js';

/**
 * The metrics contract of one service: every metric its rules and dashboards read, with what the
 * exporter must write for them to work (type, label names, bucket bounds, label values that must not be
 * grouped), who reads it and why, and how the common client libraries are set up for it. Rendered as
 * `dist/<service>/metrics-contract.yaml` and as a RUNBOOK section; `verifyMetrics` (lib/verify) checks a
 * real `/metrics` exposition against it.
 */
export interface MetricsContract {
  readonly service: string;
  readonly metrics: readonly ContractMetric[];
}

export interface ContractMetric {
  readonly name: string;
  readonly type: MetricDefinition['type'];
  readonly source: MetricDefinition['source'];
  readonly help: string;
  /** Label names the exporter must write (`job`/`instance` come from the scrape, `le` with the buckets). */
  readonly labels: readonly string[];
  /** When its series exist (see SeriesPresence). */
  readonly presence: SeriesPresence;
  /** Bucket bounds the thresholds need (alerts and latency SLOs), seconds; histograms only. */
  readonly requiredBuckets?: readonly number[];
  /** The catalog's full list of bounds, as the instrumentation should declare them. */
  readonly buckets?: readonly number[];
  /** Labels whose exact values the queries match, which a library's default grouping (`4xx`) would hide. */
  readonly ungroupedLabels?: readonly string[];
  /** The alerts, records and panels matching those exact values (`status=~"401|403"`). */
  readonly ungroupedFor?: readonly string[];
  readonly usedBy: readonly ContractUse[];
  /** Known settings of prometheus_client, prometheus-fastapi-instrumentator and prom-client. */
  readonly clientSettings?: Readonly<Record<string, string>>;
}

export interface ContractUse {
  readonly kind: 'alert' | 'record' | 'panel';
  /** Alert name, record name, or `<dashboard uid>: <panel title>`. */
  readonly name: string;
  readonly why: string;
}

const SCRAPE_LABELS = new Set(['job', 'instance']);

/** `ruleGroups`: what `ruleGroupsFor(stack, platform)` returns, when the caller has rendered them already. */
export function metricsContractFor(stack: ServiceStack, platform: PlatformConfig, ruleGroups?: readonly RuleGroup[]): MetricsContract {
  const { service } = stack;
  const groups = ruleGroups ?? ruleGroupsFor(stack, platform);
  const uses = new Map<string, ContractUse[]>();
  const matchedValues = new Map<string, { use: string; label: string; op: string; value: string }[]>();
  const note = (metric: MetricDefinition, use: ContractUse, expr: string): void => {
    const list = uses.get(metric.name) ?? [];
    if (!list.some((u) => u.kind === use.kind && u.name === use.name)) list.push(use);
    uses.set(metric.name, list);
    for (const selector of vectorSelectors(expr)) {
      if (selector.metric === undefined || baseMetric(stack, selector.metric)?.name !== metric.name) continue;
      matchedValues.set(metric.name, [...(matchedValues.get(metric.name) ?? []), ...selector.matchers.map((m) => ({ ...m, use: use.name }))]);
    }
  };
  const alertsByName = new Map(stack.alerts.map((a) => [a.name, a]));
  for (const rule of groups.flatMap((g) => g.rules)) {
    for (const metric of metricsIn(stack, rule.expr)) {
      if (isAlertingRule(rule)) {
        const alert = alertsByName.get(rule.alert);
        const t = alert && threshold(alert.signal);
        const why = t ? `${alert.signal.kind} ${t.comparator} ${t.display}` : 'SLO burn-rate alert';
        note(metric, { kind: 'alert', name: rule.alert, why }, rule.expr);
      } else {
        const slo = rule.labels?.slo;
        note(metric, { kind: 'record', name: slo ? `${rule.record}{slo="${slo}"}` : rule.record, why: slo ? `SLI of SLO ${slo}` : 'recording rule' }, rule.expr);
      }
    }
  }
  for (const source of promqlSources([], stack.dashboards)) {
    const match = /^dashboards\.([^.]+)\.panels\[(".*")\]\.expr$/.exec(source.field);
    const name = match ? `${match[1]}: ${JSON.parse(match[2]!) as string}` : source.field;
    for (const metric of metricsIn(stack, source.expr)) note(metric, { kind: 'panel', name, why: 'plotted' }, source.expr);
  }

  const metrics: ContractMetric[] = [];
  for (const metric of service.metrics.metrics) {
    const used = uses.get(metric.name);
    if (!used) continue;
    const exposition = expositionOf(metric);
    const required = metric.type === 'histogram' ? requiredBuckets(stack, metric.name) : [];
    // A positive matcher no grouped value satisfies (`401|403` vs `4xx`) needs the exact values; `5..` matches `5xx`.
    const exact = Object.entries(exposition.grouped ?? {}).flatMap(([label, grouping]) => (matchedValues.get(metric.name) ?? [])
      .filter((m) => m.label === label && (m.op === '=' || m.op === '=~') &&
        !grouping.groupedValues.some((v) => matchesAll({ [label]: v }, [{ label, op: m.op as '=' | '=~', value: m.value }]))));
    const ungrouped = [...new Set(exact.map((m) => m.label))];
    const ungroupedFor = [...new Set(exact.map((m) => m.use))].sort();
    const entry: ContractMetric = {
      name: metric.name,
      type: metric.type,
      source: metric.source,
      help: metric.help,
      labels: metric.labels.filter((l) => !SCRAPE_LABELS.has(l)),
      presence: exposition.presence,
      ...(required.length > 0 && { requiredBuckets: required }),
      ...(metric.buckets && { buckets: metric.buckets }),
      ...(ungrouped.length > 0 && { ungroupedLabels: ungrouped, ungroupedFor }),
      usedBy: [...used].sort((a, b) => (a.kind + a.name < b.kind + b.name ? -1 : 1)),
    };
    const settings = metric.source === 'application' ? clientSettings(entry) : undefined;
    metrics.push(settings ? { ...entry, clientSettings: settings } : entry);
  }
  return { service: service.name, metrics };
}

/** Bounds the latency alerts and SLOs compare with: each threshold must be a bucket bound. */
function requiredBuckets(stack: ServiceStack, metric: string): number[] {
  const bounds = new Set<number>();
  for (const alert of stack.alerts) {
    if (alert.signal.kind === 'latencyQuantile' && alert.signal.metric === metric) bounds.add(alert.signal.threshold.seconds);
  }
  for (const slo of stack.slos ?? []) {
    if (slo.sli.histogram?.metric === metric) bounds.add(slo.sli.histogram.threshold.seconds);
  }
  return [...bounds].sort((a, b) => a - b);
}

function baseMetric(stack: ServiceStack, name: string): MetricDefinition | undefined {
  const catalog = stack.service.metrics;
  const direct = catalog.find(name);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_count', '_sum']) {
    const metric = name.endsWith(suffix) ? catalog.find(name.slice(0, -suffix.length)) : undefined;
    if (metric?.type === 'histogram') return metric;
  }
  return undefined;
}

function metricsIn(stack: ServiceStack, expr: string): MetricDefinition[] {
  const found = new Map<string, MetricDefinition>();
  for (const selector of vectorSelectors(expr)) {
    const metric = selector.metric === undefined ? undefined : baseMetric(stack, selector.metric);
    if (metric) found.set(metric.name, metric);
  }
  return [...found.values()];
}

/** How the three common client libraries write this metric as the contract needs it. */
function clientSettings(metric: ContractMetric): Record<string, string> {
  const labels = metric.labels;
  const py = labels.length ? `, [${labels.map((l) => `'${l}'`).join(', ')}]` : '';
  const js = labels.length ? `, labelNames: [${labels.map((l) => `'${l}'`).join(', ')}]` : '';
  const bounds = metric.buckets?.map(num).join(', ');
  const settings: Record<string, string> = {};
  const counted = metric.usedBy.some((u) => u.why.startsWith('counterIncrease'));
  const firstEvent = metric.presence === 'first-event' && labels.length > 0 && counted
    ? ' Label sets appear with their first increment; create known ones at start-up (`.labels(...)` / `.inc({...}, 0)`) so increase() counts their first event.'
    : '';
  switch (metric.type) {
    case 'counter': {
      const base = metric.name.replace(/_total$/, '');
      settings.prometheus_client = `Counter('${base}', '...'${py}) (the client adds _total).${firstEvent}`;
      settings['prom-client'] = `new Counter({ name: '${metric.name}', help: '...'${js} })`;
      break;
    }
    case 'gauge':
      settings.prometheus_client = `Gauge('${metric.name}', '...'${py})`;
      settings['prom-client'] = `new Gauge({ name: '${metric.name}', help: '...'${js} })`;
      break;
    case 'histogram':
      settings.prometheus_client = `Histogram('${metric.name}', '...'${py}, buckets=(${bounds})) (writes le="5.0"; the rules match le="5" and le="5.0")${lacking('prometheus_client', metric)}`;
      settings['prom-client'] = `new Histogram({ name: '${metric.name}', help: '...'${js}, buckets: [${bounds}] })${lacking('prom-client', metric)}`;
      break;
  }
  if (metric.name === 'http_requests_total' || metric.name === 'http_request_duration_seconds') {
    const fastapi = ['Instrumentator(should_group_status_codes=False) keeps the status codes (the default writes 2xx/4xx/5xx)'];
    if (metric.name === 'http_request_duration_seconds') fastapi.unshift(`metrics.default(latency_lowr_buckets=(${bounds})) (the default is 0.1, 0.5, 1)`);
    settings['prometheus-fastapi-instrumentator'] = metric.name === 'http_requests_total' && !metric.ungroupedLabels?.length
      ? 'defaults work (grouped codes like 5xx still match status=~"5.."); Instrumentator(should_group_status_codes=False) also works'
      : fastapi.join('; ');
  }
  return settings;
}

/** ` (the default buckets lack 3)` when the library's defaults miss a required bound. */
function lacking(library: keyof typeof CLIENT_DEFAULT_BUCKETS, metric: ContractMetric): string {
  const missing = (metric.requiredBuckets ?? []).filter((b) => !CLIENT_DEFAULT_BUCKETS[library].includes(b));
  return missing.length ? ` (the default buckets lack ${missing.map(num).join(', ')})` : '';
}

/** The RUNBOOK section: one row per metric, then what it must look like. */
export function metricsContractMarkdown(contract: MetricsContract): string[] {
  const lines = [
    '## Metrics contract',
    '',
    'What the alerts and dashboards need from the exporters (also `metrics-contract.yaml`; check a live endpoint with `oac verify-metrics ' +
      `${contract.service} <file|url>\`).`,
    '',
    '| Metric | Type | Labels | Needs | Used by |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const m of contract.metrics) {
    const needs = [
      ...(m.requiredBuckets ? [`buckets ${m.requiredBuckets.map((b) => `${num(b)}s`).join(', ')}`] : []),
      ...(m.ungroupedLabels ? [`ungrouped ${m.ungroupedLabels.join(', ')} (e.g. \`Instrumentator(should_group_status_codes=False)\`)`] : []),
      m.presence === 'per-entity' ? 'one series per entity' : m.presence === 'first-event' ? 'series per label set from the first event' : 'series from start',
    ];
    const users = m.usedBy.filter((u) => u.kind === 'alert').map((u) => u.name);
    const others = m.usedBy.length - users.length;
    lines.push(`| \`${m.name}\` | ${m.type} | ${m.labels.join(', ') || '—'} | ${needs.join('; ')} | ${[...users, ...(others ? [`${others} panels/records`] : [])].join(', ')} |`);
  }
  return lines;
}
