import type { ValidationIssue } from '../core/issues.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/** Prometheus metric names; colons are left to recording rules (Prometheus naming convention). */
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Prometheus label names; `__` is reserved for Prometheus's internal labels. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The names in the service's metric catalog are ones Prometheus accepts, so the PromQL built from them
 * means what it says (`orders-created` would parse as `orders - created`).
 *
 *   metrics.orders-created.name: 'orders-created' is invalid; allowed: a Prometheus metric name ...
 */
export function metricCatalogNameIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const metric of rendered.stack.service.metrics.metrics) {
    if (!METRIC_NAME.test(metric.name)) {
      issues.push(issue(`metrics.${metric.name}.name`, metric.name,
        'a Prometheus metric name: letters, digits and _, not starting with a digit (colons are for recording rules)'));
    }
    for (const label of metric.labels) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) {
        issues.push(issue(`metrics.${metric.name}.labels`, label, 'a Prometheus label name: letters, digits and _, not starting with a digit or __'));
      }
    }
  }
  return issues;
}
