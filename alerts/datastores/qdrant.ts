import type { AlertSpec } from '../../lib/core/alert.js';
import type { MetricDefinition, MetricSource } from '../../lib/core/metric-catalog.js';
import type { Service } from '../../lib/core/service.js';
import type { DurationText, PercentText } from '../../lib/core/units.js';
import { eq, re } from '../../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from '../alert-options.js';
import { checkTitle, namePart, requireMetric, series, shareThreshold } from '../pack-support.js';

/** Scraped from Qdrant itself, not the service's code; see the note on EXPORTER in redis.ts. */
const QDRANT: MetricSource = 'prometheus';

/**
 * What Qdrant's own `/metrics` (port 6333) exposes and this pack uses, per the Qdrant documentation
 * (Monitoring & Telemetry) and `src/common/metrics.rs`. Without a configured `service.metrics_prefix`
 * (v1.16+) the names carry no prefix. `rest_responses_total` is labelled by `method`, `endpoint` (the
 * route template) and `status` (the HTTP code); `collection_dead_replicas` exists from v1.16.
 */
export const QDRANT_METRICS: readonly MetricDefinition[] = [
  { name: 'app_status_recovery_mode', type: 'gauge', source: QDRANT, labels: ['job', 'instance'], help: '1 if Qdrant started in recovery mode (it then refuses most operations).' },
  { name: 'collections_total', type: 'gauge', source: QDRANT, labels: ['job', 'instance'], help: 'Number of collections.' },
  { name: 'collection_dead_replicas', type: 'gauge', source: QDRANT, labels: ['job', 'instance'], help: 'Shard replicas that are not active, over all collections (v1.16+).' },
  {
    name: 'rest_responses_total', type: 'counter', source: QDRANT, labels: ['job', 'instance', 'method', 'endpoint', 'status'],
    help: 'Responses of the REST API by method, endpoint (route template) and HTTP status.',
  },
  { name: 'memory_resident_bytes', type: 'gauge', source: QDRANT, labels: ['job', 'instance'], help: 'Bytes in physically resident data pages (jemalloc).' },
];

export interface QdrantErrorAlertOptions extends CommonAlertOptions {
  /** Share of REST responses that are 5xx, e.g. `'5%'`; below 100%. */
  readonly above: PercentText;
  /** @default '5m' */
  readonly window?: DurationText;
}

export interface QdrantAlertsOptions {
  /** Scrape job of Qdrant's `/metrics`. */
  readonly job: string;
  /** For names and texts. @default 'Qdrant' */
  readonly title?: string;
  /** Qdrant's target is down or missing. @default name '<Prefix><Title>Down' */
  readonly down?: CommonAlertOptions;
  /** Share of REST responses with a 5xx status. @default name '<Prefix><Title>HighErrorRate' */
  readonly errors?: QdrantErrorAlertOptions;
  /** `max(app_status_recovery_mode{job}) > 0`. @default name '<Prefix><Title>RecoveryMode' */
  readonly recoveryMode?: CommonAlertOptions;
  /** `max(collection_dead_replicas{job}) > 0` (Qdrant v1.16+, matters with replication). @default name '<Prefix><Title>DeadReplicas' */
  readonly deadReplicas?: CommonAlertOptions;
}

/**
 * Qdrant as a dependency, from its own `/metrics` (add QDRANT_METRICS to the service's metrics):
 *
 * - down: `up{job} == 0 or absent(up{job})`: nothing answers on the metrics port, so searches fail too;
 * - errors: `sum(rate(rest_responses_total{job,status=~"5.."}[w])) / sum(rate(rest_responses_total{job}[w]))`.
 *   Not `rest_responses_fail_total`, which also counts 4xx (a missing collection, a bad filter): those
 *   are the client's mistakes and show in the application's own errors. No requests: NaN, silent;
 * - recovery mode: Qdrant started with `QDRANT__STORAGE__RECOVERY_MODE` (after running out of memory)
 *   and refuses most operations until restarted normally;
 * - dead replicas: a shard replica is not active, so a cluster has lost redundancy or data is unavailable.
 *
 * Left out: latency. Qdrant's `rest_responses_duration_seconds` histogram (v1.8+) has buckets the
 * documentation does not list, and thresholds must be bucket bounds; the avg/min/max gauges are per
 * process lifetime and cannot say how slow the last minutes were. The application's own client-side
 * timing of its Qdrant calls is the better latency signal.
 */
export function qdrantAlerts(service: Service, options: QdrantAlertsOptions): AlertSpec[] {
  const { issues } = service;
  const title = checkTitle(service, `alerts.${service.alertPrefix}${namePart(options.title ?? 'Qdrant')}.title`, options.title ?? 'Qdrant');
  const part = namePart(title);
  const job = service.issues.jobName(`alerts.${service.alertPrefix}${part}.job`, options.job);
  const byJob = eq('job', job);
  const metricHint = 'add QDRANT_METRICS to the service\'s metrics';
  const alerts: AlertSpec[] = [];

  if (options.down) {
    const name = alertName(service, options.down.name, `${part}Down`);
    alerts.push(buildAlert(service, options.down, {
      name,
      group: 'qdrant',
      signal: { kind: 'targetDown', job },
      summary: `${title} is down`,
      description: `Prometheus cannot scrape job ${job} (target down or missing): ${title} is not answering, so vector searches fail.`,
      runbook: {
        meaning: `Prometheus cannot scrape ${title} (job \`${job}\`): it is stopped, restarting, or unreachable on its HTTP port. Vector searches (retrieval, RAG) fail or time out.`,
        why: 'The metrics endpoint is served by the same HTTP server as the REST API, so a failed scrape that lasts the `for` duration means the API is unreachable too. A missing target counts as down.',
        diagnose: [
          'Is Qdrant running, and since when? `kubectl get pods -l app.kubernetes.io/name=qdrant` or `docker ps --filter name=qdrant` (restarts, OOMKilled).',
          'Does it answer? `curl -s http://<qdrant>:6333/readyz` and `curl -s http://<qdrant>:6333/healthz`',
          'Read its last log lines: out of memory, disk full, storage or WAL errors while loading collections.',
        ],
        act: [
          'Restart Qdrant if it is hung; if it was OOM-killed, give it more memory (vectors and HNSW graphs live in RAM unless on-disk storage is configured).',
          'If the disk is full, free or grow the volume before restarting.',
        ],
      },
    }));
  }

  if (options.errors) {
    const o = options.errors;
    const name = alertName(service, o.name, `${part}HighErrorRate`);
    requireMetric(service, `alerts.${name}.metric`, 'rest_responses_total', 'counter', metricHint);
    const threshold = shareThreshold(service, `alerts.${name}.above`, o.above);
    const window = issues.duration(`alerts.${name}.window`, o.window ?? '5m');
    alerts.push(buildAlert(service, o, {
      name,
      group: 'qdrant',
      signal: {
        kind: 'counterRatio',
        numerator: series('rest_responses_total', byJob, re('status', '5..')),
        denominator: series('rest_responses_total', byJob),
        window, threshold, comparator: '>',
      },
      summary: `${title} REST API errors above ${threshold}`,
      description: `{{ $value | humanizePercentage }} of ${title} REST responses over the last ${window.text} are 5xx (threshold ${threshold}).`,
      runbook: {
        meaning: `More than ${threshold} of ${title}'s REST responses are server errors: searches or writes of the application fail.`,
        why: '5xx over all REST responses, as Qdrant counts them; 4xx (missing collection, bad request) are left to the application. With no requests the ratio is undefined and stays silent.',
        diagnose: [
          `Which endpoints fail: \`sum by (endpoint, status) (rate(rest_responses_total{job="${job}",status=~"5.."}[5m]))\``,
          'Read Qdrant\'s logs around the errors (storage errors, timeouts, out of memory, optimizer failures).',
          'Check collection health: `curl -s http://<qdrant>:6333/collections/<name>` (status green, yellow while optimizing, red on failure).',
        ],
        act: [
          'If one collection is red, recover it from a snapshot; if all fail, restart Qdrant.',
          'If errors follow a write burst, slow the writers down (batch size, concurrency).',
        ],
      },
    }));
  }

  if (options.recoveryMode) {
    const name = alertName(service, options.recoveryMode.name, `${part}RecoveryMode`);
    requireMetric(service, `alerts.${name}.metric`, 'app_status_recovery_mode', 'gauge', metricHint);
    alerts.push(buildAlert(service, options.recoveryMode, {
      name,
      group: 'qdrant',
      signal: { kind: 'gaugeThreshold', series: series('app_status_recovery_mode', byJob), aggregation: 'max', by: [], threshold: 0, comparator: '>', unit: 'none' },
      summary: `${title} runs in recovery mode`,
      description: `${title} (job ${job}) started in recovery mode and refuses most operations until it is restarted normally.`,
      runbook: {
        meaning: `${title} started in recovery mode (\`QDRANT__STORAGE__RECOVERY_MODE\` set, usually after it ran out of memory while loading). It only allows deleting collections; searches and writes fail.`,
        why: 'Recovery mode is a manual, temporary state: any time in it is an outage of the vector store.',
        diagnose: [
          'Check the environment of the Qdrant container for `QDRANT__STORAGE__RECOVERY_MODE`.',
          'Read the logs of the previous run: which collection made it run out of memory.',
        ],
        act: [
          'Free memory (delete or move the oversized collection, or give Qdrant more memory), then restart without recovery mode.',
        ],
      },
    }));
  }

  if (options.deadReplicas) {
    const name = alertName(service, options.deadReplicas.name, `${part}DeadReplicas`);
    requireMetric(service, `alerts.${name}.metric`, 'collection_dead_replicas', 'gauge', metricHint);
    alerts.push(buildAlert(service, options.deadReplicas, {
      name,
      group: 'qdrant',
      signal: { kind: 'gaugeThreshold', series: series('collection_dead_replicas', byJob), aggregation: 'max', by: [], threshold: 0, comparator: '>', unit: 'none' },
      summary: `${title} has shard replicas that are not active`,
      description: `{{ $value }} shard replicas of ${title} (job ${job}) are not active: redundancy is reduced or some data cannot be served.`,
      runbook: {
        meaning: `Some shard replicas of ${title} are dead or partial: a replicated collection runs without its spare copy, and a shard without any active replica cannot be searched.`,
        why: 'A healthy cluster has every replica active; a replica that does not recover within the `for` duration needs a person.',
        diagnose: [
          'Which collections and shards: `curl -s http://<qdrant>:6333/collections/<name>/cluster` (local and remote shards and their state).',
          'Check the peers: `curl -s http://<qdrant>:6333/cluster` (a peer missing from consensus takes its replicas with it).',
        ],
        act: [
          'Bring the missing peer back; if it is gone for good, remove it from the cluster and replicate its shards to another peer.',
        ],
      },
    }));
  }
  return alerts;
}
