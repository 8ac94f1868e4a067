import type { AlertSpec, LabelMatcher } from '../../lib/core/alert.js';
import type { MetricDefinition, MetricSource } from '../../lib/core/metric-catalog.js';
import type { Service } from '../../lib/core/service.js';
import type { DurationText } from '../../lib/core/units.js';
import { eq } from '../../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from '../alert-options.js';

/**
 * `MetricSource` has no value for third-party exporters yet; `prometheus` (as in alerts/datastores/redis.ts)
 * marks these series as scraped from something other than the service's own code, so nothing generated
 * from the catalog's `application` metrics (the planned prom-client kit) ever emits them.
 */
const EXPORTER: MetricSource = 'prometheus';

/**
 * PostgreSQL through prometheus-community/postgres_exporter (default port 9187):
 *
 * - gauge `pg_up`: 1 when the exporter's last connection to PostgreSQL succeeded, 0 when it failed. The
 *   exporter keeps answering scrapes while the database is down, so `pg_up` says "database down" and
 *   the exporter's own `up` says "exporter down" (then `pg_up` is missing and cannot fire).
 * - gauge `pg_stat_database_numbackends{datid,datname}`: connections open per database, from
 *   `pg_stat_database`.
 * - counter `pg_stat_database_deadlocks{datid,datname}`: deadlocks detected per database since the
 *   statistics were reset (exported as a counter without the `_total` suffix).
 * - gauge `pg_settings_max_connections`: the server's `max_connections`, for dashboards; connection
 *   saturation is alerted on as an absolute count because a ratio of two gauges is no signal kind
 *   (counterRatio divides rates), so `connections.above` is written against the known max_connections.
 */
export const POSTGRES_EXPORTER_METRICS: readonly MetricDefinition[] = [
  { name: 'pg_up', type: 'gauge', labels: [], source: EXPORTER, help: 'Whether the last connection of postgres_exporter to PostgreSQL succeeded (1) or failed (0).' },
  {
    name: 'pg_stat_database_numbackends', type: 'gauge', labels: ['datid', 'datname'], source: EXPORTER,
    help: 'Backends (connections) currently connected to each database (pg_stat_database.numbackends).',
  },
  {
    name: 'pg_stat_database_deadlocks', type: 'counter', labels: ['datid', 'datname'], source: EXPORTER,
    help: 'Deadlocks detected in each database since the statistics were last reset (pg_stat_database.deadlocks).',
  },
  { name: 'pg_settings_max_connections', type: 'gauge', labels: [], source: EXPORTER, help: 'The server setting max_connections.' },
];

export interface PostgresqlConnectionsOptions extends CommonAlertOptions {
  /** Fires when more connections than this are open (to `database`, or to all databases); keep it below max_connections. */
  readonly above: number;
}

export interface PostgresqlDeadlocksOptions extends CommonAlertOptions {
  /** Fires when more deadlocks than this were detected within `window`. @default 0 (any deadlock) */
  readonly above?: number;
  /** @default '10m' */
  readonly window?: DurationText;
}

export interface PostgresqlAlertsOptions {
  /** Scrape job of the postgres_exporter watching this service's database, e.g. `shop-postgres-exporter`. */
  readonly exporterJob: string;
  /** The service's database (`datname`) for connections and deadlocks. @default every database of the server */
  readonly database?: string;
  /** `pg_up < 1`: the exporter cannot connect to PostgreSQL. @default name '<Prefix>PostgresqlDown' */
  readonly down?: CommonAlertOptions;
  /** The exporter's scrape target is down or missing: PostgreSQL is unwatched. @default name '<Prefix>PostgresqlExporterDown' */
  readonly exporterDown?: CommonAlertOptions;
  /** Open connections above a count. @default name '<Prefix>PostgresqlTooManyConnections' */
  readonly connections?: PostgresqlConnectionsOptions;
  /** Deadlocks within a window. @default name '<Prefix>PostgresqlDeadlocks' */
  readonly deadlocks?: PostgresqlDeadlocksOptions;
}

const PACK = 'alerts.postgresql';
const MAX_CONNECTIONS = 262_143; // PostgreSQL's own upper bound of max_connections

/** PostgreSQL availability and saturation for any service whose catalog holds POSTGRES_EXPORTER_METRICS. */
export function postgresqlAlerts(service: Service, options: PostgresqlAlertsOptions): AlertSpec[] {
  const { issues } = service;
  const job = issues.jobName(`${PACK}.exporterJob`, options.exporterJob);
  if (options.database !== undefined) issues.nonEmpty(`${PACK}.database`, options.database);
  const database: LabelMatcher[] = options.database ? [eq('datname', options.database)] : [];
  const where = options.database ? `database ${options.database}` : 'all databases';
  const ns = service.namespace;
  const psql = `\`kubectl exec -n ${ns} -it <postgresql-pod> -- psql -U <user> -d ${options.database ?? '<database>'}\``;
  const requireMetric = (name: string, metric: string, type: 'gauge' | 'counter'): void => {
    issues.check(service.metrics.find(metric)?.type === type, `alerts.${name}.metric`, metric,
      `a ${type} in the service's metric catalog: add POSTGRES_EXPORTER_METRICS (alerts/datastores/postgresql.ts) to the service's metrics`);
  };
  const alerts: AlertSpec[] = [];

  if (options.down) {
    const name = alertName(service, options.down.name, 'PostgresqlDown');
    requireMetric(name, 'pg_up', 'gauge');
    alerts.push(buildAlert(service, options.down, {
      name,
      group: 'postgresql',
      signal: { kind: 'gaugeThreshold', series: { metric: 'pg_up', matchers: [eq('job', job)] }, aggregation: 'min', by: [], threshold: 1, comparator: '<', unit: 'none' },
      summary: `${service.title}: PostgreSQL is down`,
      description: `postgres_exporter (${job}) cannot connect to the PostgreSQL of ${service.title}.`,
      runbook: {
        meaning: `The exporter next to PostgreSQL cannot open a connection: the server is down, restarting, refusing connections (max_connections reached) or unreachable. ${service.title} cannot read or write its data.`,
        why: 'pg_up is 0 only after a failed connection attempt at a scrape; holding it for the `for` skips a single failed attempt during a restart or failover.',
        diagnose: [
          `Check the database pods: \`kubectl get pods -n ${ns} -l app.kubernetes.io/name=postgresql\` and their events (\`kubectl describe pod\`).`,
          `Read the server log: \`kubectl logs -n ${ns} <postgresql-pod> --tail=200\` (FATAL: too many connections, disk full, recovery).`,
          `Try a connection: ${psql} -c 'select 1'`,
        ],
        act: [
          'Bring PostgreSQL back first (restart the pod, free disk space); the applications reconnect by themselves.',
          'Never delete data or volumes to get it running without a backup.',
        ],
      },
    }));
  }

  if (options.exporterDown) {
    const name = alertName(service, options.exporterDown.name, 'PostgresqlExporterDown');
    alerts.push(buildAlert(service, options.exporterDown, {
      name,
      group: 'postgresql',
      signal: { kind: 'targetDown', job },
      summary: `${service.title}: postgres_exporter (${job}) cannot be scraped`,
      description: `Prometheus cannot scrape job ${job} (down or missing): PostgreSQL of ${service.title} is unwatched and its alerts cannot fire.`,
      runbook: {
        meaning: 'The PostgreSQL exporter is down or missing, so pg_up, connections and deadlocks are unknown; the database itself may be fine.',
        why: 'A missing target counts as down, so a deleted exporter does not silently disable the PostgreSQL alerts.',
        diagnose: [
          `Find the target: \`up{job="${job}"}\` (0: scrape failed; no series: target missing).`,
          `Check the exporter pod and logs: \`kubectl get pods -n ${ns} -l app.kubernetes.io/name=${job}\`, \`kubectl logs -n ${ns} -l app.kubernetes.io/name=${job} --tail=100\``,
        ],
        act: [`Restart the exporter: \`kubectl rollout restart deployment/${job} -n ${ns}\`; check PostgreSQL directly meanwhile (${psql}).`],
      },
    }));
  }

  if (options.connections) {
    const name = alertName(service, options.connections.name, 'PostgresqlTooManyConnections');
    requireMetric(name, 'pg_stat_database_numbackends', 'gauge');
    const above = issues.integer(`alerts.${name}.above`, options.connections.above, 1, MAX_CONNECTIONS);
    alerts.push(buildAlert(service, options.connections, {
      name,
      group: 'postgresql',
      signal: {
        kind: 'gaugeThreshold', series: { metric: 'pg_stat_database_numbackends', matchers: [eq('job', job), ...database] },
        aggregation: 'sum', by: [], threshold: above, comparator: '>', unit: 'none',
      },
      summary: `${service.title}: more than ${above} PostgreSQL connections open`,
      description: `{{ $value }} connections are open to ${where} of the PostgreSQL of ${service.title} (threshold ${above}).`,
      runbook: {
        meaning: 'PostgreSQL is close to max_connections: once it is reached, new connections fail with "too many clients" and requests error out.',
        why: `Counted over ${where}; ${above} leaves headroom below max_connections (see pg_settings_max_connections) for administration and for pools growing during a deploy.`,
        diagnose: [
          `See who holds the connections: ${psql} -c "select usename, application_name, state, count(*) from pg_stat_activity group by 1, 2, 3 order by 4 desc"`,
          'Many `idle in transaction` sessions point at a leak in the application; many `active` ones at slow queries.',
          `Compare with the pods of the service: \`kubectl get pods -n ${ns}\` (each replica opens its own pool).`,
        ],
        act: [
          'Terminate idle-in-transaction sessions that hold locks (`select pg_terminate_backend(pid) ...`), after noting them.',
          'Lower the pool size per replica or cap the replicas; use a connection pooler (PgBouncer) when many replicas share one database.',
        ],
      },
    }));
  }

  if (options.deadlocks) {
    const o = options.deadlocks;
    const name = alertName(service, o.name, 'PostgresqlDeadlocks');
    requireMetric(name, 'pg_stat_database_deadlocks', 'counter');
    const above = issues.integer(`alerts.${name}.above`, o.above ?? 0, 0, 1_000_000);
    const window = issues.duration(`alerts.${name}.window`, o.window ?? '10m');
    alerts.push(buildAlert(service, o, {
      name,
      group: 'postgresql',
      signal: {
        kind: 'counterIncrease', series: { metric: 'pg_stat_database_deadlocks', matchers: [eq('job', job), ...database] },
        window, threshold: above, by: ['datname'],
      },
      summary: `${service.title}: deadlocks in PostgreSQL database {{ $labels.datname }}`,
      description: `{{ $value }} deadlocks were detected in database {{ $labels.datname }} over the last ${window.text} (threshold ${above}).`,
      runbook: {
        meaning: 'Transactions waited on each other\'s locks; PostgreSQL aborted one of them with "deadlock detected", so a request or job failed (or was retried).',
        why: `Deadlocks are never normal: ${above === 0 ? 'any deadlock' : `more than ${above}`} within ${window.text} means two code paths take the same locks in opposite orders.`,
        diagnose: [
          `Find the statements in the server log: \`kubectl logs -n ${ns} <postgresql-pod> | grep -A5 "deadlock detected"\``,
          `Look for lock waits now: ${psql} -c "select pid, wait_event_type, state, query from pg_stat_activity where wait_event_type = 'Lock'"`,
        ],
        act: ['Make the two code paths lock rows in the same order (or use shorter transactions); retry the failed work meanwhile.'],
      },
    }));
  }
  return alerts;
}
