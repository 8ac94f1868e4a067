import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredBucketBounds, serviceMetrics, type ServiceMetrics } from '../../../lib/instrument/index.js';
import { stacks } from '../../../stacks/index.js';
import { harveyBackend } from '../../../stacks/harvey-backend.js';
import { harvenAi } from '../../../stacks/harven-ai.js';
import { catalogDifferences, type ExposedFamily } from '../../live/support/catalog-conformance.js';
import { metricsContractFor } from '../../../lib/render/contract/metrics-contract.js';
import { verifyMetrics } from '../../../lib/verify/index.js';
import { platform } from '../../../stacks/index.js';

/** The registry's families as prom-client reports them (after at least one observation of each labelled metric). */
async function families(metrics: ServiceMetrics): Promise<ExposedFamily[]> {
  const json = await metrics.registry.getMetricsAsJSON();
  return json.map((family) => {
    const values = family.values as { labels: Record<string, string | number>; metricName?: string }[];
    const labels = new Set(values.flatMap((v) => Object.keys(v.labels)).filter((l) => l !== 'le'));
    const buckets = values.filter((v) => v.metricName?.endsWith('_bucket') && v.labels.le !== '+Inf').map((v) => Number(v.labels.le));
    return { name: family.name, type: String(family.type), labels, ...(String(family.type) === 'histogram' && { buckets: [...new Set(buckets)] }) };
  });
}

/** Touches every labelled series once, with a value for every declared label, as the application would. */
function exercise(metrics: ServiceMetrics): void {
  for (const d of metrics.definitions) {
    if (d.name.startsWith('process_')) continue;
    const labels = Object.fromEntries(d.labels.filter((l) => l !== 'job' && l !== 'instance').map((l) => [l, 'x']));
    if (d.type === 'counter') metrics.counter(d.name).inc(labels);
    if (d.type === 'gauge') metrics.gauge(d.name).set(labels, 1);
    if (d.type === 'histogram') metrics.histogram(d.name).observe(labels, 0.1);
  }
}

function promtoolCheckMetrics(exposition: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
    child.stdin?.end(exposition);
  });
}

describe('serviceMetrics', () => {
  it.each(stacks.map((s) => [s.service.name, s] as const))('registers exactly the application metrics of %s, with the declared types, labels and buckets', async (_name, stack) => {
    const metrics = serviceMetrics(stack);
    exercise(metrics);
    expect(catalogDifferences(stack.service.metrics.metrics, await families(metrics), requiredBucketBounds(stack))).toEqual([]);
  });

  it('leaves out what cAdvisor, kube-state-metrics, Prometheus and datastore exporters export', () => {
    const names = serviceMetrics(harveyBackend).definitions.map((d) => d.name);
    expect(names).not.toContain('up');
    expect(names).not.toContain('container_cpu_usage_seconds_total');
    expect(names).not.toContain('kube_pod_container_resource_limits');
    expect(names).toEqual(expect.arrayContaining(['http_requests_total', 'http_request_duration_seconds', 'documents_generated_total']));
  });

  it('never writes job or instance, which Prometheus attaches when it scrapes', async () => {
    const metrics = serviceMetrics(harveyBackend);
    expect(() => metrics.counter('http_requests_total').inc({ job: 'x', handler: '/', method: 'GET', status: '200' })).toThrow(/job/);
  });

  it('makes every latency threshold of the alerts and SLOs a bucket bound', async () => {
    const required = requiredBucketBounds(harveyBackend);
    expect(required.get('http_request_duration_seconds')).toEqual(expect.arrayContaining([5]));
    expect(required.get('harvey_llm_latency_seconds')).toEqual([10]);
    const metrics = serviceMetrics(harveyBackend);
    metrics.histogram('http_request_duration_seconds').observe({ handler: '/', method: 'GET' }, 4.9);
    const text = await metrics.registry.getSingleMetricAsString('http_request_duration_seconds');
    expect(text).toContain('http_request_duration_seconds_bucket{le="5",handler="/",method="GET"} 1');
  });

  it('exports the declared process metrics of a service outside Kubernetes, and no other default metric', async () => {
    const metrics = serviceMetrics(harvenAi);
    const names = (await metrics.registry.getMetricsAsJSON()).map((f) => f.name);
    const declaredProcess = harvenAi.service.metrics.metrics.filter((m) => m.name.startsWith('process_')).map((m) => m.name);
    expect(declaredProcess.length).toBeGreaterThan(0);
    expect(names.filter((n) => n.startsWith('process_') || n.startsWith('nodejs_')).sort()).toEqual([...declaredProcess].sort());
  });

  it('names the service, the metric and what is declared when asked for an undeclared metric', () => {
    expect(() => serviceMetrics(harveyBackend).counter('orders_total')).toThrow(
      /harvey-backend: no application counter 'orders_total' in the metric catalog; declared: http_requests_total \(counter\)/,
    );
  });
});

describe('the exposition of every service, served over HTTP', () => {
  let server: Server;
  let base: string;
  const registries = new Map(stacks.map((s) => [s.service.name, serviceMetrics(s)]));

  beforeAll(async () => {
    for (const metrics of registries.values()) exercise(metrics);
    server = createServer((req, res) => {
      const metrics = registries.get((req.url ?? '').slice(1));
      if (!metrics) return void res.writeHead(404).end();
      void metrics.registry.metrics().then((body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(stacks.map((s) => [s.service.name] as const))('of %s passes promtool check metrics', async (name) => {
    const exposition = await (await fetch(`${base}/${name}`)).text();
    expect(exposition).toContain('# TYPE http_requests_total counter');
    expect(await promtoolCheckMetrics(exposition)).toEqual({ code: 0, output: '' });
  });

  it.each(stacks.map((s) => [s.service.name, s] as const))('of %s follows its metrics contract (verifyMetrics)', async (name, stack) => {
    expect(await verifyMetrics(metricsContractFor(stack, platform), `${base}/${name}`)).toEqual([]);
  });
});
