import type { AlertSpec } from '../../lib/core/alert.js';
import type { MetricDefinition, MetricSource } from '../../lib/core/metric-catalog.js';
import { isRecord } from '../../lib/core/fields.js';
import type { Service } from '../../lib/core/service.js';
import { eq } from '../../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from '../alert-options.js';
import { checkTitle, namePart, requireMetric, series } from '../pack-support.js';
import { twoLevelAlerts, type TwoLevel } from '../two-level.js';

/**
 * `MetricSource` has no value for third-party exporters; `prometheus` marks series scraped from something
 * other than the service's own code (as alerts/datastores/redis.ts does), so nothing generated from the
 * catalog's `application` metrics ever emits them.
 */
const EXPORTER: MetricSource = 'prometheus';

/**
 * What percona/mongodb_exporter (port 9216) exposes with `--compatible-mode` (the 0.1x names most
 * dashboards and alert collections use) and this pack reads. One exporter per mongod, or one pointed at
 * the cluster (e.g. an Atlas URI); `job` and `instance` come from the scrape.
 */
export const MONGODB_EXPORTER_METRICS: readonly MetricDefinition[] = [
  { name: 'mongodb_up', type: 'gauge', source: EXPORTER, labels: ['job', 'instance'], help: '1 if the exporter could connect to MongoDB at its last scrape, else 0.' },
  {
    name: 'mongodb_connections', type: 'gauge', source: EXPORTER, labels: ['job', 'instance', 'state'],
    help: 'Incoming connections to the server by state (serverStatus.connections): current (open now), available (still allowed), active.',
  },
];

/**
 * Seconds. MongoDB commands take from well under a millisecond (an indexed find) to seconds (a
 * collection scan, an aggregation), so the bounds span 1ms to 10s.
 */
export const MONGODB_COMMAND_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Client-side metrics the **application** exports about its own MongoDB driver, because the exporter
 * sees the server, not the application's connection pool. With PyMongo (and Motor, which runs on it),
 * from the driver's monitoring events, registered with `event_listeners=[...]` on the client:
 *
 * - pool, from a `pymongo.monitoring.ConnectionPoolListener` (CMAP events), per server `address`
 *   (`host:port`) of each process:
 *   - `mongodb_pool_max_size`: `maxPoolSize` from `PoolCreatedEvent.options` (PyMongo's default is 100);
 *   - `mongodb_pool_checked_out_connections`: +1 on `ConnectionCheckedOutEvent`, -1 on `ConnectionCheckedInEvent`;
 *   - `mongodb_pool_pending_checkouts`: +1 on `ConnectionCheckOutStartedEvent`, -1 on `ConnectionCheckedOutEvent`
 *     and `ConnectionCheckOutFailedEvent`. Operations waiting for a connection: with an idle connection
 *     at hand a checkout takes microseconds, so a count above 0 on every scrape means every connection is
 *     in use and operations queue for one: the pool is exhausted;
 *   - `mongodb_pool_checkout_failures_total{reason}`: `ConnectionCheckOutFailedEvent.reason`, i.e.
 *     `timeout` (waited longer than `waitQueueTimeoutMS` / `timeoutMS`; without either PyMongo waits
 *     forever and only the pending gauge shows it), `connectionError` or `poolClosed`;
 * - commands, from a `pymongo.monitoring.CommandListener`:
 *   - `mongodb_client_commands_total{command,status}`: `status="success"` on `CommandSucceededEvent`,
 *     `status="error"` on `CommandFailedEvent` (network errors, timeouts, `ok: 0` answers such as
 *     NotWritablePrimary). A write rejected with `writeErrors` (a duplicate key) is an `ok: 1` answer, so
 *     it counts as a success: the database answered, the application's request was wrong;
 *   - `mongodb_client_command_duration_seconds{command}`: the events' `duration_micros` / 1e6.
 *
 * Keep `command` to the command name (`find`, `insert`, `aggregate`, ...), never the filter or the
 * collection of a multi-tenant database, or the series multiply.
 */
export const MONGODB_CLIENT_METRICS: readonly MetricDefinition[] = [
  { name: 'mongodb_pool_max_size', type: 'gauge', source: 'application', labels: ['job', 'address'], help: 'maxPoolSize of the driver\'s connection pool to one server.' },
  { name: 'mongodb_pool_checked_out_connections', type: 'gauge', source: 'application', labels: ['job', 'address'], help: 'Connections of the pool in use by an operation right now.' },
  {
    name: 'mongodb_pool_pending_checkouts', type: 'gauge', source: 'application', labels: ['job', 'address'],
    help: 'Operations waiting to check a connection out of the pool (check-out started, neither checked out nor failed yet).',
  },
  {
    name: 'mongodb_pool_checkout_failures_total', type: 'counter', source: 'application', labels: ['job', 'address', 'reason'],
    help: 'Connection check-outs that failed, by reason: timeout, connectionError or poolClosed.',
  },
  {
    name: 'mongodb_client_commands_total', type: 'counter', source: 'application', labels: ['job', 'command', 'status'],
    help: 'MongoDB commands sent by the application, by command name and status: success (the server answered ok: 1) or error (network error, timeout, ok: 0).',
  },
  {
    name: 'mongodb_client_command_duration_seconds', type: 'histogram', source: 'application', labels: ['job', 'command'], buckets: MONGODB_COMMAND_BUCKETS,
    help: 'Duration of MongoDB commands as the application sees them, in seconds.',
  },
];

/** Everything this pack and its dashboard panels read: add it to the service's `metrics`. */
export const MONGODB_METRICS: readonly MetricDefinition[] = [...MONGODB_EXPORTER_METRICS, ...MONGODB_CLIENT_METRICS];

export interface MongoDbConnectionsLevel extends CommonAlertOptions {
  /** Fires while the busiest server has more open connections (`state="current"`) than this. */
  readonly above: number;
}

export interface MongoDbPoolOptions extends CommonAlertOptions {
  /** The workload whose driver pool is watched; it must export MONGODB_CLIENT_METRICS. */
  readonly workload: string;
  /** Fires while more operations than this wait for a connection in one pool (the max over pods and servers). @default 0 */
  readonly above?: number;
}

export interface MongoDbAlertsOptions {
  /** Scrape job of the mongodb_exporter watching this MongoDB (not the application's job). */
  readonly job: string;
  /** For names and texts, e.g. `'MongoDB'`. @default 'MongoDB' */
  readonly title?: string;
  /**
   * The exporter cannot reach MongoDB: `min(mongodb_up{job}) < 1`. When the exporter itself is gone,
   * `mongodb_up` is absent and this stays silent: pair it with `exporterDown`.
   * @default name '<Prefix><Title>Down'
   */
  readonly down?: CommonAlertOptions;
  /** The exporter's target is down or missing: MongoDB is unobserved. @default name '<Prefix><Title>ExporterDown' */
  readonly exporterDown?: CommonAlertOptions;
  /**
   * Open connections of the busiest server, `max(mongodb_connections{job,state="current"}) > n`, at one
   * level or at two (warning and critical, the critical one muting the warning).
   * @default names '<Prefix><Title>TooManyConnections', or '<Prefix><Title>ConnectionsWarning' / '...Critical' with levels
   */
  readonly connections?: MongoDbConnectionsLevel | { readonly levels: TwoLevel<MongoDbConnectionsLevel> };
  /**
   * Operations queue for a pooled connection in the application:
   * `max(mongodb_pool_pending_checkouts{job=<workload's job>}) > n`. @default name '<Prefix><Title>PoolExhausted'
   */
  readonly poolExhausted?: MongoDbPoolOptions;
}

/**
 * MongoDB as a dependency: the server from percona/mongodb_exporter (down, exporter down, open
 * connections) and the application's own driver pool from client-side metrics (exhaustion), which no
 * exporter can see. Add MONGODB_METRICS to the service's metrics. Exporter series are selected by the
 * exporter's job only and pool series by the application's job only, so the rules work on Kubernetes and
 * on plain hosts alike.
 *
 * Why pending checkouts and not `checked_out / max_size`: comparing two gauges needs a ratio no signal
 * kind expresses, and "all connections in use" is only a problem once operations wait for one, which the
 * pending count says directly, whatever maxPoolSize is. The dashboard plots the usage ratio beside it.
 */
export function mongodbAlerts(service: Service, options: MongoDbAlertsOptions): AlertSpec[] {
  const title = checkTitle(service, `alerts.${service.alertPrefix}${namePart(options.title ?? 'MongoDB')}.title`, options.title ?? 'MongoDB');
  const part = namePart(title);
  const job = service.issues.jobName(`alerts.${service.alertPrefix}${part}.job`, options.job);
  const alerts: AlertSpec[] = [];
  if (options.down) alerts.push(downAlert(service, options.down, title, part, job));
  if (options.exporterDown) alerts.push(exporterDownAlert(service, options.exporterDown, title, part, job));
  const connections = options.connections;
  if (isRecord(connections) && 'levels' in connections) {
    alerts.push(...twoLevelAlerts(service, { levels: connections.levels }, (level, o) =>
      connectionsAlert(service, o, title, job, `${part}Connections${level === 'warning' ? 'Warning' : 'Critical'}`)));
  } else if (connections !== undefined && service.issues.record(`alerts.${service.alertPrefix}${part}.connections`, connections, false,
    'one connections threshold { above, for, level } or { levels: { warning, critical } }')) {
    alerts.push(connectionsAlert(service, connections, title, job, `${part}TooManyConnections`));
  }
  if (options.poolExhausted) alerts.push(poolExhaustedAlert(service, options.poolExhausted, title, part));
  return alerts;
}

const METRIC_HINT = "add MONGODB_METRICS to the service's metrics";

function downAlert(service: Service, options: CommonAlertOptions, title: string, part: string, job: string): AlertSpec {
  const name = alertName(service, options.name, `${part}Down`);
  requireMetric(service, `alerts.${name}.metric`, 'mongodb_up', 'gauge', METRIC_HINT);
  return buildAlert(service, options, {
    name,
    group: 'mongodb',
    signal: { kind: 'gaugeThreshold', series: series('mongodb_up', eq('job', job)), aggregation: 'min', by: [], threshold: 1, comparator: '<', unit: 'none' },
    summary: `${title} is down`,
    description: `mongodb_exporter (job ${job}) cannot connect to ${title}: every reader and writer of ${title} gets errors.`,
    runbook: {
      meaning: `The exporter of job \`${job}\` cannot connect to ${title}: the server is stopped, restarting, electing a new primary, or unreachable. ` +
        `Everything that reads or writes ${title} fails or hangs until the driver's server selection times out.`,
      why: '`mongodb_up` is 0 only when the exporter tried and failed; a single failed scrape can be a restart or an election, so the condition must hold for the `for` duration.',
      diagnose: [
        'Does it answer? `mongosh "<uri>" --eval "db.adminCommand(\'ping\')"` (expect `{ ok: 1 }`).',
        'Is there a primary? `mongosh "<uri>" --eval "rs.status().members.map(m => [m.name, m.stateStr])"`; on Atlas, the cluster\'s overview and the status page https://status.mongodb.com/.',
        'Read the server\'s last log lines (out of memory, disk full, failed election); on Kubernetes `kubectl logs <mongodb pod> --tail=100`.',
      ],
      act: [
        'Restart or fail over the server if it is hung, and watch `mongodb_up` come back.',
        'If the disk or memory is full, free or add space before restarting, or it will fall over again.',
      ],
    },
  });
}

function exporterDownAlert(service: Service, options: CommonAlertOptions, title: string, part: string, job: string): AlertSpec {
  const name = alertName(service, options.name, `${part}ExporterDown`);
  return buildAlert(service, options, {
    name,
    group: 'mongodb',
    signal: { kind: 'targetDown', job },
    summary: `${title} exporter is down: ${title} is not observed`,
    description: `Prometheus cannot scrape job ${job} (target down or missing): no ${title} server alert can fire until it is back.`,
    runbook: {
      meaning: `Prometheus cannot scrape the mongodb_exporter of job \`${job}\`. ${title} itself may be fine, but its down and connection alerts cannot fire and its server panels are empty.`,
      why: 'A missing target counts as down too (a removed exporter must not look healthy); the `for` skips exporter restarts.',
      diagnose: [
        'Is the exporter running? `kubectl get pods -A -l app.kubernetes.io/name=prometheus-mongodb-exporter` or `docker ps --filter name=mongodb-exporter`.',
        'Does it answer? `curl -s http://<exporter>:9216/metrics | grep mongodb_up`',
        `Is the scrape job \`${job}\` still among Prometheus's targets (Status > Targets)?`,
      ],
      act: ['Restart the exporter; fix its connection string or credentials (it needs the clusterMonitor role) or the scrape configuration if the target vanished.'],
    },
  });
}

function connectionsAlert(service: Service, options: MongoDbConnectionsLevel, title: string, job: string, suffix: string): AlertSpec {
  const name = alertName(service, options.name, suffix);
  requireMetric(service, `alerts.${name}.metric`, 'mongodb_connections', 'gauge', METRIC_HINT);
  const above = service.issues.positiveNumber(`alerts.${name}.above`, options.above);
  return buildAlert(service, options, {
    name,
    group: 'mongodb',
    signal: {
      kind: 'gaugeThreshold', series: series('mongodb_connections', eq('job', job), eq('state', 'current')),
      aggregation: 'max', by: [], threshold: above, comparator: '>', unit: 'none',
    },
    summary: `${title} has more than ${above} open connections`,
    description: `The busiest ${title} server has {{ $value | humanize }} open connections (threshold ${above}).`,
    runbook: {
      meaning: `A ${title} server holds more than ${above} open connections. Each costs the server memory (about 1 MiB) and a thread; ` +
        'a steady climb usually means clients open more pools (more pods, bigger maxPoolSize) or leak connections.',
      why: 'The count of the busiest server (`max` over the exporter\'s instances), held for the `for` duration so that a deploy, which briefly runs old and new pods side by side, does not fire it.',
      diagnose: [
        `Per server: \`mongodb_connections{job="${job}",state="current"}\` and what is still allowed: \`mongodb_connections{job="${job}",state="available"}\`.`,
        'Who holds them: `mongosh "<uri>" --eval "db.currentOp(true).inprog.reduce((a, o) => { a[o.client] = (a[o.client] || 0) + 1; return a }, {})"`, or Atlas: Metrics > Connections.',
        'Compare with the number of application pods times their maxPoolSize: an autoscaler adding pods multiplies the connections.',
      ],
      act: [
        'Restart the client that leaks connections (its pod), which frees them at once.',
        'Lower maxPoolSize or the maximum replica count of the clients, or scale the server up (a bigger tier allows more connections).',
      ],
    },
  });
}

function poolExhaustedAlert(service: Service, options: MongoDbPoolOptions, title: string, part: string): AlertSpec {
  const { issues } = service;
  const name = alertName(service, options.name, `${part}PoolExhausted`);
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  requireMetric(service, `alerts.${name}.metric`, 'mongodb_pool_pending_checkouts', 'gauge', METRIC_HINT);
  const raw = options.above ?? 0;
  const ok = typeof raw === 'number' && Number.isFinite(raw) && raw >= 0;
  issues.check(ok, `alerts.${name}.above`, raw, 'a number of waiting operations, 0 or more (0 fires when any operation waits)');
  const above = ok ? raw : 0;
  const job = workload.job;
  return buildAlert(service, options, {
    name,
    group: 'mongodb',
    signal: {
      kind: 'gaugeThreshold', series: series('mongodb_pool_pending_checkouts', eq('job', job)),
      aggregation: 'max', by: [], threshold: above, comparator: '>', unit: 'none',
    },
    summary: `${service.title}: ${title} connection pool exhausted`,
    description: `Up to {{ $value | humanize }} operations of ${workload.name} wait for a ${title} connection: every pooled connection is in use (threshold ${above}).`,
    runbook: {
      meaning: `Every connection of ${workload.name}'s ${title} pool is checked out and operations queue for one. Requests that touch ${title} hang until a connection frees up ` +
        'or the driver\'s wait timeout fails them, so latency climbs and errors follow.',
      why: `With an idle connection at hand a check-out takes microseconds, so operations still waiting on every scrape for the \`for\` duration mean the pool is full, ` +
        `whatever maxPoolSize is. Measured in the application (\`${job}\`), which owns the pool; the server-side connection count cannot see it.`,
      diagnose: [
        `Pool use per pod: \`sum by (instance) (mongodb_pool_checked_out_connections{job="${job}"}) / sum by (instance) (mongodb_pool_max_size{job="${job}"})\``,
        `Slow commands hold connections longer: \`histogram_quantile(0.95, sum by (le, command) (rate(mongodb_client_command_duration_seconds_bucket{job="${job}"}[5m])))\`; on Atlas, Performance Advisor > Slow Queries.`,
        `Check-outs failing: \`sum by (reason) (rate(mongodb_pool_checkout_failures_total{job="${job}"}[5m]))\``,
        `Server-side connections: \`mongodb_connections{state="current"}\` (a server at its connection limit refuses new pool connections too).`,
      ],
      act: [
        `Restart the affected pods (\`kubectl rollout restart ${workload.kind.toLowerCase()}/${workload.name} -n ${service.namespace}\`): it releases every connection of their pools.`,
        'If slow commands hold the connections, add the missing index before anything else.',
        'Raise maxPoolSize in the client only if the server has room for pods x maxPoolSize connections; otherwise scale the server up first.',
      ],
    },
  });
}
