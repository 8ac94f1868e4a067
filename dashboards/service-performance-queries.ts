import type { AlertSpec, Signal } from '../lib/core/alert.js';
import type { Service, Workload } from '../lib/core/service.js';
import { Duration, Ratio } from '../lib/core/units.js';
import { eq, ne, num, re, selector, type Matcher } from '../lib/promql/selector.js';
import { valueQuery } from '../lib/promql/signals.js';
import type { PanelQuery } from '../lib/render/grafana/types.js';

/**
 * The PromQL of the performance dashboard, apart from its layout. Wherever an alert watches what a
 * panel plots, the panel plots `valueQuery(alert.signal)` itself, so the line on the dashboard and the
 * alert rule are the same expression; signals nobody alerts on are built the same way, with the
 * default window, so adding the alert later does not change the panel.
 */

/** Rate window of panels no alert decides; 5m covers several scrapes at any usual interval. */
export const DEFAULT_WINDOW = Duration.ofSeconds(300);
export const LATENCY_QUANTILES: readonly number[] = [0.5, 0.9, 0.95, 0.99];
export const HTTP_REQUESTS_METRIC = 'http_requests_total';
export const HTTP_LATENCY_METRIC = 'http_request_duration_seconds';
/**
 * In-flight requests gauge as prometheus-fastapi-instrumentator names it. Not a standard HTTP metric:
 * the panel appears only when a service declares it in its metric catalog.
 */
export const IN_FLIGHT_METRIC = 'http_requests_inprogress';

type SignalOf<K extends Signal['kind']> = Extract<Signal, { readonly kind: K }>;

// `valueQuery` reads neither the threshold nor the buckets; signals built only to be plotted carry these.
const PLOT_ONLY_RATIO = unwrapRatio(Ratio.of(1));
const PLOT_ONLY_DURATION = Duration.ofSeconds(0);

export interface PerformanceQueries {
  readonly cpu: readonly PanelQuery[];
  readonly memory: readonly PanelQuery[];
  readonly network: readonly PanelQuery[];
  readonly disk: readonly PanelQuery[];
  readonly requests: readonly PanelQuery[];
  readonly latency: readonly PanelQuery[];
  readonly errors: readonly PanelQuery[];
  /** Absent when the service's catalog has no in-flight gauge. */
  readonly inFlight?: readonly PanelQuery[];
}

export function performanceQueries(service: Service, workload: Workload, alerts: readonly AlertSpec[]): PerformanceQueries {
  const inFlight = inFlightQueries(service, workload);
  return {
    cpu: resourceQueries(service, workload, alerts, 'cpu'),
    memory: resourceQueries(service, workload, alerts, 'memory'),
    network: networkQueries(service, workload),
    disk: diskQueries(service, workload),
    requests: requestQueries(workload),
    latency: latencyQueries(service, workload, alerts),
    errors: errorQueries(workload, alerts),
    ...(inFlight && { inFlight }),
  };
}

/** Per pod, usage over the container limit: exactly the resourceUtilisation alert's query. */
export function resourceQueries(service: Service, workload: Workload, alerts: readonly AlertSpec[], resource: 'cpu' | 'memory'): PanelQuery[] {
  const watched = signalsOf(alerts, 'resourceUtilisation')
    .filter((s) => s.resource === resource && s.namespace === service.namespace && s.workload.name === workload.name);
  const plotted: SignalOf<'resourceUtilisation'>[] = watched.length > 0 ? watched : [{
    kind: 'resourceUtilisation', resource, namespace: service.namespace, workload, threshold: PLOT_ONLY_RATIO, window: DEFAULT_WINDOW,
  }];
  return distinct(plotted.map((s) => ({ expr: valueQuery(s), legend: '{{pod}}', window: s.window })));
}

export function networkQueries(service: Service, workload: Workload): PanelQuery[] {
  // cAdvisor reports network per pod (the sandbox), not per container: no `container` matcher here.
  const pods = podMatchers(service, workload);
  return [
    { expr: perPodRate('container_network_receive_bytes_total', pods), legend: '{{pod}} received' },
    { expr: perPodRate('container_network_transmit_bytes_total', pods), legend: '{{pod}} sent' },
  ];
}

export function diskQueries(service: Service, workload: Workload): PanelQuery[] {
  const containers = [...podMatchers(service, workload), ne('container', '')];
  return [
    { expr: perPodRate('container_fs_reads_bytes_total', containers), legend: '{{pod}} read' },
    { expr: perPodRate('container_fs_writes_bytes_total', containers), legend: '{{pod}} written' },
  ];
}

export function requestQueries(workload: Workload): PanelQuery[] {
  return [{
    expr: `sum by (handler) (rate(${selector(HTTP_REQUESTS_METRIC, eq('job', workload.job))}[${DEFAULT_WINDOW.text}]))`,
    legend: '{{handler}}',
  }];
}

/**
 * p50/p90/p95/p99 with `sum by (le)`, in the window of the first HTTP latency alert (or 5m); any alert on
 * another quantile or window adds its own query, so each alert's exact expression is on the panel.
 */
export function latencyQueries(service: Service, workload: Workload, alerts: readonly AlertSpec[]): PanelQuery[] {
  const watched = signalsOf(alerts, 'latencyQuantile').filter((s) => s.metric === HTTP_LATENCY_METRIC && s.job === workload.job);
  const base: SignalOf<'latencyQuantile'> = watched[0] ?? {
    kind: 'latencyQuantile', metric: HTTP_LATENCY_METRIC, job: workload.job, quantile: 0.95,
    threshold: PLOT_ONLY_DURATION, window: DEFAULT_WINDOW, buckets: service.metrics.find(HTTP_LATENCY_METRIC)?.buckets ?? [],
  };
  const sameWindow = watched.filter((s) => s.window.seconds === base.window.seconds);
  const quantiles = [...new Set([...LATENCY_QUANTILES, ...sameWindow.map((s) => s.quantile)])].sort((a, b) => a - b);
  const candidates = [
    ...quantiles.map((quantile) => ({ ...base, quantile })),
    ...watched.filter((s) => s.window.seconds !== base.window.seconds),
  ];
  return distinct(candidates.map((s) => ({ expr: valueQuery(s), legend: `p${num(s.quantile * 100)}`, window: s.window })));
}

/**
 * 5xx ratio per handler (0 for handlers serving requests without errors, gaps for handlers without
 * traffic), plus the all-handlers ratio each error-rate alert evaluates.
 */
export function errorQueries(workload: Workload, alerts: readonly AlertSpec[]): PanelQuery[] {
  const watched = signalsOf(alerts, 'errorRatio').filter((s) => s.job === workload.job);
  const window = watched[0]?.window ?? DEFAULT_WINDOW;
  const requests = selector(HTTP_REQUESTS_METRIC, eq('job', workload.job));
  const failures = selector(HTTP_REQUESTS_METRIC, eq('job', workload.job), re('status', '5..'));
  const all = `sum by (handler) (rate(${requests}[${window.text}]))`;
  const failed = `sum by (handler) (rate(${failures}[${window.text}]))`;
  const overall: SignalOf<'errorRatio'>[] = watched.length > 0 ? watched : [{
    kind: 'errorRatio', job: workload.job, threshold: PLOT_ONLY_RATIO, window: DEFAULT_WINDOW,
  }];
  return distinct([
    { expr: `(${failed} or ${all} * 0) / ${all}`, legend: '{{handler}}', window },
    ...overall.map((s) => ({ expr: valueQuery(s), legend: 'all handlers', window: s.window })),
  ]);
}

/**
 * Share of non-5xx responses over all handlers: 1 minus the error-rate alert's own query, which reads no
 * 5xx series (none before the first 5xx) as 0% errors, so the panel shows 100% instead of "No data".
 */
export function successRatioQuery(workload: Workload, window: Duration = DEFAULT_WINDOW): string {
  return `1 - (${valueQuery({ kind: 'errorRatio', job: workload.job, threshold: PLOT_ONLY_RATIO, window })})`;
}

/**
 * The System row of a service outside Kubernetes (`system: 'process'`): the process metrics of
 * PROCESS_METRICS, which every Prometheus client library exports, selected by `job` only and shown per
 * scrape target (`instance`). gunicorn/uvicorn with several workers report per worker process: each
 * scrape reads the worker that answered it, so CPU rates can jump (a counter of another pid reads as a
 * reset) and memory shows one worker, not the container; run one worker per scrape target (scale with
 * containers, e.g. `docker-compose up --scale`) to get the whole picture.
 */
export interface ProcessQueries {
  /** CPU seconds per second (cores) per instance. */
  readonly cpu: readonly PanelQuery[];
  /** Resident memory per instance. */
  readonly memory: readonly PanelQuery[];
  /** Open file descriptors over the process's limit, the process nearest its limit per instance. */
  readonly fds: readonly PanelQuery[];
}

export const PROCESS_CPU_METRIC = 'process_cpu_seconds_total';
export const PROCESS_MEMORY_METRIC = 'process_resident_memory_bytes';
export const PROCESS_OPEN_FDS_METRIC = 'process_open_fds';
export const PROCESS_MAX_FDS_METRIC = 'process_max_fds';

export function processQueries(workload: Workload): ProcessQueries {
  const byJob = (metric: string): string => selector(metric, eq('job', workload.job));
  return {
    cpu: [{ expr: `sum by (instance) (rate(${byJob(PROCESS_CPU_METRIC)}[${DEFAULT_WINDOW.text}]))`, legend: '{{instance}}' }],
    memory: [{ expr: `sum by (instance) (${byJob(PROCESS_MEMORY_METRIC)})`, legend: '{{instance}}' }],
    // Per process (the limit is per process), then the highest share per instance.
    fds: [{ expr: `max by (instance) (${byJob(PROCESS_OPEN_FDS_METRIC)} / ${byJob(PROCESS_MAX_FDS_METRIC)})`, legend: '{{instance}}' }],
  };
}

/** Requests being served right now, if the service exports an in-flight gauge. */
export function inFlightQueries(service: Service, workload: Workload): PanelQuery[] | undefined {
  const metric = service.metrics.find(IN_FLIGHT_METRIC);
  if (metric?.type !== 'gauge') return undefined;
  const byHandler = metric.labels.includes('handler');
  return [{
    expr: `sum${byHandler ? ' by (handler)' : ''} (${selector(IN_FLIGHT_METRIC, eq('job', workload.job))})`,
    legend: byHandler ? '{{handler}}' : 'in flight',
  }];
}

function podMatchers(service: Service, workload: Workload): Matcher[] {
  return [eq('namespace', service.namespace), re('pod', workload.podRegex)];
}

function perPodRate(metric: string, matchers: readonly Matcher[]): string {
  return `sum by (pod) (rate(${selector(metric, ...matchers)}[${DEFAULT_WINDOW.text}]))`;
}

function signalsOf<K extends Signal['kind']>(alerts: readonly AlertSpec[], kind: K): SignalOf<K>[] {
  return alerts.map((a) => a.signal).filter((s): s is SignalOf<K> => s.kind === kind);
}

/**
 * Drops repeated expressions (two alerts on the same query); when two series would still share a
 * legend, each gets its rate window, e.g. `p95 (5m)` and `p95 (1h)`.
 */
function distinct(queries: readonly { readonly expr: string; readonly legend: string; readonly window: Duration }[]): PanelQuery[] {
  const unique = queries.filter((q, i) => queries.findIndex((o) => o.expr === q.expr) === i);
  return unique.map((q) => {
    const clash = unique.some((o) => o !== q && o.legend === q.legend);
    return { expr: q.expr, legend: clash ? `${q.legend} (${q.window.text})` : q.legend };
  });
}

function unwrapRatio(parsed: ReturnType<typeof Ratio.of>): Ratio {
  if (!parsed.ok) throw new Error('plot-only ratio must parse');
  return parsed.value;
}
