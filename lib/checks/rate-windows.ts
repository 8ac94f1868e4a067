import type { ValidationIssue } from '../core/issues.js';
import { Duration } from '../core/units.js';
import { DEFAULT_SCRAPE_INTERVAL } from '../k8s/service-monitor.js';
import { rangeFunctionCalls } from './promql-tree.js';
import { issueFactory, manifestsOfKind, promqlSources, type RenderedService } from './rendered-service.js';

/** Functions that compare samples across their range: too short a window leaves them one sample or none. */
const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv']);
/** Prometheus guidance: a range of at least four scrape intervals survives a failed scrape or two. */
export const MIN_SCRAPES_PER_WINDOW = 4;

/**
 * Every `rate(...[w])` (and irate, increase, delta, idelta, deriv) in rules and dashboard queries has
 * `w` >= 4 x the scrape interval (the longest interval of the service's ServiceMonitors, 30s by default).
 *
 *   rules.ShopHighErrorRate.expr: 'rate(http_requests_total{job="api"}[1m])' is invalid;
 *     allowed: a range of at least 2m (4 x the 30s scrape interval), so rate() still has samples to compare when a scrape fails
 */
export function rateWindowIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const scrape = scrapeInterval(rendered);
  const minimum = scrape.times(MIN_SCRAPES_PER_WINDOW);
  const issues: ValidationIssue[] = [];
  // Once per place and call: a panel's queries often repeat a selector.
  const reported = new Set<string>();
  for (const source of promqlSources(rendered.ruleGroups, rendered.stack.dashboards)) {
    for (const call of rangeFunctionCalls(source.expr, RATE_FUNCTIONS)) {
      const window = Duration.parse(call.window);
      const key = `${source.field} ${call.text}`;
      // Not a plain duration (a Grafana variable such as $__rate_interval, or a syntax error reported elsewhere).
      if (!window.ok || window.value.seconds >= minimum.seconds || reported.has(key)) continue;
      reported.add(key);
      issues.push(issue(source.field, call.text,
        `a range of at least ${minimum.text} (${MIN_SCRAPES_PER_WINDOW} x the ${scrape.text} scrape interval), so ${call.fn}() still has samples to compare when a scrape fails`));
    }
  }
  return issues;
}

/** The longest scrape interval among the service's ServiceMonitors, or the default when none says. */
export function scrapeInterval(rendered: RenderedService): Duration {
  let longest = DEFAULT_SCRAPE_INTERVAL;
  for (const monitor of manifestsOfKind(rendered, 'ServiceMonitor')) {
    const endpoints = (monitor.object.spec as { endpoints?: { interval?: unknown }[] } | undefined)?.endpoints ?? [];
    for (const endpoint of endpoints) {
      const parsed = Duration.parse(endpoint.interval);
      if (parsed.ok && parsed.value.seconds > longest.seconds) longest = parsed.value;
    }
  }
  return longest;
}
