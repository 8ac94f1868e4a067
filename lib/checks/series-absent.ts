import type { ValidationIssue } from '../core/issues.js';
import { resolveSeriesAbsent } from '../render/promtool/series-absent.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/**
 * Every alert against the series shapes real exporters produce (lib/render/promtool/series-absent.ts):
 * an alert that must fire on such a shape and cannot (its expression returns nothing when rq-exporter
 * writes no `rq_workers` at all) or that fires where it must stay silent is reported by name. Generic:
 * the cases come from the signal kind and the metric's exposition in the catalog, so a new pack over
 * such a metric is checked without code of its own. Panels are checked by series-absent-panels.ts.
 *
 *   alerts.ShopFewWorkers.expr: 'sum(rq_workers{job="shop-rq"}) < 2' is invalid; allowed: an expression that
 *     fires when rq_workers has no series while its exporter is up (...), e.g. with `or on() vector(0)` ...
 */
export function seriesAbsentAlertIssues(rendered: RenderedService): ValidationIssue[] {
  const { stack, platform } = rendered;
  const issue = issueFactory(stack.service.name);
  const exprOf = new Map(rendered.ruleGroups.flatMap((g) => g.rules).flatMap((r) => ('alert' in r ? [[r.alert, r.expr] as const] : [])));
  const issues: ValidationIssue[] = [];
  for (const alert of stack.alerts) {
    for (const { case: c, problem } of resolveSeriesAbsent(stack, alert, platform)) {
      if (problem === undefined) continue;
      const what = c.mustFire
        ? `an expression that fires when ${c.shape}: the missing series are the bad state, so give the aggregation a value for them (\`or on() vector(0)\`, \`or 0 * <denominator>\`)`
        : `an expression that stays silent when ${c.shape}`;
      issues.push(issue(`alerts.${alert.name}.expr`, exprOf.get(alert.name) ?? alert.name, `${what} (${problem})`));
    }
  }
  return issues;
}
