import type { AlertSpec } from '../lib/core/alert.js';
import { IssueCollector } from '../lib/core/issues.js';
import type { Service, Workload } from '../lib/core/service.js';
import type { DashboardModel } from '../lib/core/stack.js';
import { threshold, valueQuery } from '../lib/promql/signals.js';
import { dashboardField, renderServiceDashboard } from '../lib/render/grafana/render-dashboard.js';
import type { PanelSpec, RowSpec, ThresholdLine } from '../lib/render/grafana/types.js';
import { IN_FLIGHT_METRIC, performanceQueries, processQueries, type PerformanceQueries } from './service-performance-queries.js';
import { withTopBucketFloor } from './top-bucket.js';
import { dependencyPanels, panelShowsDependency } from './dependency-panels.js';

/**
 * A line on a business or dependency panel: either an alert's threshold by the alert's name (the number
 * stays in the alert) or a fixed value in the panel's unit.
 */
export type PanelThreshold =
  | { readonly alert: string }
  | { readonly value: number; /** @default 'red' */ readonly color?: string };

/** A panel given by the stack: one PromQL query. */
export interface QueryPanelSpec {
  readonly title: string;
  readonly description: string;
  readonly expr: string;
  /** Grafana legend format, e.g. `{{provider}}`. @default '__auto' */
  readonly legend?: string;
  /** Grafana unit id, e.g. `s`, `percentunit`, `reqps`, `none`. */
  readonly unit: string;
  /**
   * Lines to draw. An alert whose query is exactly `expr` draws its threshold without being listed.
   * @default []
   */
  readonly thresholds?: readonly PanelThreshold[];
  /**
   * The declared dependency (its `name`) a Dependencies panel shows. Needed only where the query does not
   * say it: panels reading the kind's metrics (`pg_*`, `redis_*`, ...) or selecting `provider="<name>"`
   * count for that dependency anyway. @default inferred from the query
   */
  readonly dependency?: string;
}

/**
 * Where the System row's numbers come from: `kubernetes`, cAdvisor and kube-state-metrics series of the
 * workload's pods (by namespace and pod name); `process`, the process metrics every Prometheus client
 * library exports (PROCESS_METRICS), by scrape job only, for a service outside Kubernetes.
 */
export type SystemMetrics = 'kubernetes' | 'process';
const SYSTEM_METRICS: readonly SystemMetrics[] = ['kubernetes', 'process'];

export interface PerformanceDashboardOptions {
  readonly service: Service;
  /** The workload whose pods and scrape job the dashboard shows. */
  readonly workload: Workload;
  /** The stack's alerts; each one's threshold is drawn on the panel that plots its signal. */
  readonly alerts: readonly AlertSpec[];
  /** e.g. `Harvey Backend - Performance`. */
  readonly title: string;
  /** At most 40 characters of A-Z, a-z, 0-9, `-` and `_`. */
  readonly uid: string;
  /** Panels of the Business row; the row is left out when empty. @default [] */
  readonly business?: readonly QueryPanelSpec[];
  /**
   * Panels of the Dependencies row. Every declared dependency of the service the given panels do not show
   * gets generated panels of its kind (dashboards/dependency-panels.ts: exporter metrics selected by its
   * `exporterJob`, or client-side metrics), after these; a dependency with neither is an issue.
   * @default []
   */
  readonly dependencies?: readonly QueryPanelSpec[];
  /**
   * Declared dependencies no metric shows, by name, each with the reason (error reporting, a hosted API
   * without client metrics); said in the dashboard's description instead of a panel. @default {}
   */
  readonly unobservedDependencies?: Readonly<Record<string, string>>;
  /**
   * Source of the System row. `kubernetes`: CPU and memory per pod relative to the container limits,
   * network and disk I/O per pod (cAdvisor, kube-state-metrics; meaningless outside Kubernetes).
   * `process`: CPU, resident memory and open file descriptors per scrape target from the client
   * library's `process_*` metrics, selected by `job` only, so the dashboard has no namespace or pod
   * anywhere and works as a plain file against any Prometheus (docker-compose, VMs). The service's
   * catalog must declare PROCESS_METRICS (lib/core/metric-catalog.ts). gunicorn/uvicorn with several
   * workers report per worker process (see `processQueries`).
   * @default 'kubernetes'
   */
  readonly system?: SystemMetrics;
}

/**
 * "How is this workload doing?" in four rows (the service contract): System (CPU and memory per pod relative
 * to the limit, network and disk I/O per pod; with `system: 'process'`, CPU, resident memory and file
 * descriptors per scrape target from the process metrics, by job only), Application (requests per second by handler, latency
 * percentiles, 5xx ratio per handler, in-flight requests when the catalog has the gauge), Business and
 * Dependencies (given by the stack). Alert thresholds are lines at `threshold(signal).value`: red for
 * critical alerts, orange for warnings.
 *
 * Problems (uid, title, unknown alert names, units that do not match an alert's threshold, empty panel
 * fields) are reported to `service.issues`, each naming the field, value and what is allowed; synth then
 * refuses to write and lists them with every other problem of the stack.
 */
export function performanceDashboard(options: PerformanceDashboardOptions): DashboardModel {
  const { service, workload, alerts } = options;
  const issues = new IssueCollector(service.name);
  const at = dashboardField(options.title);
  issues.check(service.workloads.length === 0 || service.workloads.some((w) => w.name === workload.name), `${at}.workload`, workload.name,
    `one of the service's workloads: ${service.workloads.map((w) => `'${w.name}'`).join(', ')}`);

  const systemMetrics = options.system ?? 'kubernetes';
  issues.check(SYSTEM_METRICS.includes(systemMetrics), `${at}.system`, String(systemMetrics),
    SYSTEM_METRICS.map((m) => `'${m}'`).join(' or '));
  const onKubernetes = systemMetrics !== 'process';

  const q = performanceQueries(service, workload, alerts);
  const system = onKubernetes ? kubernetesSystemPanels(workload, q) : processSystemPanels(workload);
  const application: PanelSpec[] = [
    { title: 'Requests per second by handler', unit: 'reqps', queries: q.requests, description: `HTTP requests served per second by job ${workload.job}, by handler.` },
    {
      title: 'Latency percentiles', unit: 's', queries: q.latency,
      description: 'p50, p90, p95 and p99 of HTTP request duration over all handlers, from the histogram buckets (sum by le).',
    },
    {
      title: 'Error rate per endpoint (5xx)', unit: 'percentunit', queries: q.errors,
      description: 'Share of 5xx responses per handler, and over all handlers (what the error-rate alert evaluates).',
    },
    ...(q.inFlight ? [{ title: 'Active connections (in-flight requests)', unit: 'short', queries: q.inFlight, description: `Requests being served right now by job ${workload.job} (${IN_FLIGHT_METRIC}): connections held open by slow requests pile up here before latency alerts fire.` }] : []),
  ];
  const business = (options.business ?? []).map((p, i) => queryPanel(p, `${at}.business[${i}]`, alerts, issues));
  const given = options.dependencies ?? [];
  const dependencies = [
    ...given.map((p, i) => queryPanel(p, `${at}.dependencies[${i}]`, alerts, issues)),
    ...generatedDependencyPanels(options, at, issues).map((panel) => withAlertLines(panel, plottedBy(panel, alerts))),
  ];
  const unobserved = Object.entries(options.unobservedDependencies ?? {});

  const rows: RowSpec[] = [
    { title: 'System', panels: system.map((panel) => withAlertLines(panel, plottedBy(panel, alerts))) },
    { title: 'Application', panels: application.map((panel) => withAlertLines(panel, plottedBy(panel, alerts))) },
    { title: 'Business', panels: business },
    { title: 'Dependencies', panels: dependencies },
  ].map((row) => ({ ...row, panels: row.panels.map((panel) => withTopBucketFloor(panel, service)) }));

  const spec = {
    service: service.name,
    uid: options.uid,
    title: options.title,
    description: `Performance of ${service.title}: workload ${workload.name}${onKubernetes ? ` in namespace ${service.namespace}` : ''}, job ${workload.job}. ` +
      (onKubernetes ? '' : 'System row from the process metrics of its Prometheus client library, per scrape target. ') +
      'Red and orange lines are critical and warning alert thresholds. ' +
      (unobserved.length > 0 ? `Not on this dashboard: ${unobserved.map(([name, why]) => `${name} (${why})`).join('; ')}. ` : '') +
      'Generated from code: change the stack, not this dashboard.',
    tags: [service.name, 'performance', workload.name],
    rows,
  };
  return renderServiceDashboard(service, spec, issues);
}

/**
 * Panels for every declared dependency the stack's own Dependencies panels do not show and that is not
 * declared unobserved; a dependency nothing can show is an issue naming it.
 */
function generatedDependencyPanels(options: PerformanceDashboardOptions, at: string, issues: IssueCollector): PanelSpec[] {
  const { service, workload } = options;
  const given = options.dependencies ?? [];
  const unobserved = options.unobservedDependencies ?? {};
  const names = service.dependencies.map((d) => d.name);
  const allowedNames = names.map((n) => `'${n}'`).join(', ') || '(the service declares none)';
  given.forEach((p, i) => {
    if (p.dependency !== undefined) issues.check(names.includes(p.dependency), `${at}.dependencies[${i}].dependency`, p.dependency, `a declared dependency of the service: ${allowedNames}`);
  });
  for (const [name, why] of Object.entries(unobserved)) {
    issues.check(names.includes(name), `${at}.unobservedDependencies`, name, `a declared dependency of the service: ${allowedNames}`);
    issues.check(typeof why === 'string' && why.trim() !== '', `${at}.unobservedDependencies.${name}`, why, 'the reason no metric shows it');
  }
  const queriesOf = (p: QueryPanelSpec) => ({ ...(p.dependency !== undefined && { dependency: p.dependency }), queries: [{ expr: p.expr }] });
  return service.dependencies.flatMap((dependency) => {
    if (dependency.name in unobserved) return [];
    if (given.some((p) => panelShowsDependency(queriesOf(p), dependency))) return [];
    const generated = dependencyPanels(service, workload, dependency);
    if (generated.ok) return generated.panels;
    issues.report(`${at}.${generated.field}`, generated.value, generated.allowed);
    return [];
  });
}

/** CPU and memory per pod relative to the container limits, network and disk I/O per pod (cAdvisor, kube-state-metrics). */
function kubernetesSystemPanels(workload: Workload, q: PerformanceQueries): PanelSpec[] {
  return [
    {
      title: 'CPU per pod (of limit)', unit: 'percentunit', queries: q.cpu, softMax: 1,
      description: `CPU used by each ${workload.name} pod as a share of its CPU limit (${workload.limits.cpu.text}); the kernel throttles at 100%.`,
    },
    {
      title: 'Memory per pod (of limit)', unit: 'percentunit', queries: q.memory, softMax: 1,
      description: `Working set of each ${workload.name} pod as a share of its memory limit (${workload.limits.memory.text}); the pod is OOM-killed at 100%.`,
    },
    { title: 'Network I/O per pod', unit: 'Bps', queries: q.network, description: 'Bytes received and sent per second by each pod, all interfaces.' },
    { title: 'Disk I/O per pod', unit: 'Bps', queries: q.disk, description: 'Bytes read from and written to disk per second by the containers of each pod.' },
  ];
}

/**
 * CPU, resident memory and open file descriptors of the workload's process per scrape target, from the
 * client library's process metrics, by job only. gunicorn/uvicorn multi-worker setups report per worker
 * process: each scrape reads the worker that answered it.
 */
function processSystemPanels(workload: Workload): PanelSpec[] {
  const q = processQueries(workload);
  const perWorker = 'With several gunicorn/uvicorn workers per target, each scrape reads the worker process that answered it.';
  return [
    {
      title: 'CPU per instance', unit: 'short', queries: q.cpu,
      description: `CPU seconds per second (1 = one full core) used by the ${workload.name} process of each scrape target of job ${workload.job} (process_cpu_seconds_total). ${perWorker}`,
    },
    {
      title: 'Resident memory per instance', unit: 'bytes', queries: q.memory,
      description: `Resident memory of the ${workload.name} process of each scrape target (process_resident_memory_bytes). ${perWorker}`,
    },
    {
      title: 'Open file descriptors (of max)', unit: 'percentunit', queries: q.fds, softMax: 1,
      description: `Open file descriptors over the process's limit (process_open_fds / process_max_fds), the highest process per scrape target; at 100% new connections and file opens fail. ${perWorker}`,
    },
  ];
}

/**
 * A stack panel: its fixed lines, the alerts it names, and the alerts whose query it is. Every alert line
 * must be in the panel's unit, or it would sit at the wrong height (5 on a panel in ms for a 5s alert).
 */
function queryPanel(spec: QueryPanelSpec, at: string, alerts: readonly AlertSpec[], issues: IssueCollector): PanelSpec {
  const fixed: ThresholdLine[] = [];
  const named: AlertSpec[] = [];
  (spec.thresholds ?? []).forEach((t, i) => {
    if ('alert' in t) {
      const alert = alerts.find((a) => a.name === t.alert);
      if (alert) named.push(alert);
      else issues.report(`${at}.thresholds[${i}].alert`, t.alert,
        `the name of one of the dashboard's alerts: ${alerts.map((a) => `'${a.name}'`).join(', ') || '(none given)'}`);
    } else {
      fixed.push({ value: t.value, ...(t.color !== undefined && { color: t.color }) });
    }
  });
  const panel: PanelSpec = {
    title: spec.title,
    description: spec.description,
    unit: spec.unit,
    queries: [{ expr: spec.expr, ...(spec.legend !== undefined && { legend: spec.legend }) }],
    thresholds: fixed,
  };
  const plotted = plottedBy(panel, alerts);
  const drawn = [...plotted, ...named.filter((a) => !plotted.includes(a))];
  for (const alert of drawn) {
    const unit = threshold(alert.signal).unit;
    issues.check(unit === 'none' || unit === spec.unit, `${at}.unit`, spec.unit,
      `'${unit}', the unit of ${alert.name}'s threshold, so its line is drawn at the right height`);
  }
  return withAlertLines(panel, drawn);
}

/** The alerts whose exact query (`valueQuery(signal)`) is one of the panel's queries. */
function plottedBy(panel: PanelSpec, alerts: readonly AlertSpec[]): AlertSpec[] {
  return alerts.filter((a) => panel.queries.some((query) => query.expr === valueQuery(a.signal)));
}

/** A line at each alert's threshold (red critical, orange warning), and a sentence in the description saying whose line it is. */
function withAlertLines(panel: PanelSpec, drawn: readonly AlertSpec[]): PanelSpec {
  if (drawn.length === 0) return panel;
  const names = drawn.map((a) => {
    const t = threshold(a.signal);
    return `${a.name} (${t.comparator} ${t.display} for ${a.for.text})`;
  });
  return {
    ...panel,
    description: `${panel.description} Alert line${drawn.length > 1 ? 's' : ''}: ${names.join(', ')}.`,
    // Critical lines red, warning (and info) lines orange: a two-level threshold shows both.
    thresholds: [...(panel.thresholds ?? []), ...drawn.map((a) => ({ value: threshold(a.signal).value, color: a.level.severity === 'critical' ? 'red' : 'orange' }))],
  };
}
