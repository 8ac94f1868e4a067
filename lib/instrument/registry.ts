import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { MetricDefinition } from '../core/metric-catalog.js';
import type { ServiceStack } from '../core/stack.js';

/** Labels Prometheus attaches when scraping (target labels); a client must never write them itself. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance'];

/** Metrics a client library exports for its own process; prom-client collects them, the kit picks the declared ones. */
const PROCESS_METRIC_NAMES = new Set(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_max_fds']);

/** The prom-client metric of each declared application metric, by its catalog name. */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** Every declared application metric, exactly as the catalog declares it. */
  readonly definitions: readonly MetricDefinition[];
  counter(name: string): Counter<string>;
  gauge(name: string): Gauge<string>;
  histogram(name: string): Histogram<string>;
}

/**
 * A prom-client Registry holding exactly the application metrics of a service's MetricCatalog: same
 * names, types, help, label names (without `job`/`instance`, which Prometheus adds) and buckets. Metrics
 * the catalog attributes to other exporters (cAdvisor, kube-state-metrics, Prometheus and datastore
 * exporters) are not the application's to export and are left out; nothing undeclared is added
 * (no prom-client default metrics, except the declared `process_*` ones).
 *
 * Histogram buckets are the catalog's plus every latency threshold the stack's alerts and SLOs compare
 * with (validation already requires them to be bounds; the union makes the kit right by construction).
 */
export function serviceMetrics(stack: ServiceStack): ServiceMetrics {
  const registry = new Registry();
  const definitions = stack.service.metrics.metrics.filter((m) => m.source === 'application');
  const required = requiredBucketBounds(stack);
  const byName = new Map<string, Metric<string>>();
  const processMetrics = definitions.filter((m) => PROCESS_METRIC_NAMES.has(m.name));
  if (processMetrics.length > 0) {
    // prom-client's own process collectors, in a scratch registry; only the declared ones are shared.
    const scratch = new Registry();
    collectDefaultMetrics({ register: scratch });
    for (const m of processMetrics) {
      const metric = scratch.getSingleMetric(m.name);
      if (!metric) throw new Error(`prom-client does not collect ${m.name} on this platform`);
      registry.registerMetric(metric);
      byName.set(m.name, metric);
    }
  }
  for (const m of definitions) {
    if (byName.has(m.name)) continue;
    const labelNames = m.labels.filter((l) => !TARGET_LABELS.includes(l));
    const common = { name: m.name, help: m.help, labelNames, registers: [registry] };
    switch (m.type) {
      case 'counter':
        byName.set(m.name, new Counter(common));
        break;
      case 'gauge':
        byName.set(m.name, new Gauge(common));
        break;
      case 'histogram': {
        const buckets = [...new Set([...(m.buckets ?? []), ...(required.get(m.name) ?? [])])].sort((a, b) => a - b);
        if (buckets.length === 0) throw new Error(`${stack.service.name}: histogram ${m.name} declares no buckets; allowed: ascending bucket bounds in the catalog`);
        byName.set(m.name, new Histogram({ ...common, buckets }));
        break;
      }
    }
  }
  const get = <T>(name: string, type: MetricDefinition['type'], cls: abstract new (...args: never[]) => T): T => {
    const metric = byName.get(name);
    if (!(metric instanceof cls)) {
      const declared = definitions.map((d) => `${d.name} (${d.type})`).join(', ');
      throw new Error(`${stack.service.name}: no application ${type} '${name}' in the metric catalog; declared: ${declared}`);
    }
    return metric;
  };
  return {
    registry,
    definitions,
    counter: (name) => get(name, 'counter', Counter),
    gauge: (name) => get(name, 'gauge', Gauge),
    histogram: (name) => get(name, 'histogram', Histogram),
  };
}

/** Latency thresholds of the stack's alerts and SLOs, per histogram: each must be a bucket bound. */
export function requiredBucketBounds(stack: ServiceStack): Map<string, number[]> {
  const bounds = new Map<string, number[]>();
  const add = (metric: string, seconds: number): void => void bounds.set(metric, [...(bounds.get(metric) ?? []), seconds]);
  for (const alert of stack.alerts) {
    if (alert.signal.kind === 'latencyQuantile') add(alert.signal.metric, alert.signal.threshold.seconds);
  }
  for (const slo of stack.slos ?? []) {
    if (slo.sli.histogram) add(slo.sli.histogram.metric, slo.sli.histogram.threshold.seconds);
  }
  return bounds;
}
