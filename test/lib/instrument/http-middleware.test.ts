import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpMetricsMiddleware, serviceMetrics, type HttpMetricsOptions } from '../../../lib/instrument/index.js';
import { harveyBackend } from '../../../stacks/harvey-backend.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A plain Node http server answering `/status/<code>`, instrumented with the middleware. */
async function serve(options?: HttpMetricsOptions) {
  const metrics = serviceMetrics(harveyBackend);
  const middleware = httpMetricsMiddleware(metrics, options);
  server = createServer((req, res) => middleware(req, res, () => {
    const code = Number(/^\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(code).end();
  }));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { metrics, base };
}

const value = async (text: Promise<string>, series: string): Promise<number | undefined> => {
  const line = (await text).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

describe('httpMetricsMiddleware', () => {
  it('counts each response by handler, method and exact status code', async () => {
    const { metrics, base } = await serve();
    await fetch(`${base}/status/200`);
    await fetch(`${base}/status/503?x=1`, { method: 'POST' });
    await fetch(`${base}/status/503`, { method: 'POST' });
    const text = metrics.registry.getSingleMetricAsString('http_requests_total');
    expect(await value(text, 'http_requests_total{handler="/status/200",method="GET",status="200"}')).toBe(1);
    expect(await value(text, 'http_requests_total{handler="/status/503",method="POST",status="503"}')).toBe(2);
    expect(await text).not.toContain('5xx');
  });

  it('observes the duration of each request under handler and method, without status', async () => {
    const { metrics, base } = await serve({ handler: () => '/status/:code' });
    await fetch(`${base}/status/201`);
    await fetch(`${base}/status/404`);
    const text = metrics.registry.getSingleMetricAsString('http_request_duration_seconds');
    expect(await value(text, 'http_request_duration_seconds_count{handler="/status/:code",method="GET"}')).toBe(2);
    expect(await value(text, 'http_request_duration_seconds_bucket{le="+Inf",handler="/status/:code",method="GET"}')).toBe(2);
  });

  it('counts a request as in progress from its arrival until its response is finished (Harvey declares the gauge)', async () => {
    const metrics = serviceMetrics(harveyBackend);
    const middleware = httpMetricsMiddleware(metrics);
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => { arrived = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    server = createServer((req, res) => middleware(req, res, () => {
      arrived();
      void released.then(() => res.writeHead(200).end());
    }));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const inProgress = () => value(metrics.registry.getSingleMetricAsString('http_requests_inprogress'), 'http_requests_inprogress');
    expect(await inProgress()).toBe(0);
    const response = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`);
    await arrival;
    expect(await inProgress()).toBe(1);
    release();
    await (await response).arrayBuffer();
    expect(await inProgress()).toBe(0);
  });

  it('creates no series before the first response, as real client libraries do', async () => {
    const { metrics } = await serve();
    expect(await metrics.registry.getSingleMetricAsString('http_requests_total')).not.toContain('http_requests_total{');
  });

  it('uses the matched Express route as the handler when there is one', async () => {
    const metrics = serviceMetrics(harveyBackend);
    const middleware = httpMetricsMiddleware(metrics);
    server = createServer((req, res) => middleware(req, res, () => {
      Object.assign(req, { baseUrl: '/api', route: { path: '/documents/:id' } });
      res.writeHead(200).end();
    }));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/documents/42`);
    const text = metrics.registry.getSingleMetricAsString('http_requests_total');
    expect(await value(text, 'http_requests_total{handler="/api/documents/:id",method="GET",status="200"}')).toBe(1);
  });
});
