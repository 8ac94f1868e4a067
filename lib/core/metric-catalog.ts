/**
 * The metrics a service exports or is measured by, declared once. Alert packs and dashboards look
 * metrics up here, so a latency threshold can be checked against the real histogram buckets and,
 * later, every PromQL selector against known names and labels (and a prom-client kit generated).
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Who exposes the metric: the application itself, or standard exporters every cluster runs. */
export type MetricSource = 'application' | 'cadvisor' | 'kube-state-metrics' | 'prometheus';

export interface MetricDefinition {
  /** Full name as scraped; counters end in `_total`, histograms are named without `_bucket`. */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly source: MetricSource;
  /** Histogram bucket upper bounds in the metric's unit (seconds for durations), ascending, without +Inf. */
  readonly buckets?: readonly number[];
  /**
   * How the exporter really writes the metric's series (when a series exists, which label values are
   * rare or grouped). Optional: {@link expositionOf} fills sound defaults per source and type.
   */
  readonly exposition?: Exposition;
}

/**
 * When a series of a metric exists at all, as its exporter writes it:
 * - `from-start`: from registration (or exporter start) on, at 0 until something happens. Unlabelled
 *   metrics of prometheus_client and prom-client; exporter gauges such as `redis_up`, `pg_up`.
 * - `first-event`: one series per label set, created by its first increment or observation.
 *   prometheus_client creates a child on `.labels(...)` (usually with the first `.inc()`), prom-client on
 *   the first `inc({...})`/`observe({...})`: `http_requests_total{status="500"}` does not exist before
 *   the first 5xx.
 * - `per-entity`: one series per live entity, none when there is none, gone with the entity: rq-exporter's
 *   `rq_workers` (one per registered worker), cAdvisor and kube-state-metrics series (per pod/container),
 *   `up` (per scrape target).
 */
export type SeriesPresence = 'from-start' | 'first-event' | 'per-entity';

/** A label whose values a common client library groups unless told not to. */
export interface GroupedLabel {
  /** The grouped values as the library writes them, e.g. `2xx`, `4xx`, `5xx`. */
  readonly groupedValues: readonly string[];
  /** Who groups them by default, and the setting that stops it. */
  readonly groupedBy: string;
}

export interface Exposition {
  readonly presence: SeriesPresence;
  /** The entity one series stands for (`per-entity`), for messages: `registered RQ worker`, `pod`. */
  readonly entity?: string;
  /**
   * Label values a healthy service may not have produced yet, as anchored RE2 regexes by label: their
   * series are missing until the first such event (`status: '5..'` before the first 5xx).
   */
  readonly rareValues?: Readonly<Record<string, string>>;
  /** Labels whose values libraries group by default (prometheus-fastapi-instrumentator's `status`). */
  readonly grouped?: Readonly<Record<string, GroupedLabel>>;
}

/** Labels Prometheus adds to every scraped series; a metric with no other label has a single series. */
const TARGET_LABELS = new Set(['job', 'instance']);

/**
 * The metric's exposition, with defaults where the catalog says nothing: application metrics with labels
 * of their own appear per label set on first use, without (only `job`/`instance`) from registration;
 * cAdvisor and kube-state-metrics series exist per pod/container and vanish with it; `up` exists per
 * target; other exporters' series (`prometheus` source) exist while the exporter is scraped.
 */
export function expositionOf(metric: MetricDefinition): Exposition {
  if (metric.exposition) return metric.exposition;
  switch (metric.source) {
    case 'cadvisor':
    case 'kube-state-metrics':
      return { presence: 'per-entity', entity: 'pod' };
    case 'prometheus':
      return metric.name === 'up' ? { presence: 'per-entity', entity: 'scrape target' } : { presence: 'from-start' };
    case 'application':
      return { presence: metric.labels.some((l) => !TARGET_LABELS.has(l)) ? 'first-event' : 'from-start' };
  }
}

/** prometheus-fastapi-instrumentator writes `status="2xx"` unless `Instrumentator(should_group_status_codes=False)`. */
export const FASTAPI_GROUPED_STATUS: GroupedLabel = {
  groupedValues: ['1xx', '2xx', '3xx', '4xx', '5xx'],
  groupedBy: 'prometheus-fastapi-instrumentator (`Instrumentator(should_group_status_codes=False)` keeps the codes)',
};

/** Prometheus client_python defaults, which FastAPI instrumentations keep: the services here are FastAPI. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Default histogram buckets of the common client libraries, for the contract's advice and verifyMetrics' messages. */
export const CLIENT_DEFAULT_BUCKETS: Readonly<Record<'prometheus_client' | 'prom-client' | 'prometheus-fastapi-instrumentator', readonly number[]>> = {
  prometheus_client: DEFAULT_LATENCY_BUCKETS,
  'prom-client': [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  // `metrics.default()`'s http_request_duration_seconds (latency_lowr_buckets).
  'prometheus-fastapi-instrumentator': [0.1, 0.5, 1],
};

/** Metrics every Kubernetes cluster with kube-prometheus-stack provides, shared by all services. */
export const PLATFORM_METRICS: readonly MetricDefinition[] = [
  { name: 'up', type: 'gauge', help: '1 if the last scrape of the target succeeded, else 0.', labels: ['job', 'instance'], source: 'prometheus' },
  { name: 'container_cpu_usage_seconds_total', type: 'counter', help: 'Cumulative CPU time consumed per container.', labels: ['namespace', 'pod', 'container'], source: 'cadvisor' },
  { name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set of the container (what the OOM killer looks at).', labels: ['namespace', 'pod', 'container'], source: 'cadvisor' },
  { name: 'container_network_receive_bytes_total', type: 'counter', help: 'Bytes received per pod network interface.', labels: ['namespace', 'pod', 'interface'], source: 'cadvisor' },
  { name: 'container_network_transmit_bytes_total', type: 'counter', help: 'Bytes transmitted per pod network interface.', labels: ['namespace', 'pod', 'interface'], source: 'cadvisor' },
  { name: 'container_fs_reads_bytes_total', type: 'counter', help: 'Bytes read from disk per container.', labels: ['namespace', 'pod', 'container', 'device'], source: 'cadvisor' },
  { name: 'container_fs_writes_bytes_total', type: 'counter', help: 'Bytes written to disk per container.', labels: ['namespace', 'pod', 'container', 'device'], source: 'cadvisor' },
  // Prometheus's own metric (it scrapes itself in kube-prometheus-stack); the SLO meta-alert watches it.
  { name: 'prometheus_rule_group_iterations_missed_total', type: 'counter', help: 'Rule group evaluations skipped because the previous one took longer than the interval.', labels: ['rule_group'], source: 'prometheus' },
  { name: 'kube_pod_container_resource_limits', type: 'gauge', help: 'Resource limit per container (cpu in cores, memory in bytes).', labels: ['namespace', 'pod', 'container', 'resource', 'unit'], source: 'kube-state-metrics' },
];

/**
 * Metrics every official Prometheus client library (prometheus_client, prom-client, client_golang, ...)
 * exports for its own process, on Linux, without any code: the system view of a service that runs
 * outside Kubernetes (no cAdvisor, no kube-state-metrics). Not in every catalog by default: a stack that
 * queries them (`performanceDashboard({ system: 'process' })`) adds them to its service's `metrics`.
 * With several worker processes behind one port (gunicorn, uvicorn `--workers`) each scrape reads
 * whichever worker answered, unless the application aggregates them (prometheus_client multiprocess mode
 * does not export these).
 */
export const PROCESS_METRICS: readonly MetricDefinition[] = [
  { name: 'process_cpu_seconds_total', type: 'counter', help: 'Total user and system CPU time spent by the process, in seconds.', labels: ['job', 'instance'], source: 'application' },
  { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory size of the process, in bytes.', labels: ['job', 'instance'], source: 'application' },
  { name: 'process_open_fds', type: 'gauge', help: 'Number of open file descriptors of the process.', labels: ['job', 'instance'], source: 'application' },
  { name: 'process_max_fds', type: 'gauge', help: 'Maximum number of open file descriptors of the process (its RLIMIT_NOFILE).', labels: ['job', 'instance'], source: 'application' },
];

/** HTTP metrics every service exports (the service contract conventions). */
export function httpMetrics(latencyBuckets: readonly number[] = DEFAULT_LATENCY_BUCKETS): MetricDefinition[] {
  return [
    {
      name: 'http_requests_total', type: 'counter', help: 'HTTP requests served, by handler, method and status code.', labels: ['job', 'handler', 'method', 'status'], source: 'application',
      // A healthy service may not have answered a 4xx or 5xx yet: those label sets appear with the first one.
      exposition: { presence: 'first-event', rareValues: { status: '[45]..' }, grouped: { status: FASTAPI_GROUPED_STATUS } },
    },
    { name: 'http_request_duration_seconds', type: 'histogram', help: 'HTTP request latency in seconds.', labels: ['job', 'handler', 'method'], source: 'application', buckets: latencyBuckets },
  ];
}

/**
 * Requests being served right now (the runbooks' "active connections"), as prometheus-fastapi-instrumentator
 * names it: off by default there (`Instrumentator(should_instrument_requests_inprogress=True)` turns it
 * on; its default `inprogress_labels=False` keeps one unlabelled gauge, at 0 from start-up). The kit in
 * lib/instrument keeps it when a catalog declares it. Not part of httpMetrics(): a service adds it to its
 * `metrics` when it exports it, and the performance dashboard then shows the panel.
 */
export const HTTP_IN_PROGRESS_METRIC: MetricDefinition = {
  name: 'http_requests_inprogress', type: 'gauge', labels: ['job'], source: 'application',
  help: 'HTTP requests being served right now (in progress).',
  exposition: { presence: 'from-start' },
};

export class MetricCatalog {
  private readonly byName: ReadonlyMap<string, MetricDefinition>;

  constructor(readonly metrics: readonly MetricDefinition[]) {
    this.byName = new Map(metrics.map((m) => [m.name, m]));
  }

  find(name: string): MetricDefinition | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}
