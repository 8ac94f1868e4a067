import { describe, expect, it } from 'vitest';
import { MONGODB_CLIENT_METRICS, MONGODB_EXPORTER_METRICS, MONGODB_METRICS, mongodbAlerts } from '../../../alerts/datastores/mongodb.js';
import { defineService, P1, P2_CRITICAL, P3, type Service } from '../../../lib/core/index.js';
import { alertExpression, threshold } from '../../../lib/promql/signals.js';
import { inhibitRulesFor } from '../../../lib/render/alertmanager/inhibit-rules.js';
import { goodService } from '../../lib/core/fixtures.js';
import { issueMessages, shopService } from '../fixture.js';

/** Shop API with the MongoDB exporter and driver metrics in its catalog. */
function mongoService(): Service {
  return defineService({ ...goodService, metrics: [...MONGODB_METRICS] });
}

describe('mongodbAlerts', () => {
  it('watches the server from the exporter job and the pool from the application job', () => {
    const service = mongoService();
    const alerts = mongodbAlerts(service, {
      job: 'mongodb-exporter',
      down: { for: '1m', level: P1 },
      exporterDown: { for: '5m', level: P3 },
      connections: { above: 500, for: '5m', level: P3 },
      poolExhausted: { workload: 'api', for: '2m', level: P1 },
    });
    expect(alerts.map((a) => [a.name, a.group, alertExpression(a.signal)])).toEqual([
      ['ShopMongoDBDown', 'mongodb', 'min (mongodb_up{job="mongodb-exporter"}) < 1'],
      ['ShopMongoDBExporterDown', 'mongodb', 'up{job="mongodb-exporter"} == 0 or absent(up{job="mongodb-exporter"})'],
      ['ShopMongoDBTooManyConnections', 'mongodb', 'max (mongodb_connections{job="mongodb-exporter",state="current"}) > 500'],
      ['ShopMongoDBPoolExhausted', 'mongodb', 'max (mongodb_pool_pending_checkouts{job="api"}) > 0'],
    ]);
    expect(alerts.map((a) => threshold(a.signal).unit)).toEqual(['none', 'none', 'none', 'none']);
    expect(issueMessages(service)).toEqual([]);
  });

  it('renders connection levels as a warning and a critical alert, the critical one muting the warning', () => {
    const service = mongoService();
    const alerts = mongodbAlerts(service, {
      job: 'mongodb-exporter',
      connections: { levels: { warning: { above: 50, for: '5m', level: P3 }, critical: { above: 90, for: '5m', level: P2_CRITICAL } } },
    });
    expect(alerts.map((a) => [a.name, alertExpression(a.signal), a.level.severity])).toEqual([
      ['ShopMongoDBConnectionsWarning', 'max (mongodb_connections{job="mongodb-exporter",state="current"}) > 50', 'warning'],
      ['ShopMongoDBConnectionsCritical', 'max (mongodb_connections{job="mongodb-exporter",state="current"}) > 90', 'critical'],
    ]);
    expect(inhibitRulesFor({ service, alerts, dashboards: [] })).toEqual([{
      source_matchers: ['alertname="ShopMongoDBConnectionsCritical"', 'service="shop-api"'],
      target_matchers: ['alertname="ShopMongoDBConnectionsWarning"', 'service="shop-api"'],
      equal: ['service'],
    }]);
  });

  it('names the alerts after the title and lets a pool threshold above 0 through', () => {
    const alerts = mongodbAlerts(mongoService(), {
      job: 'audit-exporter', title: 'audit store', down: { for: '1m', level: P1 }, poolExhausted: { workload: 'api', above: 5, for: '2m', level: P1 },
    });
    expect(alerts.map((a) => [a.name, alertExpression(a.signal)])).toEqual([
      ['ShopAuditStoreDown', 'min (mongodb_up{job="audit-exporter"}) < 1'],
      ['ShopAuditStorePoolExhausted', 'max (mongodb_pool_pending_checkouts{job="api"}) > 5'],
    ]);
    expect(alerts[1]!.summary).toBe('Shop API: audit store connection pool exhausted');
  });

  it('writes runbooks with every section filled', () => {
    const alerts = mongodbAlerts(mongoService(), {
      job: 'mongodb-exporter', down: { for: '1m', level: P1 }, exporterDown: { for: '5m', level: P3 },
      connections: { above: 90, for: '5m', level: P3 }, poolExhausted: { workload: 'api', for: '2m', level: P1 },
    });
    for (const alert of alerts) {
      expect([alert.name, alert.runbook.meaning !== '', alert.runbook.why !== '', alert.runbook.diagnose.length > 0, alert.runbook.act.length > 0])
        .toEqual([alert.name, true, true, true, true]);
    }
  });

  it('declares the exporter metrics as scraped, and the driver metrics as the application\'s', () => {
    expect(MONGODB_EXPORTER_METRICS.map((m) => [m.name, m.type, m.source])).toEqual([
      ['mongodb_up', 'gauge', 'prometheus'],
      ['mongodb_connections', 'gauge', 'prometheus'],
    ]);
    expect(MONGODB_CLIENT_METRICS.map((m) => [m.name, m.type, m.source])).toEqual([
      ['mongodb_pool_max_size', 'gauge', 'application'],
      ['mongodb_pool_checked_out_connections', 'gauge', 'application'],
      ['mongodb_pool_pending_checkouts', 'gauge', 'application'],
      ['mongodb_pool_checkout_failures_total', 'counter', 'application'],
      ['mongodb_client_commands_total', 'counter', 'application'],
      ['mongodb_client_command_duration_seconds', 'histogram', 'application'],
    ]);
  });

  it('asks for the metrics when the catalog lacks them, and reports bad thresholds', () => {
    const service = shopService();
    mongodbAlerts(service, {
      job: '',
      down: { for: '1m', level: P1 },
      connections: { above: 0, for: '5m', level: P3 },
      poolExhausted: { workload: 'api', above: -1, for: '2m', level: P1 },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopMongoDB.job: "" — a Prometheus job name: 1 to 128 characters from A-Z, a-z, 0-9, \'_\', \'-\', \'.\', \':\' and \'/\' (no quotes, braces, backslashes, spaces or control characters: people type it into selectors)',
      'alerts.ShopMongoDBDown.metric: "mongodb_up" — a gauge in the service\'s metric catalog (add MONGODB_METRICS to the service\'s metrics)',
      'alerts.ShopMongoDBTooManyConnections.metric: "mongodb_connections" — a gauge in the service\'s metric catalog (add MONGODB_METRICS to the service\'s metrics)',
      'alerts.ShopMongoDBTooManyConnections.above: 0 — a finite number greater than 0',
      'alerts.ShopMongoDBPoolExhausted.metric: "mongodb_pool_pending_checkouts" — a gauge in the service\'s metric catalog (add MONGODB_METRICS to the service\'s metrics)',
      'alerts.ShopMongoDBPoolExhausted.above: -1 — a number of waiting operations, 0 or more (0 fires when any operation waits)',
    ]);
  });
});
