import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Signal } from '../../../lib/core/alert.js';
import { expositionOf, type MetricDefinition } from '../../../lib/core/metric-catalog.js';
import type { PlatformConfig } from '../../../lib/core/platform.js';
import type { ServiceStack } from '../../../lib/core/stack.js';
import { vectorSelectors, type LabelMatcherRef } from '../../../lib/checks/promql-tree.js';
import { ruleGroupsFor } from '../../../lib/render/prometheus/rule-groups.js';
import type { ScrapeJob } from './prometheus.js';
import { dashboardQueries } from './dashboard-queries.js';
import { matcherAccepts, regexExample } from './regex-example.js';

/**
 * A stand-in for every exporter a set of services is scraped from, built from their catalogs and from
 * the selectors their rules and dashboards actually use, with healthy values derived from the alerts:
 *
 * - one scrape job per `job` the queries name (`/metrics/<job>`), holding the catalog metrics queried
 *   with that job, one series per distinct selector, label values chosen so the selector matches
 *   (`status=~"5.."` gets `500`);
 * - counters grow at 1/s, except the bad side of an error ratio, the numerator of a ratio alerting
 *   above its threshold, a counter whose increase alerts, and an SLO's bad events: a just-started
 *   healthy service has counted none, so (catalog `exposition`) a labelled one has no series at all and
 *   an unlabelled one sits at 0;
 * - gauges sit at half the lowest threshold they alert above, or at the highest one they alert below
 *   (`redis_up < 1` → 1); histograms observe fast requests;
 * - cAdvisor (`job="kubelet"`, `/metrics/cadvisor`) and kube-state-metrics v2 (`job="kube-state-metrics"`)
 *   series shaped as those exporters write them, for two pods per workload of every service whose
 *   queries read them: container-level series plus the pod-level `container=""` one (cAdvisor's cgroup
 *   hierarchy), network per pod only, limits with `resource`/`unit` ("core", "byte").
 */
export interface SyntheticExporterOptions {
  /** Jobs served by something else (the demo service): left out. */
  readonly exceptJobs?: readonly string[];
}

type Behaviour = { readonly kind: 'grow'; readonly perSecond: number } | { readonly kind: 'flat'; readonly value: number };

interface PlannedSeries {
  readonly metric: MetricDefinition;
  readonly job: string;
  readonly labels: Record<string, string>;
  readonly behaviour: Behaviour;
}

const K8S_SOURCES = new Set(['cadvisor', 'kube-state-metrics']);
const SKIPPED = new Set(['up', 'prometheus_rule_group_iterations_missed_total']);

export class SyntheticExporter {
  private constructor(private readonly server: Server, private readonly registries: ReadonlyMap<string, Registry>) {}

  static async start(stacks: readonly ServiceStack[], platform: PlatformConfig, options: SyntheticExporterOptions = {}): Promise<SyntheticExporter> {
    const except = new Set(options.exceptJobs ?? []);
    const plans = stacks.flatMap((stack) => plannedSeries(stack, platform)).filter((p) => !except.has(p.job));
    const registries = buildRegistries(plans);
    // Jobs the rules only watch with `up` (a worker without metrics of its own) are scraped all the same.
    for (const job of stacks.flatMap((stack) => upJobs(stack, platform))) {
      if (!except.has(job) && !registries.has(`/metrics/${job}`)) registries.set(`/metrics/${job}`, new Registry());
    }
    const server = createServer((req, res) => {
      const registry = registries.get(req.url ?? '');
      if (!registry) return void res.writeHead(404).end();
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SyntheticExporter(server, registries);
  }

  /** One scrape job per registry: application jobs by name, cAdvisor as `kubelet`, kube-state-metrics. */
  jobs(): ScrapeJob[] {
    const target = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return [...this.registries.keys()].map((path) => {
      if (path === '/metrics/cadvisor') return { job: 'kubelet', target, metricsPath: path, labels: { metrics_path: '/metrics/cadvisor' } };
      if (path === '/kube-state-metrics') return { job: 'kube-state-metrics', target, metricsPath: path };
      return { job: path.slice('/metrics/'.length), target, metricsPath: path };
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/** Jobs whose `up` the rules watch. */
function upJobs(stack: ServiceStack, platform: PlatformConfig): string[] {
  return ruleGroupsFor(stack, platform).flatMap((g) => g.rules.flatMap((r) => vectorSelectors(r.expr)))
    .filter((s) => s.metric === 'up').flatMap((s) => s.matchers.filter((m) => m.label === 'job' && m.op === '=').map((m) => m.value));
}

/** The series one service needs, from the selectors of its rendered rules and its dashboards. */
export function plannedSeries(stack: ServiceStack, platform: PlatformConfig): PlannedSeries[] {
  const { service } = stack;
  const catalog = service.metrics;
  const exprs = [
    ...ruleGroupsFor(stack, platform).flatMap((g) => g.rules.map((r) => r.expr)),
    ...stack.dashboards.flatMap((d) => dashboardQueries(d).map((q) => q.expr)),
  ];
  const quiet = quietSelectors(stack);
  const gaugeValues = healthyGaugeValues(stack.alerts.map((a) => a.signal));
  const defaultJob = service.workloads[0]?.job ?? service.name;
  const plans = new Map<string, PlannedSeries>();
  let readsKubernetes = false;
  for (const expr of exprs) {
    for (const selector of vectorSelectors(expr)) {
      const name = selector.metric;
      if (name === undefined) continue;
      const metric = catalog.find(name) ?? catalog.find(name.replace(/_(bucket|count|sum)$/, ''));
      if (!metric || SKIPPED.has(metric.name)) continue;
      if (K8S_SOURCES.has(metric.source)) {
        readsKubernetes = true;
        continue;
      }
      const job = selector.matchers.find((m) => m.label === 'job' && m.op === '=')?.value ?? defaultJob;
      const labels = labelsFor(metric, selector.matchers);
      const isQuiet = metric.type === 'counter' && quiet.some((q) => q.metric === metric.name && q.matchers.every((m) => m.label === 'job' ? m.value === job : matcherAccepts(m.op, m.value, labels[m.label] ?? '')));
      // A healthy service that just started has counted no bad event: a labelled counter has no series
      // before its first increment (client libraries create them then); an unlabelled one sits at 0.
      if (isQuiet && expositionOf(metric).presence === 'first-event') continue;
      const behaviour: Behaviour = metric.type === 'gauge'
        ? { kind: 'flat', value: gaugeValues.get(metric.name) ?? 1 }
        : isQuiet ? { kind: 'flat', value: 0 } : { kind: 'grow', perSecond: 1 };
      const key = `${job} ${metric.name} ${JSON.stringify(labels)}`;
      const existing = plans.get(key);
      // A series one query needs flat and another growing stays flat: healthy wins.
      if (!existing || (existing.behaviour.kind === 'grow' && behaviour.kind === 'flat')) plans.set(key, { metric, job, labels, behaviour });
    }
  }
  return [...plans.values(), ...(readsKubernetes ? kubernetesSeries(stack) : [])];
}

/** Every declared label (but target labels) with a value the selector's matchers accept. */
function labelsFor(metric: MetricDefinition, matchers: readonly LabelMatcherRef[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const label of metric.labels) {
    if (label === 'job' || label === 'instance') continue;
    const matcher = matchers.find((m) => m.label === label);
    labels[label] = !matcher ? defaultValue(metric.name, label)
      : matcher.op === '=' ? matcher.value
        : matcher.op === '=~' ? regexExample(matcher.value)
          : matcherAccepts(matcher.op, matcher.value, defaultValue(metric.name, label)) ? defaultValue(metric.name, label) : 'other';
  }
  return labels;
}

function defaultValue(metric: string, label: string): string {
  if (label === 'status') return metric.startsWith('http_') || metric.startsWith('nginx_') ? '200' : 'success';
  if (label === 'method') return 'GET';
  if (label === 'handler' || label === 'path' || label === 'endpoint') return '/';
  return 'default';
}

interface QuietSelector {
  readonly metric: string;
  readonly matchers: readonly LabelMatcherRef[];
}

/** Counters that must not grow on a healthy service: what its alerts and SLOs count as bad. */
function quietSelectors(stack: ServiceStack): QuietSelector[] {
  const quiet: QuietSelector[] = [];
  const of = (text: string): void => {
    for (const s of vectorSelectors(text)) if (s.metric) quiet.push({ metric: s.metric, matchers: s.matchers.filter((m) => m.label !== '__name__') });
  };
  const series = (s: { metric: string; matchers: readonly LabelMatcherRef[] }): void => void quiet.push({ metric: s.metric, matchers: s.matchers });
  for (const { signal } of stack.alerts) {
    if (signal.kind === 'errorRatio') quiet.push({ metric: 'http_requests_total', matchers: [{ label: 'job', op: '=', value: signal.job }, { label: 'status', op: '=~', value: '5..' }] });
    if (signal.kind === 'counterRatio' && signal.comparator === '>') series(signal.numerator);
    if (signal.kind === 'counterIncrease') series(signal.series);
  }
  for (const slo of stack.slos ?? []) if (slo.sli.bad) of(slo.sli.bad);
  return quiet;
}

/** Per gauge, a value no gauge alert fires on. */
function healthyGaugeValues(signals: readonly Signal[]): Map<string, number> {
  const above = new Map<string, number>();
  const below = new Map<string, number>();
  for (const signal of signals) {
    if (signal.kind !== 'gaugeThreshold') continue;
    const name = signal.series.metric;
    if (signal.comparator === '>') above.set(name, Math.min(above.get(name) ?? Infinity, signal.threshold));
    else below.set(name, Math.max(below.get(name) ?? -Infinity, signal.threshold));
  }
  const values = new Map<string, number>();
  for (const [name, t] of below) values.set(name, t);
  for (const [name, t] of above) values.set(name, Math.min(values.get(name) ?? Infinity, t > 0 ? t / 2 : t - 1));
  return values;
}

/** cAdvisor and kube-state-metrics series of two pods per workload, at 10% of the CPU limit and 20% of memory. */
function kubernetesSeries(stack: ServiceStack): PlannedSeries[] {
  const { service } = stack;
  const def = (name: string): MetricDefinition => {
    const metric = service.metrics.find(name);
    if (!metric) throw new Error(`${service.name}: ${name} is not in the catalog`);
    return metric;
  };
  const out: PlannedSeries[] = [];
  for (const workload of service.workloads) {
    for (const suffix of ['7d9f8c6b5-x2k4p', '7d9f8c6b5-q8z3m']) {
      const pod = `${workload.name}-${suffix}`;
      if (!new RegExp(`^(?:${workload.podRegex})$`).test(pod)) throw new Error(`pod ${pod} does not match ${workload.podRegex}`);
      const uid = `0f1e2d3c-${suffix.slice(-5)}-4b5a-8c7d-${service.name.length}a9b8c7d6e5f`;
      const cgroup = `/kubepods/burstable/pod${uid}`;
      const image = `${workload.image.repository}:${workload.image.tag}`;
      const container = { namespace: service.namespace, pod, container: workload.name, id: `${cgroup}/c0ffee${suffix.slice(-5)}`, image, name: `c0ffee${suffix.slice(-5)}` };
      const podLevel = { namespace: service.namespace, pod, container: '', id: cgroup, image: '', name: '' };
      const cpu = workload.limits.cpu.cores * 0.1;
      const memory = Math.round(workload.limits.memory.bytes * 0.2);
      const cadvisor = (name: string, labels: Record<string, string>, behaviour: Behaviour): void => void out.push({ metric: def(name), job: 'kubelet', labels, behaviour });
      for (const labels of [container, podLevel]) {
        cadvisor('container_cpu_usage_seconds_total', labels, { kind: 'grow', perSecond: cpu });
        cadvisor('container_memory_working_set_bytes', labels, { kind: 'flat', value: memory });
        cadvisor('container_fs_reads_bytes_total', { ...labels, device: '/dev/vda' }, { kind: 'grow', perSecond: 4096 });
        cadvisor('container_fs_writes_bytes_total', { ...labels, device: '/dev/vda' }, { kind: 'grow', perSecond: 8192 });
      }
      cadvisor('container_network_receive_bytes_total', { ...podLevel, interface: 'eth0' }, { kind: 'grow', perSecond: 20_000 });
      cadvisor('container_network_transmit_bytes_total', { ...podLevel, interface: 'eth0' }, { kind: 'grow', perSecond: 50_000 });
      const ksm = { namespace: service.namespace, pod, uid, container: workload.name, node: 'node-1' };
      out.push(
        { metric: def('kube_pod_container_resource_limits'), job: 'kube-state-metrics', labels: { ...ksm, resource: 'cpu', unit: 'core' }, behaviour: { kind: 'flat', value: workload.limits.cpu.cores } },
        { metric: def('kube_pod_container_resource_limits'), job: 'kube-state-metrics', labels: { ...ksm, resource: 'memory', unit: 'byte' }, behaviour: { kind: 'flat', value: workload.limits.memory.bytes } },
      );
    }
  }
  return out;
}

/** prom-client registries, one per scrape path; growing counters and histograms advance at each scrape by rate × elapsed time. */
function buildRegistries(plans: readonly PlannedSeries[]): Map<string, Registry> {
  const registries = new Map<string, Registry>();
  const byPathAndName = new Map<string, PlannedSeries[]>();
  const pathOf = (job: string): string => (job === 'kubelet' ? '/metrics/cadvisor' : job === 'kube-state-metrics' ? '/kube-state-metrics' : `/metrics/${job}`);
  for (const plan of plans) {
    const key = `${pathOf(plan.job)}\u0000${plan.metric.name}`;
    byPathAndName.set(key, [...(byPathAndName.get(key) ?? []), plan]);
  }
  for (const [key, series] of byPathAndName) {
    const [path] = key.split('\u0000') as [string];
    const registry = registries.get(path) ?? new Registry();
    registries.set(path, registry);
    const metric = series[0]!.metric;
    const labelNames = [...new Set(series.flatMap((s) => Object.keys(s.labels)))];
    const common = { name: metric.name, help: metric.help, labelNames, registers: [registry] };
    let last = Date.now();
    const elapsed = (): number => {
      const now = Date.now();
      const seconds = (now - last) / 1000;
      last = now;
      return seconds;
    };
    if (metric.type === 'gauge') {
      const gauge = new Gauge(common);
      for (const s of series) gauge.set(s.labels, s.behaviour.kind === 'flat' ? s.behaviour.value : 1);
    } else if (metric.type === 'counter') {
      const counter: Counter<string> = new Counter({
        ...common,
        collect() {
          const seconds = elapsed();
          for (const s of series) if (s.behaviour.kind === 'grow') counter.inc(s.labels, s.behaviour.perSecond * seconds);
        },
      });
      for (const s of series) counter.inc(s.labels, s.behaviour.kind === 'flat' ? s.behaviour.value : 0);
    } else {
      const buckets = metric.buckets ?? [];
      const fast = (buckets[0] ?? 0.1) / 2;
      const histogram: Histogram<string> = new Histogram({
        ...common,
        buckets: [...buckets],
        collect() {
          const observations = Math.max(1, Math.round(elapsed()));
          for (const s of series) for (let i = 0; i < observations; i++) histogram.observe(s.labels, fast);
        },
      });
      for (const s of series) histogram.observe(s.labels, fast);
    }
  }
  return registries;
}
