import { describe, expect, it } from 'vitest';
import { businessRatioAlert, businessRatioAlerts } from '../../alerts/business-ratios.js';
import { defineService, P2_CRITICAL, P3, type Service } from '../../lib/core/index.js';
import { alertExpression, threshold, valueQuery } from '../../lib/promql/signals.js';
import { inhibitRulesFor } from '../../lib/render/alertmanager/inhibit-rules.js';
import { goodService } from '../lib/core/fixtures.js';
import { issueMessages } from './fixture.js';

/** Shop API counting orders placed, refunded and by channel. */
function ordersService(): Service {
  return defineService({
    ...goodService,
    metrics: [
      { name: 'orders_placed_total', type: 'counter', help: 'Orders.', labels: ['job', 'channel'], source: 'application' },
      { name: 'orders_refunded_total', type: 'counter', help: 'Refunds.', labels: ['job', 'channel'], source: 'application' },
      { name: 'cart_items', type: 'gauge', help: 'Items in carts.', labels: ['job'], source: 'application' },
    ],
  });
}

const refunds = { workload: 'api', what: 'refund rate', numerator: { metric: 'orders_refunded_total' }, denominator: { metric: 'orders_placed_total' } } as const;

describe('businessRatioAlert', () => {
  it('compares the ratio of two counters of the workload\'s job over 1h with the threshold', () => {
    const service = ordersService();
    const alert = businessRatioAlert(service, { ...refunds, name: 'ShopRefundRateHigh', above: '30%', for: '10m', level: P2_CRITICAL });
    expect(alertExpression(alert.signal)).toBe(
      '(sum(rate(orders_refunded_total{job="api"}[1h])) or 0 * sum(rate(orders_placed_total{job="api"}[1h]))) / sum(rate(orders_placed_total{job="api"}[1h])) > 0.3');
    expect([alert.group, alert.for.text, alert.level, threshold(alert.signal).display]).toEqual(['business', '10m', P2_CRITICAL, '30%']);
    expect(alert.summary).toBe('Shop API: refund rate above 30%');
    expect(issueMessages(service)).toEqual([]);
  });

  it('fires below the threshold with `below`, narrowed by exact label values and another window', () => {
    const alert = businessRatioAlert(ordersService(), {
      workload: 'api', what: 'web share', window: '6h', name: 'ShopWebShareLow', below: '60%', for: '15m', level: P3,
      numerator: { metric: 'orders_placed_total', labels: { channel: 'web' } }, denominator: { metric: 'orders_placed_total' },
    });
    expect(alertExpression(alert.signal)).toBe(
      '(sum(rate(orders_placed_total{job="api",channel="web"}[6h])) or 0 * sum(rate(orders_placed_total{job="api"}[6h]))) / sum(rate(orders_placed_total{job="api"}[6h])) < 0.6');
  });

  it('adds a minimum volume on the denominator with `minEvents`, leaving the value query the ratio', () => {
    const service = ordersService();
    const alert = businessRatioAlert(service, { ...refunds, name: 'ShopRefundRateHigh', above: '30%', minEvents: 10, for: '10m', level: P2_CRITICAL });
    expect(alertExpression(alert.signal)).toBe(
      '(sum(rate(orders_refunded_total{job="api"}[1h])) or 0 * sum(rate(orders_placed_total{job="api"}[1h]))) / sum(rate(orders_placed_total{job="api"}[1h])) > 0.3 ' +
      'and on() sum(increase(orders_placed_total{job="api"}[1h])) >= 10');
    expect(valueQuery(alert.signal)).toBe('(sum(rate(orders_refunded_total{job="api"}[1h])) or 0 * sum(rate(orders_placed_total{job="api"}[1h]))) / sum(rate(orders_placed_total{job="api"}[1h]))');
    expect(alert.runbook.why).toContain('it fires only once `orders_placed_total{job="api"}` counted at least 10 events in the 1h');
    expect(issueMessages(service)).toEqual([]);
  });

  it('has no minimum volume by default', () => {
    const alert = businessRatioAlert(ordersService(), { ...refunds, name: 'ShopRefundRateHigh', above: '30%', for: '10m', level: P3 });
    expect(alert.signal.kind === 'counterRatio' && 'minEvents' in alert.signal).toBe(false);
  });

  it('reports a minEvents that is not a positive whole number, and drops it', () => {
    const service = ordersService();
    const zero = businessRatioAlert(service, { ...refunds, name: 'ShopZero', above: '30%', minEvents: 0, for: '5m', level: P3 });
    businessRatioAlert(service, { ...refunds, name: 'ShopHalf', above: '30%', minEvents: 2.5, for: '5m', level: P3 });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopZero.minEvents: 0 — a positive whole number of events in the window, such as 10: the alert fires only once the denominator counted that many',
      'alerts.ShopHalf.minEvents: 2.5 — a positive whole number of events in the window, such as 10: the alert fires only once the denominator counted that many',
    ]);
    expect(alertExpression(zero.signal)).toBe('(sum(rate(orders_refunded_total{job="api"}[1h])) or 0 * sum(rate(orders_placed_total{job="api"}[1h]))) / sum(rate(orders_placed_total{job="api"}[1h])) > 0.3');
  });

  it('writes a generic runbook naming both counters, with no empty section', () => {
    const alert = businessRatioAlert(ordersService(), { ...refunds, name: 'ShopRefundRateHigh', above: '30%', for: '10m', level: P3 });
    expect(alert.runbook.meaning).toContain('`orders_refunded_total{job="api"}` over `orders_placed_total{job="api"}` in the last 1h');
    expect(alert.runbook.diagnose[0]).toBe(
      'Look at both sides: `sum(rate(orders_refunded_total{job="api"}[1h]))` and `sum(rate(orders_placed_total{job="api"}[1h]))` — did the numerator change, or the denominator?');
    expect(alert.runbook.act.length).toBeGreaterThan(0);
  });

  it('reports counters missing from the catalog, gauges and unknown labels', () => {
    const service = ordersService();
    businessRatioAlert(service, {
      workload: 'api', what: 'ratio', name: 'ShopOddRatio', above: '10%', for: '5m', level: P3,
      numerator: { metric: 'orders_cancelled_total' }, denominator: { metric: 'cart_items' },
    });
    businessRatioAlert(service, { ...refunds, numerator: { metric: 'orders_refunded_total', labels: { region: 'eu' } }, name: 'ShopRegionRefunds', above: '10%', for: '5m', level: P3 });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopOddRatio.numerator.metric: "orders_cancelled_total" — a counter in the service\'s metric catalog (declare it in the service\'s metrics)',
      'alerts.ShopOddRatio.denominator.metric: "cart_items" — a counter in the service\'s metric catalog (declare it in the service\'s metrics)',
      'alerts.ShopRegionRefunds.numerator.labels.region: "region" — a label of orders_refunded_total: job, channel',
    ]);
  });

  it('asks for exactly one of above and below, and for a threshold the ratio can cross', () => {
    const service = ordersService();
    businessRatioAlert(service, { ...refunds, name: 'ShopBoth', above: '10%', below: '5%', for: '5m', level: P3 });
    businessRatioAlert(service, { ...refunds, name: 'ShopNeither', for: '5m', level: P3 });
    businessRatioAlert(service, { ...refunds, name: 'ShopAlways', above: '100%', for: '5m', level: P3 });
    businessRatioAlert(service, { ...refunds, name: 'ShopNever', below: '0%', for: '5m', level: P3 });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopBoth.above: {"above":"10%","below":"5%"} — exactly one of \'above\' or \'below\', a percentage such as \'30%\'',
      'alerts.ShopNeither.above: {} — exactly one of \'above\' or \'below\', a percentage such as \'30%\'',
      'alerts.ShopAlways.above: "100%" — a share below 100%, such as \'5%\': the ratio of a subset of events to all of them never exceeds 100%, so the alert could never fire',
      'alerts.ShopNever.below: "0%" — a ratio between 0 and 1, written as a percentage such as \'5%\'',
    ]);
  });
});

describe('businessRatioAlerts', () => {
  it('renders a warning and a critical level on one ratio, the critical one muting the warning', () => {
    const service = ordersService();
    const alerts = businessRatioAlerts(service, {
      ...refunds,
      levels: {
        warning: { name: 'ShopRefundRateWarning', above: '20%', for: '10m', level: P3 },
        critical: { name: 'ShopRefundRateHigh', above: '30%', for: '10m', level: P2_CRITICAL },
      },
    });
    expect(alerts.map((a) => [a.name, alertExpression(a.signal), a.level.severity])).toEqual([
      ['ShopRefundRateWarning', '(sum(rate(orders_refunded_total{job="api"}[1h])) or 0 * sum(rate(orders_placed_total{job="api"}[1h]))) / sum(rate(orders_placed_total{job="api"}[1h])) > 0.2', 'warning'],
      ['ShopRefundRateHigh', '(sum(rate(orders_refunded_total{job="api"}[1h])) or 0 * sum(rate(orders_placed_total{job="api"}[1h]))) / sum(rate(orders_placed_total{job="api"}[1h])) > 0.3', 'critical'],
    ]);
    expect(inhibitRulesFor({ service, alerts, dashboards: [] })).toEqual([{
      source_matchers: ['alertname="ShopRefundRateHigh"', 'service="shop-api"'],
      target_matchers: ['alertname="ShopRefundRateWarning"', 'service="shop-api"'],
      equal: ['service'],
    }]);
    expect(issueMessages(service)).toEqual([]);
  });

  it('orders `below` levels the other way: the critical level is the lower one', () => {
    const service = ordersService();
    const levels = (warning: '80%' | '50%', critical: '60%') => businessRatioAlerts(service, {
      ...refunds, what: 'keep rate',
      levels: {
        warning: { name: `ShopKeepRate${warning === '80%' ? 'Ok' : 'Bad'}Warning`, below: warning, for: '10m', level: P3 },
        critical: { name: `ShopKeepRate${warning === '80%' ? 'Ok' : 'Bad'}Critical`, below: critical, for: '10m', level: P2_CRITICAL },
      },
    });
    levels('80%', '60%');
    expect(issueMessages(service)).toEqual([]);
    levels('50%', '60%');
    expect(issueMessages(service)).toEqual([
      'alerts.ShopKeepRateBadWarning.levels: {"warning":"50%","critical":"60%"} — a warning threshold less severe than the critical one (higher than 60%)',
    ]);
  });

  it('refuses levels that mix above and below', () => {
    const service = ordersService();
    businessRatioAlerts(service, {
      ...refunds,
      levels: {
        warning: { name: 'ShopMixedWarning', above: '20%', for: '10m', level: P3 },
        critical: { name: 'ShopMixedCritical', below: '10%', for: '10m', level: P2_CRITICAL },
      },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopMixedWarning.levels: {"warning":"20%","critical":"10%"} — a warning threshold less severe than the critical one (lower than 10%)',
    ]);
  });
});
