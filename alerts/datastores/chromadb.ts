import type { AlertSpec } from '../../lib/core/alert.js';
import type { MetricDefinition } from '../../lib/core/metric-catalog.js';
import type { Service } from '../../lib/core/service.js';
import type { DurationText, PercentText } from '../../lib/core/units.js';
import { eq } from '../../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from '../alert-options.js';
import { histogramLatencyAlert } from '../histogram-latency.js';
import { checkTitle, namePart, requireMetric, series, shareThreshold } from '../pack-support.js';

export const CHROMADB_REQUESTS_METRIC = 'chromadb_requests_total';
export const CHROMADB_DURATION_METRIC = 'chromadb_request_duration_seconds';

/**
 * Seconds. A vector query on a warm collection answers in milliseconds; embedding the query text,
 * large `n_results` or a cold collection take seconds.
 */
export const CHROMADB_LATENCY_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Client-side metrics of calls to ChromaDB, recorded by the application around every call of its
 * ChromaDB client (`chromadb.HttpClient`): the ChromaDB server has no Prometheus endpoint of its own
 * (it exports OpenTelemetry traces only), and only the caller sees connection failures. Labels:
 *
 * - `operation`: the client method, e.g. `query`, `add`, `upsert`, `get`, `delete`, `heartbeat`;
 * - `status`: `success` when the call returned (an empty result included), `error` when it raised
 *   (connection refused, timeout, an HTTP 5xx from the server, a missing collection).
 *
 * With the Python client:
 *
 *   CHROMA_REQUESTS = Counter('chromadb_requests', '...', ['operation', 'status'])   # exposed as chromadb_requests_total
 *   CHROMA_DURATION = Histogram('chromadb_request_duration_seconds', '...', ['operation'], buckets=CHROMADB_LATENCY_BUCKETS)
 */
export function chromadbMetrics(buckets: readonly number[] = CHROMADB_LATENCY_BUCKETS): MetricDefinition[] {
  return [
    {
      name: CHROMADB_REQUESTS_METRIC, type: 'counter', source: 'application', labels: ['job', 'operation', 'status'],
      help: 'Calls to ChromaDB by client operation and status: success (the call returned) or error (it raised: connection, timeout, server error).',
    },
    {
      name: CHROMADB_DURATION_METRIC, type: 'histogram', source: 'application', labels: ['job', 'operation'], buckets,
      help: 'Duration of calls to ChromaDB as the application sees them, in seconds.',
    },
  ];
}

export interface ChromaDbFailureOptions extends CommonAlertOptions {
  /** Share of failed calls, e.g. `'50%'`; below 100%. */
  readonly above: PercentText;
  /** @default '5m' */
  readonly window?: DurationText;
}

export interface ChromaDbLatencyOptions extends CommonAlertOptions {
  /** Must be a bucket bound of `chromadb_request_duration_seconds` (CHROMADB_LATENCY_BUCKETS by default). */
  readonly above: DurationText;
  /** @default 0.95 */
  readonly quantile?: number;
  /** @default '5m' */
  readonly window?: DurationText;
}

export interface ChromaDbAlertsOptions {
  /** The workload that calls ChromaDB; its job is on the metrics. */
  readonly workload: string;
  /** For names and texts, e.g. `'ChromaDB'` or `'knowledge base'`. @default 'ChromaDB' */
  readonly title?: string;
  /**
   * Share of calls that fail:
   * `sum(rate(chromadb_requests_total{job,status="error"}[w])) / sum(rate(chromadb_requests_total{job}[w])) > t`.
   * Unreachable means every call fails, so a high share (50%) catches it within minutes; a lower one
   * also catches a degraded server. @default name '<Prefix><Title>Unreachable'
   */
  readonly unreachable?: ChromaDbFailureOptions;
  /**
   * A quantile of call duration: `histogram_quantile(q, sum by (le) (rate(chromadb_request_duration_seconds_bucket{job}[w]))) > t`.
   * @default name '<Prefix><Title>Slow'
   */
  readonly slow?: ChromaDbLatencyOptions;
}

/**
 * ChromaDB (a vector store, here the knowledge base of a RAG application) as a dependency, measured on
 * the client side (add `chromadbMetrics()` to the service's metrics). Selected by the calling workload's
 * job, so the rules work on Kubernetes and on plain hosts alike. With no calls the failure share is
 * 0/0 = NaN and stays silent.
 */
export function chromadbAlerts(service: Service, options: ChromaDbAlertsOptions): AlertSpec[] {
  const title = checkTitle(service, `alerts.${service.alertPrefix}${namePart(options.title ?? 'ChromaDB')}.title`, options.title ?? 'ChromaDB');
  const part = namePart(title);
  const workload = service.workload(options.workload, `alerts.${service.alertPrefix}${part}.workload`);
  const job = workload.job;
  const alerts: AlertSpec[] = [];

  if (options.unreachable) {
    const o = options.unreachable;
    const name = alertName(service, o.name, `${part}Unreachable`);
    requireMetric(service, `alerts.${name}.metric`, CHROMADB_REQUESTS_METRIC, 'counter', "add chromadbMetrics() to the service's metrics");
    const threshold = shareThreshold(service, `alerts.${name}.above`, o.above);
    const window = service.issues.duration(`alerts.${name}.window`, o.window ?? '5m');
    alerts.push(buildAlert(service, o, {
      name,
      group: 'chromadb',
      signal: {
        kind: 'counterRatio',
        numerator: series(CHROMADB_REQUESTS_METRIC, eq('job', job), eq('status', 'error')),
        denominator: series(CHROMADB_REQUESTS_METRIC, eq('job', job)),
        window, threshold, comparator: '>',
      },
      summary: `${title} calls failing: more than ${threshold} errors`,
      description: `{{ $value | humanizePercentage }} of the calls from ${workload.name} to ${title} over the last ${window.text} failed (threshold ${threshold}).`,
      runbook: {
        meaning: `More than ${threshold} of the calls from ${workload.name} to ${title} fail: the server is down, unreachable or erroring. ` +
          'Answers that need the knowledge base lose their retrieved context (or fail, if the application does not degrade).',
        why: `Failed calls over all calls, measured in the client (\`${job}\`), the only place that sees connection failures. ` +
          `${window.text} of calls smooths single errors; with no calls the ratio is undefined and stays silent.`,
        diagnose: [
          `Which operations fail: \`sum by (operation) (rate(${CHROMADB_REQUESTS_METRIC}{job="${job}",status="error"}[5m]))\``,
          'Is the server up? `curl -s http://<chromadb>:8000/api/v2/heartbeat` (`/api/v1/heartbeat` on older servers); on Kubernetes `kubectl get pods -l app.kubernetes.io/name=chromadb`.',
          `Read the application's errors for ${title} (connection refused, timeouts, missing collection) and the server's last log lines (disk full, corrupted collection).`,
        ],
        act: [
          'Restart the ChromaDB server if it is hung, and watch the failure share fall.',
          'A corrupted collection (errors on one collection only): back up the data directory, delete the collection and re-ingest its documents.',
        ],
      },
    }));
  }

  if (options.slow) {
    const o = options.slow;
    const name = alertName(service, o.name, `${part}Slow`);
    requireMetric(service, `alerts.${name}.metric`, CHROMADB_DURATION_METRIC, 'histogram', "add chromadbMetrics() to the service's metrics");
    alerts.push(histogramLatencyAlert(service, {
      ...o, name, workload: workload.name, metric: CHROMADB_DURATION_METRIC, group: 'chromadb', subject: `${title} call`,
    }, {
      meaning: `Calls from ${workload.name} to ${title} are slow; every answer that retrieves context waits at least as long.`,
      why: `The quantile comes from the buckets of ${CHROMADB_DURATION_METRIC}, so the threshold is a bucket bound and exact; ${o.for} of persistence skips single heavy queries.`,
      diagnose: [
        `Which operation is slow: \`histogram_quantile(0.95, sum by (le, operation) (rate(${CHROMADB_DURATION_METRIC}_bucket{job="${job}"}[5m])))\``,
        'Check the server\'s CPU, memory and disk: a collection that no longer fits in memory is read from disk on every query.',
        'Compare with ingestion: a large ingest running at the same time competes with queries.',
      ],
      act: [
        'Pause bulk ingestion until queries are fast again.',
        'Give the ChromaDB server more memory, or lower `n_results` in the application\'s queries.',
      ],
    }));
  }
  return alerts;
}
