import type { ValidationIssue } from '../core/issues.js';
import type { MetricCatalog, MetricDefinition } from '../core/metric-catalog.js';
import { closestName } from './closest-name.js';
import { vectorSelectors } from './promql-tree.js';
import { isAlertingRule, type RecordingRule } from '../render/prometheus/rule-types.js';
import { issueFactory, promqlSources, type RenderedService } from './rendered-service.js';

/** Labels Prometheus attaches to every scraped series (target labels), whatever the exporter declares. */
export const SCRAPE_LABELS: readonly string[] = ['job', 'instance'];
/** Series Prometheus itself writes for alerting rules. */
const ALERT_SERIES = new Set(['ALERTS', 'ALERTS_FOR_STATE']);
const HISTOGRAM_SERIES = ['_bucket', '_count', '_sum'] as const;

interface KnownSeries {
  readonly metric: MetricDefinition;
  /** Labels a matcher may use on this series. */
  readonly labels: readonly string[];
}

/**
 * Every metric name and label matcher of every rule expression and dashboard query, against the
 * service's MetricCatalog: a histogram is queried as `<name>_bucket` (with `le`), `_count` or `_sum`;
 * `job` and `instance` are allowed on every metric (Prometheus adds them when scraping). Names with a
 * colon are recording-rule outputs (`slo:sli_error:ratio_rate5m`, by Prometheus naming convention) and
 * are skipped, as are `ALERTS` and the service's own recording rules.
 *
 *   rules.ShopHighLatency.expr: 'http_request_duraton_seconds_bucket' is invalid;
 *     allowed: a metric in the service's metric catalog (did you mean 'http_request_duration_seconds_bucket'?)
 */
export function metricNameIssues(rendered: RenderedService): ValidationIssue[] {
  const { service } = rendered.stack;
  const issue = issueFactory(service.name);
  const known = knownSeries(service.metrics);
  const recorded = new Set(rendered.ruleGroups.flatMap((g) => g.rules.filter((r) => !isAlertingRule(r)).map((r) => (r as RecordingRule).record)));
  const issues: ValidationIssue[] = [];
  // Once per place: a panel's queries, or an alert's two sides, often repeat a selector.
  const reported = new Set<string>();
  for (const source of promqlSources(rendered.ruleGroups, rendered.stack.dashboards)) {
    const once = (key: string, make: () => ValidationIssue): void => {
      if (!reported.has(`${source.field} ${key}`)) issues.push(make());
      reported.add(`${source.field} ${key}`);
    };
    for (const selector of vectorSelectors(source.expr)) {
      const name = selector.metric;
      if (name === undefined || name.includes(':') || ALERT_SERIES.has(name) || recorded.has(name)) continue;
      const series = known.get(name);
      if (!series) {
        const closest = closestName(name, known.keys());
        once(`metric ${name}`, () => issue(source.field, name, `a metric in the service's metric catalog (${closest
          ? `did you mean '${closest}'?`
          : 'no similar name; declare it in the service\'s metrics'})`));
        continue;
      }
      for (const { label } of selector.matchers) {
        if (label === '__name__' || series.labels.includes(label)) continue;
        const closest = closestName(label, series.labels);
        once(`label ${name} ${label}`, () => issue(source.field, label,
          `a label of ${name}: ${series.labels.join(', ')}${closest ? ` (did you mean '${closest}'?)` : ''}`));
      }
    }
  }
  return issues;
}

/** Series names a query may select, with the labels each has. */
function knownSeries(catalog: MetricCatalog): Map<string, KnownSeries> {
  const known = new Map<string, KnownSeries>();
  const labels = (metric: MetricDefinition, extra: readonly string[] = []): string[] =>
    [...new Set([...metric.labels, ...SCRAPE_LABELS, ...extra])];
  for (const metric of catalog.metrics) {
    if (metric.type === 'histogram') {
      for (const suffix of HISTOGRAM_SERIES) {
        known.set(`${metric.name}${suffix}`, { metric, labels: labels(metric, suffix === '_bucket' ? ['le'] : []) });
      }
    } else {
      known.set(metric.name, { metric, labels: labels(metric) });
    }
  }
  return known;
}
