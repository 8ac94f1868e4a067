import type { AlertSpec } from '../../lib/core/alert.js';
import type { MetricDefinition, MetricSource } from '../../lib/core/metric-catalog.js';
import type { Service } from '../../lib/core/service.js';
import { roundFloat, type DurationText, type MemoryText, type PercentText } from '../../lib/core/units.js';
import { eq } from '../../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from '../alert-options.js';
import { checkTitle, eventCount, namePart, requireMetric, series, shareThreshold } from '../pack-support.js';

/**
 * `MetricSource` has no value for third-party exporters yet; `prometheus` marks these series as scraped
 * by Prometheus from something other than the service's own code, so nothing generated from the
 * catalog's `application` metrics (the planned prom-client kit) ever emits them.
 */
const EXPORTER: MetricSource = 'prometheus';

/**
 * What oliver006/redis_exporter (the usual Redis exporter, port 9121) exposes and this pack and its
 * dashboard panels use. The exporter adds no labels of its own for a single Redis; `job` and `instance`
 * come from the scrape.
 */
export const REDIS_METRICS: readonly MetricDefinition[] = [
  { name: 'redis_up', type: 'gauge', source: EXPORTER, labels: ['job', 'instance'], help: '1 if the exporter could reach Redis at its last scrape, else 0.' },
  { name: 'redis_memory_used_bytes', type: 'gauge', source: EXPORTER, labels: ['job', 'instance'], help: 'Memory allocated by Redis (INFO memory used_memory).' },
  { name: 'redis_memory_max_bytes', type: 'gauge', source: EXPORTER, labels: ['job', 'instance'], help: 'The maxmemory setting; 0 when unlimited.' },
  { name: 'redis_evicted_keys_total', type: 'counter', source: EXPORTER, labels: ['job', 'instance'], help: 'Keys evicted because maxmemory was reached.' },
  { name: 'redis_rejected_connections_total', type: 'counter', source: EXPORTER, labels: ['job', 'instance'], help: 'Connections refused because maxclients was reached.' },
  { name: 'redis_connected_clients', type: 'gauge', source: EXPORTER, labels: ['job', 'instance'], help: 'Client connections currently open.' },
  { name: 'redis_config_maxclients', type: 'gauge', source: EXPORTER, labels: ['job', 'instance'], help: 'The maxclients setting.' },
  { name: 'redis_keyspace_hits_total', type: 'counter', source: EXPORTER, labels: ['job', 'instance'], help: 'Key lookups that found the key.' },
  { name: 'redis_keyspace_misses_total', type: 'counter', source: EXPORTER, labels: ['job', 'instance'], help: 'Key lookups that did not find the key.' },
  { name: 'redis_commands_processed_total', type: 'counter', source: EXPORTER, labels: ['job', 'instance'], help: 'Commands processed by Redis.' },
];

export interface RedisEventAlertOptions extends CommonAlertOptions {
  /** Fires when more events than this happened within the window; 0 fires on any. @default 0 */
  readonly above?: number;
  /** @default '10m' */
  readonly window?: DurationText;
}

export interface RedisMemoryAlertOptions extends CommonAlertOptions {
  /**
   * Redis's `maxmemory` as configured (`redis-cli CONFIG GET maxmemory`). The alert compares used
   * memory with a share of this number, so it must be kept equal to the real setting.
   */
  readonly maxmemory: MemoryText;
  /** Share of `maxmemory`, e.g. `'90%'`; below 100%. */
  readonly above: PercentText;
}

export interface RedisAlertsOptions {
  /** Scrape job of the redis_exporter that watches this Redis (not the application's job). */
  readonly job: string;
  /** For names and texts, e.g. `'Redis'` or `'session cache'`. @default 'Redis' */
  readonly title?: string;
  /**
   * The exporter cannot reach Redis: `min(redis_up{job}) < 1`. When the exporter itself is gone,
   * `redis_up` is absent and this stays silent: pair it with `exporterDown`.
   * @default name '<Prefix><Title>Down'
   */
  readonly down?: CommonAlertOptions;
  /** The exporter's target is down or missing: Redis is unobserved. @default name '<Prefix><Title>ExporterDown' */
  readonly exporterDown?: CommonAlertOptions;
  /** Keys evicted at maxmemory: `sum(increase(redis_evicted_keys_total{job}[w])) > n`. @default name '<Prefix><Title>EvictingKeys' */
  readonly evictions?: RedisEventAlertOptions;
  /** Connections refused at maxclients: `sum(increase(redis_rejected_connections_total{job}[w])) > n`. @default name '<Prefix><Title>RejectingConnections' */
  readonly rejectedConnections?: RedisEventAlertOptions;
  /** Used memory above a share of the stated maxmemory. @default name '<Prefix><Title>MemoryHigh' */
  readonly memory?: RedisMemoryAlertOptions;
}

/**
 * Redis as a dependency, from redis_exporter (add REDIS_METRICS to the service's metrics). Everything is
 * selected by the exporter's job only, so the rules work on Kubernetes and on docker-compose alike.
 *
 * Saturation shows three ways, depending on how Redis is configured: with an eviction policy, keys are
 * evicted at maxmemory (cached data and, worse, rate-limit or session keys disappear early); with
 * `noeviction`, writes fail with OOM errors, which only the memory alert sees coming; at maxclients, new
 * connections are refused. The memory alert needs maxmemory stated in the stack: comparing
 * `redis_memory_used_bytes` with `redis_memory_max_bytes` needs a ratio of two gauges, which no signal
 * kind expresses yet (the dashboard panel does it).
 */
export function redisAlerts(service: Service, options: RedisAlertsOptions): AlertSpec[] {
  const { issues } = service;
  const title = checkTitle(service, `alerts.${service.alertPrefix}${namePart(options.title ?? 'Redis')}.title`, options.title ?? 'Redis');
  const part = namePart(title);
  const job = service.issues.jobName(`alerts.${service.alertPrefix}${part}.job`, options.job);
  const byJob = eq('job', job);
  const alerts: AlertSpec[] = [];
  const metricHint = 'add REDIS_METRICS to the service\'s metrics';

  if (options.down) {
    const name = alertName(service, options.down.name, `${part}Down`);
    requireMetric(service, `alerts.${name}.metric`, 'redis_up', 'gauge', metricHint);
    alerts.push(buildAlert(service, options.down, {
      name,
      group: 'redis',
      signal: { kind: 'gaugeThreshold', series: series('redis_up', byJob), aggregation: 'min', by: [], threshold: 1, comparator: '<', unit: 'none' },
      summary: `${title} is down`,
      description: `redis_exporter (job ${job}) cannot reach ${title}: every client of ${title} gets connection errors.`,
      runbook: {
        meaning: `The exporter of job \`${job}\` cannot connect to ${title}: Redis is stopped, restarting, out of memory or unreachable. Everything using it (cache, rate limits, sessions, queues) fails or falls back.`,
        why: '`redis_up` is 0 only when the exporter tried and failed; one failed scrape can be a restart, so the condition must hold for the `for` duration.',
        diagnose: [
          'Is Redis running, and since when? `docker ps --filter name=redis` or `kubectl get pods -l app.kubernetes.io/name=redis` (restarts, OOMKilled).',
          'Does it answer? `redis-cli -h <host> ping` (expect PONG); `LOADING` means it is still loading its dataset after a restart.',
          'Read its last log lines (out of memory, disk full for persistence, failed fork).',
        ],
        act: [
          'Restart Redis if it is stopped or hung, and watch `redis_up` come back.',
          'If it was killed for memory, give it more memory or set maxmemory with an eviction policy before restarting.',
        ],
      },
    }));
  }

  if (options.exporterDown) {
    const name = alertName(service, options.exporterDown.name, `${part}ExporterDown`);
    alerts.push(buildAlert(service, options.exporterDown, {
      name,
      group: 'redis',
      signal: { kind: 'targetDown', job },
      summary: `${title} exporter is down: ${title} is not observed`,
      description: `Prometheus cannot scrape job ${job} (target down or missing): no ${title} alert can fire until it is back.`,
      runbook: {
        meaning: `Prometheus cannot scrape the redis_exporter of job \`${job}\`. ${title} itself may be fine, but none of its alerts can fire and its dashboard panels are empty.`,
        why: 'A missing target counts as down too (a removed exporter must not look healthy); the `for` skips exporter restarts.',
        diagnose: [
          'Is the exporter running? `docker ps --filter name=redis-exporter` or `kubectl get pods -l app.kubernetes.io/name=redis-exporter`.',
          'Does it answer? `curl -s http://<exporter>:9121/metrics | grep redis_up`',
          `Is the scrape job \`${job}\` still in Prometheus's configuration (Status > Targets)?`,
        ],
        act: ['Restart the exporter; fix the scrape configuration if the target vanished from it.'],
      },
    }));
  }

  if (options.evictions) {
    const o = options.evictions;
    const name = alertName(service, o.name, `${part}EvictingKeys`);
    requireMetric(service, `alerts.${name}.metric`, 'redis_evicted_keys_total', 'counter', metricHint);
    const above = eventCount(service, `alerts.${name}.above`, o.above ?? 0);
    const window = issues.duration(`alerts.${name}.window`, o.window ?? '10m');
    alerts.push(buildAlert(service, o, {
      name,
      group: 'redis',
      signal: { kind: 'counterIncrease', series: series('redis_evicted_keys_total', byJob), window, threshold: above, by: [] },
      summary: `${title} is evicting keys: memory is full`,
      description: `${title} evicted {{ $value | humanize }} keys in the last ${window.text} (threshold ${above}): it has reached maxmemory.`,
      runbook: {
        meaning: `${title} reached its maxmemory and deletes keys to make room. Cached data is recomputed (more load on what the cache protects), and keys that must not vanish early (rate limits, sessions, locks) may be lost.`,
        why: `Any eviction in ${window.text} means Redis is at its limit${above > 0 ? `; up to ${above} evictions are tolerated` : ''}. For a pure LRU cache, evictions can be normal: raise the threshold rather than ignore the alert.`,
        diagnose: [
          'Memory and policy: `redis-cli INFO memory` (used_memory_human, maxmemory_human, maxmemory_policy).',
          'Which keys take the space: `redis-cli --bigkeys` and `redis-cli INFO keyspace`; keys without TTL grow forever.',
          `Eviction rate over time: \`sum(rate(redis_evicted_keys_total{job="${job}"}[5m]))\``,
        ],
        act: [
          'Give Redis more memory (raise maxmemory, and the container limit with it) if the data set grew for good.',
          'Add TTLs to keys that have none, or move data that must not be evicted to a Redis without eviction.',
        ],
      },
    }));
  }

  if (options.rejectedConnections) {
    const o = options.rejectedConnections;
    const name = alertName(service, o.name, `${part}RejectingConnections`);
    requireMetric(service, `alerts.${name}.metric`, 'redis_rejected_connections_total', 'counter', metricHint);
    const above = eventCount(service, `alerts.${name}.above`, o.above ?? 0);
    const window = issues.duration(`alerts.${name}.window`, o.window ?? '10m');
    alerts.push(buildAlert(service, o, {
      name,
      group: 'redis',
      signal: { kind: 'counterIncrease', series: series('redis_rejected_connections_total', byJob), window, threshold: above, by: [] },
      summary: `${title} is refusing connections: maxclients reached`,
      description: `${title} refused {{ $value | humanize }} connections in the last ${window.text} (threshold ${above}): maxclients is reached.`,
      runbook: {
        meaning: `${title} has as many clients as maxclients allows and refuses new connections; the application's Redis calls fail.`,
        why: `A healthy Redis never refuses a connection, so any refusal in ${window.text} is worth a look${above > 0 ? ` (up to ${above} tolerated)` : ''}.`,
        diagnose: [
          `Clients against the limit: \`max(redis_connected_clients{job="${job}"})\` and \`max(redis_config_maxclients{job="${job}"})\``,
          'Who holds the connections: `redis-cli CLIENT LIST` (many idle connections from one host point at a connection-pool leak).',
        ],
        act: [
          'Restart the client that leaks connections, or cap its connection pool.',
          'Raise maxclients only if the connections are all in use.',
        ],
      },
    }));
  }

  if (options.memory) {
    const o = options.memory;
    const name = alertName(service, o.name, `${part}MemoryHigh`);
    requireMetric(service, `alerts.${name}.metric`, 'redis_memory_used_bytes', 'gauge', metricHint);
    const maxmemory = issues.memory(`alerts.${name}.maxmemory`, o.maxmemory);
    const share = shareThreshold(service, `alerts.${name}.above`, o.above);
    const bytes = Math.floor(roundFloat(maxmemory.bytes * share.value));
    alerts.push(buildAlert(service, o, {
      name,
      group: 'redis',
      signal: { kind: 'gaugeThreshold', series: series('redis_memory_used_bytes', byJob), aggregation: 'max', by: [], threshold: bytes, comparator: '>', unit: 'bytes' },
      summary: `${title} uses more than ${share} of its ${maxmemory.text} maxmemory`,
      description: `${title} uses {{ $value | humanize }}B, more than ${share} of its maxmemory (${maxmemory.text}).`,
      runbook: {
        meaning: `${title} uses more than ${share} of its maxmemory (${maxmemory.text}). At the limit it evicts keys or, with \`noeviction\`, refuses writes with OOM errors.`,
        why: `${share} of ${maxmemory.text} (${bytes} bytes) leaves room to act before the limit. The threshold is computed from the maxmemory stated in the stack, which must match \`CONFIG GET maxmemory\`.`,
        diagnose: [
          'Memory and policy: `redis-cli INFO memory` (used_memory_human, maxmemory_human, maxmemory_policy, mem_fragmentation_ratio).',
          'Which keys take the space: `redis-cli --bigkeys`; keys without TTL grow forever.',
        ],
        act: [
          'Delete or expire data that is no longer needed (cache prefixes first), or raise maxmemory and the container limit.',
          'If maxmemory changed, update it in the stack too, so this alert keeps measuring against the real limit.',
        ],
      },
    }));
  }
  return alerts;
}
