import type { Signal } from '../lib/core/alert.js';
import type { Dependency, DependencyKind, Service, Workload } from '../lib/core/service.js';
import { Duration } from '../lib/core/units.js';
import { eq, re, selector } from '../lib/promql/selector.js';
import { valueQuery } from '../lib/promql/signals.js';
import type { PanelSpec } from '../lib/render/grafana/types.js';

/**
 * The Dependencies row's panels a declared dependency gets without the stack writing any, by kind, from
 * the series the datastore packs (alerts/datastores) read: the exporter's (postgres_exporter,
 * redis_exporter, mongodb_exporter, Qdrant's own `/metrics`, selected by the dependency's
 * `exporterJob`), or the application's client-side metrics (ChromaDB, selected by the workload's job).
 * An `https` dependency has no standard metrics: the stack's own panels show it (an LLM provider's
 * panels select it as `provider`), or the dashboard says why nothing can. Where an alert watches the same thing, the panel plots the alert's own
 * `valueQuery` shape, so its threshold line is drawn on it.
 */

const WINDOW = Duration.ofSeconds(300);
const EVENT_WINDOW = Duration.ofSeconds(600);

/** Where a kind's panels read from: the dependency's exporter job, or the application's own job. */
type Source = 'exporter' | 'application';

interface KindPanels {
  readonly source: Source;
  /** Metrics the panels read; all must be in the service's catalog. */
  readonly metrics: readonly string[];
  /** Where to find their definitions, for the message when they are missing. */
  readonly catalogHint: string;
  readonly panels: (job: string, dependency: Dependency) => PanelSpec[];
}

/** `Redis up`, or `Redis up (session-cache)` when the dependency is not named after its kind. */
const titled = (d: Dependency, text: string): string => (d.name === d.kind ? text : `${text} (${d.name})`);

const gauge = (metric: string, job: string, aggregation: 'min' | 'max' | 'sum', unit: 'none' | 'bytes' = 'none', extra: readonly ReturnType<typeof eq>[] = []): string =>
  valueQuery({ kind: 'gaugeThreshold', series: { metric, matchers: [eq('job', job), ...extra] }, aggregation, by: [], threshold: 0, comparator: '>', unit } satisfies Signal);
const increase = (metric: string, job: string, by: readonly string[] = []): string =>
  valueQuery({ kind: 'counterIncrease', series: { metric, matchers: [eq('job', job)] }, window: EVENT_WINDOW, threshold: 0, by } satisfies Signal);

const PANELS_BY_KIND: Readonly<Partial<Record<DependencyKind, KindPanels>>> = {
  postgresql: {
    source: 'exporter',
    metrics: ['pg_up', 'pg_stat_database_numbackends', 'pg_settings_max_connections', 'pg_stat_database_deadlocks'],
    catalogHint: 'POSTGRES_EXPORTER_METRICS (alerts/datastores/postgresql.ts)',
    panels: (job, d) => [
      { title: titled(d, 'PostgreSQL up'), unit: 'none', queries: [{ expr: gauge('pg_up', job, 'min'), legend: 'up' }], description: `pg_up from postgres_exporter (job ${job}): 1 when it can connect to PostgreSQL. Empty when the exporter itself is not scraped.` },
      {
        title: titled(d, 'PostgreSQL connections'), unit: 'none',
        queries: [{ expr: gauge('pg_stat_database_numbackends', job, 'sum'), legend: 'open' }, { expr: gauge('pg_settings_max_connections', job, 'max'), legend: 'max_connections' }],
        description: 'Connections open over all databases (pg_stat_database_numbackends) and the server\'s max_connections: at the limit new connections fail.',
      },
      { title: titled(d, 'PostgreSQL deadlocks (10m)'), unit: 'none', queries: [{ expr: increase('pg_stat_database_deadlocks', job, ['datname']), legend: '{{datname}}' }], description: 'Deadlocks detected per database over the last 10 minutes; any is a bug in lock ordering.' },
    ],
  },
  redis: {
    source: 'exporter',
    metrics: ['redis_up', 'redis_memory_used_bytes', 'redis_memory_max_bytes', 'redis_connected_clients', 'redis_config_maxclients', 'redis_evicted_keys_total', 'redis_rejected_connections_total'],
    catalogHint: 'REDIS_METRICS (alerts/datastores/redis.ts)',
    panels: (job, d) => [
      { title: titled(d, 'Redis up'), unit: 'none', queries: [{ expr: gauge('redis_up', job, 'min'), legend: 'up' }], description: `redis_up from redis_exporter (job ${job}): 1 when it reaches Redis. Empty when the exporter itself is not scraped.` },
      {
        title: titled(d, 'Redis memory'), unit: 'bytes',
        queries: [{ expr: gauge('redis_memory_used_bytes', job, 'sum', 'bytes'), legend: 'used' }, { expr: gauge('redis_memory_max_bytes', job, 'max', 'bytes'), legend: 'maxmemory' }],
        description: 'Memory allocated by Redis and its maxmemory (0: unlimited); at maxmemory keys are evicted or writes fail.',
      },
      {
        title: titled(d, 'Redis clients'), unit: 'none',
        queries: [{ expr: gauge('redis_connected_clients', job, 'sum'), legend: 'connected' }, { expr: gauge('redis_config_maxclients', job, 'max'), legend: 'maxclients' }],
        description: 'Client connections open and the maxclients setting: at the limit new connections are refused.',
      },
      {
        title: titled(d, 'Redis evictions and refused connections (10m)'), unit: 'none',
        queries: [{ expr: increase('redis_evicted_keys_total', job), legend: 'evicted keys' }, { expr: increase('redis_rejected_connections_total', job), legend: 'refused connections' }],
        description: 'Keys evicted at maxmemory and connections refused at maxclients over the last 10 minutes.',
      },
    ],
  },
  qdrant: {
    source: 'exporter',
    metrics: ['rest_responses_total', 'memory_resident_bytes'],
    catalogHint: 'QDRANT_METRICS (alerts/datastores/qdrant.ts)',
    panels: (job, d) => {
      const all = `sum(rate(${selector('rest_responses_total', eq('job', job))}[${WINDOW.text}]))`;
      const failed = `sum(rate(${selector('rest_responses_total', eq('job', job), re('status', '5..'))}[${WINDOW.text}]))`;
      return [
        { title: titled(d, 'Qdrant targets up'), unit: 'none', queries: [{ expr: `sum(${selector('up', eq('job', job))})`, legend: 'up' }], description: `Scrape targets of Qdrant (job ${job}) that answer: 0 or empty means searches fail too.` },
        {
          title: titled(d, 'Qdrant REST requests per second by endpoint'), unit: 'reqps',
          queries: [{ expr: `sum by (endpoint) (rate(${selector('rest_responses_total', eq('job', job))}[${WINDOW.text}]))`, legend: '{{endpoint}}' }],
          description: 'Responses of Qdrant\'s REST API per route template.',
        },
        // The 5xx series appear with the first one: Qdrant answering without errors reads 0%.
        { title: titled(d, 'Qdrant REST 5xx ratio'), unit: 'percentunit', queries: [{ expr: `(${failed} or 0 * ${all}) / ${all}`, legend: '5xx' }], description: 'Share of Qdrant REST responses with a 5xx status (4xx are the client\'s mistakes and show in the application\'s errors).' },
        { title: titled(d, 'Qdrant resident memory'), unit: 'bytes', queries: [{ expr: gauge('memory_resident_bytes', job, 'sum', 'bytes'), legend: 'resident' }], description: 'Bytes in resident data pages: Qdrant keeps its vectors in memory unless they are on disk.' },
      ];
    },
  },
  mongodb: {
    source: 'exporter',
    metrics: ['mongodb_up', 'mongodb_connections'],
    catalogHint: 'MONGODB_EXPORTER_METRICS (alerts/datastores/mongodb.ts)',
    panels: (job, d) => [
      { title: titled(d, 'MongoDB up'), unit: 'none', queries: [{ expr: gauge('mongodb_up', job, 'min'), legend: 'up' }], description: `mongodb_up from mongodb_exporter (job ${job}): 1 when it connects.` },
      { title: titled(d, 'MongoDB open connections'), unit: 'none', queries: [{ expr: gauge('mongodb_connections', job, 'max', 'none', [eq('state', 'current')]), legend: 'current' }], description: 'Incoming connections open on the busiest server (state="current").' },
    ],
  },
  chromadb: {
    source: 'application',
    metrics: ['chromadb_requests_total', 'chromadb_request_duration_seconds'],
    catalogHint: 'chromadbMetrics() (alerts/datastores/chromadb.ts)',
    panels: (job, d) => {
      const all = `sum(rate(${selector('chromadb_requests_total', eq('job', job))}[${WINDOW.text}]))`;
      const failed = `sum(rate(${selector('chromadb_requests_total', eq('job', job), eq('status', 'error'))}[${WINDOW.text}]))`;
      return [
        { title: titled(d, 'ChromaDB failed calls'), unit: 'percentunit', queries: [{ expr: `(${failed} or 0 * ${all}) / ${all}`, legend: 'failed' }], description: `Share of calls of job ${job} to ChromaDB that raised (client side).` },
        {
          title: titled(d, 'ChromaDB call latency p95'), unit: 's',
          queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(${selector('chromadb_request_duration_seconds_bucket', eq('job', job))}[${WINDOW.text}])))`, legend: 'p95' }],
          description: 'p95 duration of calls to ChromaDB, all operations (client side).',
        },
      ];
    },
  },
};

/** Metric names (or prefixes) of each kind: a stack panel reading one of them shows that dependency. */
const KIND_METRICS: Readonly<Record<DependencyKind, RegExp | undefined>> = {
  postgresql: /\bpg_[a-z_]+/,
  redis: /\bredis_[a-z_]+/,
  mongodb: /\bmongodb_[a-z_]+/,
  chromadb: /\bchromadb_[a-z_]+/,
  qdrant: /\b(?:rest_responses_total|app_status_recovery_mode|collections_total|collection_dead_replicas|memory_resident_bytes)\b/,
  https: undefined,
};

/**
 * Whether a panel the stack gives shows this dependency: it says so (`dependency`), reads the kind's
 * metrics (exporter or client side), or selects the dependency by name as `provider` (LLM providers).
 */
export function panelShowsDependency(panel: { readonly dependency?: string; readonly queries: readonly { readonly expr: string }[] }, dependency: Dependency): boolean {
  if (panel.dependency !== undefined) return panel.dependency === dependency.name;
  const family = KIND_METRICS[dependency.kind];
  return panel.queries.some((q) => (family?.test(q.expr) ?? false) || q.expr.includes(`provider="${dependency.name}"`));
}

export type GeneratedPanels =
  | { readonly ok: true; readonly panels: readonly PanelSpec[] }
  | { readonly ok: false; readonly field: string; readonly value: unknown; readonly allowed: string };

/** The generated panels of one dependency, or why there can be none. */
export function dependencyPanels(service: Service, workload: Workload, dependency: Dependency): GeneratedPanels {
  const kind = PANELS_BY_KIND[dependency.kind];
  const field = `dependencies.${dependency.name}`;
  if (!kind) {
    return {
      ok: false, field, value: dependency.name,
      allowed: `a dependency shown on the dashboard: ${dependency.kind} has no standard metrics, so give a Dependencies panel with dependency: '${dependency.name}' ` +
        `(panels selecting provider="${dependency.name}" count), or say why nothing can show it in unobservedDependencies`,
    };
  }
  const missing = kind.metrics.filter((m) => !service.metrics.has(m));
  if (missing.length > 0) {
    return {
      ok: false, field: `${field}.kind`, value: dependency.kind,
      allowed: `a dependency whose metrics are in the service's catalog to draw its panels (missing: ${missing.join(', ')}; add ${kind.catalogHint}), or a Dependencies panel of the stack with dependency: '${dependency.name}'`,
    };
  }
  if (kind.source === 'exporter' && dependency.exporterJob === undefined) {
    return {
      ok: false, field: `${field}.exporterJob`, value: undefined,
      allowed: `the scrape job of the ${dependency.kind} exporter watching it (its panels select that job), or a Dependencies panel of the stack with dependency: '${dependency.name}'`,
    };
  }
  const job = kind.source === 'exporter' ? dependency.exporterJob! : workload.job;
  return { ok: true, panels: kind.panels(job, dependency) };
}
