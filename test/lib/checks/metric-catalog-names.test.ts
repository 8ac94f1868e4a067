import { describe, expect, it } from 'vitest';
import { metricCatalogNameIssues } from '../../../lib/checks/metric-catalog-names.js';
import { MetricCatalog, type MetricDefinition } from '../../../lib/core/index.js';
import { rendered } from './fixture.js';

const shop = rendered();
const withMetric = (metric: MetricDefinition) =>
  metricCatalogNameIssues({ ...shop, stack: { ...shop.stack, service: { ...shop.stack.service, metrics: new MetricCatalog([metric]) } } });
const metric = (name: string, labels: string[] = ['job']): MetricDefinition => ({ name, type: 'counter', help: 'x', labels, source: 'application' });

describe('metricCatalogNameIssues', () => {
  it('accepts the catalog of the good fixture', () => {
    expect(metricCatalogNameIssues(shop)).toEqual([]);
  });

  it('refuses a metric name PromQL would read as something else', () => {
    expect(withMetric(metric('orders-created'))).toEqual([{
      service: 'shop-api', field: 'metrics.orders-created.name', value: 'orders-created',
      allowed: 'a Prometheus metric name: letters, digits and _, not starting with a digit (colons are for recording rules)',
    }]);
    expect(withMetric(metric('job:orders:rate5m')).map((i) => i.value)).toEqual(['job:orders:rate5m']);
  });

  it('refuses label names Prometheus rejects or reserves', () => {
    expect(withMetric(metric('orders_total', ['job', 'payment-method', '__name__'])).map((i) => i.value)).toEqual(['payment-method', '__name__']);
  });
});
