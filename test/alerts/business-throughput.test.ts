import { describe, expect, it } from 'vitest';
import { lowThroughputAlert } from '../../alerts/business-throughput.js';
import { SEV3 } from '../../lib/core/index.js';
import { alertExpression } from '../../lib/promql/signals.js';
import { issueMessages, shopService } from './fixture.js';

const runbook = { meaning: 'm', why: 'w', diagnose: ['d'], act: ['a'] };

describe('lowThroughputAlert', () => {
  it('fires on a stalled counter only while the API receives requests other than probes and scrapes', () => {
    const alert = lowThroughputAlert(shopService(), {
      name: 'ShopFewOrders', workload: 'api', metric: 'orders_placed_total', what: 'orders', minPerHour: 10, for: '15m', level: SEV3, runbook,
    });
    expect(alertExpression(alert.signal)).toBe(
      '(sum(rate(orders_placed_total{job="api"}[1h])) or vector(0)) * 3600 < 10 and on() ' +
      'sum(rate(http_requests_total{job="api",handler!~"/health|/metrics|/healthz|/ready|/readyz|/live|/livez"}[1h])) > 0');
  });

  it('rejects a metric missing from the catalog and a non-positive minimum', () => {
    const service = shopService();
    lowThroughputAlert(service, {
      name: 'ShopFewOrders', workload: 'api', metric: 'orders_total', what: 'orders', minPerHour: 0, for: '15m', level: SEV3, runbook,
    });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopFewOrders.metric: "orders_total" — a counter in the service\'s metric catalog',
      'alerts.ShopFewOrders.minPerHour: 0 — a finite number greater than 0',
    ]);
  });
});
