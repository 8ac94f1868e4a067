import { describe, expect, it } from 'vitest';
import { POSTGRES_EXPORTER_METRICS, postgresqlAlerts } from '../../../alerts/datastores/postgresql.js';
import { defineService, SEV1, SEV3, SEV4, type Service } from '../../../lib/core/index.js';
import { alertExpression, outputLabels, threshold } from '../../../lib/promql/signals.js';
import { goodService } from '../../lib/core/fixtures.js';
import { issueMessages, shopService } from '../fixture.js';

/** Shop API with postgres_exporter's metrics in its catalog. */
function postgresService(): Service {
  return defineService({ ...goodService, metrics: [...POSTGRES_EXPORTER_METRICS] });
}

const every = {
  exporterJob: 'shop-postgres-exporter',
  down: { for: '1m', level: SEV1 },
  exporterDown: { for: '5m', level: SEV3 },
  connections: { above: 80, for: '10m', level: SEV3 },
  deadlocks: { for: '1m', level: SEV4 },
} as const;

describe('postgresqlAlerts', () => {
  it('tells PostgreSQL down (pg_up) from its exporter down, and watches connections and deadlocks on every database', () => {
    const service = postgresService();
    const alerts = postgresqlAlerts(service, every);
    expect(issueMessages(service)).toEqual([]);
    expect(alerts.map((a) => [a.name, a.group, alertExpression(a.signal)])).toEqual([
      ['ShopPostgresqlDown', 'postgresql', 'min (pg_up{job="shop-postgres-exporter"}) < 1'],
      ['ShopPostgresqlExporterDown', 'postgresql', 'up{job="shop-postgres-exporter"} == 0 or absent(up{job="shop-postgres-exporter"})'],
      ['ShopPostgresqlTooManyConnections', 'postgresql', 'sum (pg_stat_database_numbackends{job="shop-postgres-exporter"}) > 80'],
      ['ShopPostgresqlDeadlocks', 'postgresql', 'sum by (datname) (increase(pg_stat_database_deadlocks{job="shop-postgres-exporter"}[10m])) > 0'],
    ]);
  });

  it('fires on any deadlock within 10 minutes by default, labelled with the database', () => {
    const [deadlocks] = postgresqlAlerts(postgresService(), { exporterJob: 'pg', deadlocks: { for: '1m', level: SEV4 } });
    expect(threshold(deadlocks!.signal)).toMatchObject({ value: 0, comparator: '>', display: '0 in 10m' });
    expect(outputLabels(deadlocks!.signal)).toEqual(['datname']);
  });

  it('narrows connections and deadlocks to the service database when one is named', () => {
    const alerts = postgresqlAlerts(postgresService(), {
      exporterJob: 'pg', database: 'shop',
      connections: { above: 50, for: '10m', level: SEV3 },
      deadlocks: { above: 3, window: '1h', for: '1m', level: SEV3 },
    });
    expect(alerts.map((a) => alertExpression(a.signal))).toEqual([
      'sum (pg_stat_database_numbackends{job="pg",datname="shop"}) > 50',
      'sum by (datname) (increase(pg_stat_database_deadlocks{job="pg",datname="shop"}[1h])) > 3',
    ]);
  });

  it('reports a missing exporter job, bad counts and exporter metrics missing from the catalog', () => {
    const service = shopService();
    postgresqlAlerts(service, {
      exporterJob: '', database: '',
      down: { for: '1m', level: SEV1 },
      connections: { above: 0, for: '10m', level: SEV3 },
      // @ts-expect-error '10' is not a DurationText
      deadlocks: { above: -1, window: '10', for: '1m', level: SEV4 },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.postgresql.exporterJob: "" — a Prometheus job name: 1 to 128 characters from A-Z, a-z, 0-9, \'_\', \'-\', \'.\', \':\' and \'/\' (no quotes, braces, backslashes, spaces or control characters: people type it into selectors)',
      'alerts.postgresql.database: "" — a non-empty string',
      'alerts.ShopPostgresqlDown.metric: "pg_up" — a gauge in the service\'s metric catalog: add POSTGRES_EXPORTER_METRICS (alerts/datastores/postgresql.ts) to the service\'s metrics',
      'alerts.ShopPostgresqlTooManyConnections.metric: "pg_stat_database_numbackends" — a gauge in the service\'s metric catalog: add POSTGRES_EXPORTER_METRICS (alerts/datastores/postgresql.ts) to the service\'s metrics',
      'alerts.ShopPostgresqlTooManyConnections.above: 0 — an integer from 1 to 262143',
      'alerts.ShopPostgresqlDeadlocks.metric: "pg_stat_database_deadlocks" — a counter in the service\'s metric catalog: add POSTGRES_EXPORTER_METRICS (alerts/datastores/postgresql.ts) to the service\'s metrics',
      'alerts.ShopPostgresqlDeadlocks.above: -1 — an integer from 0 to 1000000',
      'alerts.ShopPostgresqlDeadlocks.window: "10" — a positive Prometheus duration such as 30s, 5m, 1h or 1h30m (units ms, s, m, h, d, w, y)',
    ]);
  });

  it('declares the postgres_exporter series it selects, deadlocks as a counter', () => {
    expect(POSTGRES_EXPORTER_METRICS.map((m) => [m.name, m.type, m.labels])).toEqual([
      ['pg_up', 'gauge', []],
      ['pg_stat_database_numbackends', 'gauge', ['datid', 'datname']],
      ['pg_stat_database_deadlocks', 'counter', ['datid', 'datname']],
      ['pg_settings_max_connections', 'gauge', []],
    ]);
  });
});
