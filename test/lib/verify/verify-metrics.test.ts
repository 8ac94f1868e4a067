import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricsContractFor, type MetricsContract } from '../../../lib/render/contract/metrics-contract.js';
import { verifyExposition, verifyMetrics } from '../../../lib/verify/verify-metrics.js';
import { customerSupport } from '../../../stacks/customer-support.js';
import { harvenAi } from '../../../stacks/harven-ai.js';
import { platform } from '../../../stacks/platform.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The contract's two HTTP metrics: what the FastAPI instrumentation of each service writes. */
function httpContract(contract: MetricsContract): MetricsContract {
  return { ...contract, metrics: contract.metrics.filter((m) => m.name.startsWith('http_request')) };
}

const harven = httpContract(metricsContractFor(harvenAi, platform));
const support = httpContract(metricsContractFor(customerSupport, platform));

/** An exposition written by the real prom-client, with the histogram's buckets given or prom-client's defaults. */
async function promClientExposition(buckets?: number[], statuses: readonly string[] = ['200', '401', '500']): Promise<string> {
  const registry = new Registry();
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests.', labelNames: ['handler', 'method', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'http_request_duration_seconds', help: 'Latency.', labelNames: ['handler', 'method'], registers: [registry], ...(buckets && { buckets }),
  });
  for (const status of statuses) requests.inc({ handler: '/api/tickets', method: 'POST', status });
  latency.observe({ handler: '/api/tickets', method: 'POST' }, 1.7);
  return registry.metrics();
}

describe('verifyExposition', () => {
  it('fails prometheus-fastapi-instrumentator defaults for Harven: grouped status codes and no 3s bucket', () => {
    expect(verifyExposition(harven, fixture('fastapi-instrumentator-defaults.prom')).map((f) => f.message)).toEqual([
      'http_requests_total: status values are grouped (2xx, 4xx) but HarvenAuthenticationFailures, harven-ai-api-overview: Refused requests (401/403) per handler, ' +
        'harven-ai-api-overview: Share of requests refused (401/403) match exact values; e.g. Instrumentator(should_group_status_codes=False)',
      'http_request_duration_seconds: bucket le="3" missing (bounds seen: 0.1, 0.5, 1.0, +Inf; needed by HarvenHighLatency)',
    ]);
  });

  it('fails prometheus_client default buckets for Harven: 2.5 and 5, no 3', () => {
    expect(verifyExposition(harven, fixture('prometheus-client-defaults.prom')).map((f) => f.message)).toEqual([
      'http_request_duration_seconds: bucket le="3" missing (bounds seen: 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, +Inf; needed by HarvenHighLatency)',
    ]);
  });

  it('fails prom-client default buckets for Customer Support, which needs a 2s bound', async () => {
    const findings = verifyExposition(support, await promClientExposition());
    expect(findings.map((f) => [f.kind, f.message])).toEqual([
      ['bucket', expect.stringMatching(/^http_request_duration_seconds: bucket le="2" missing \(bounds seen: 0\.005, 0\.01, 0\.025, 0\.05, 0\.1, 0\.25, 0\.5, 1, 2\.5, 5, 10, \+Inf; needed by /)],
    ]);
  });

  it('passes a prom-client exposition that follows the contract, and one in prometheus_client style (le="5.0")', async () => {
    const buckets = [...support.metrics.find((m) => m.name === 'http_request_duration_seconds')!.buckets!];
    expect(verifyExposition(support, await promClientExposition(buckets))).toEqual([]);
    const pythonStyle = (await promClientExposition(buckets)).replace(/le="(\d+)"/g, 'le="$1.0"');
    expect(pythonStyle).toContain('le="2.0"');
    expect(verifyExposition(support, pythonStyle)).toEqual([]);
  });

  it('reports a missing metric, a wrong type and a missing label name', () => {
    const text = [
      '# HELP http_requests_total Requests.',
      '# TYPE http_requests_total gauge',
      'http_requests_total{handler="/a",method="GET",status="200"} 1',
      '',
    ].join('\n');
    expect(verifyExposition(harven, text).map((f) => f.message)).toEqual([
      'http_requests_total: type gauge, expected counter (needed by HarvenAuthenticationFailures, HarvenHighErrorRate)',
      'http_request_duration_seconds: missing (a histogram with labels handler, method; needed by HarvenHighLatency)',
    ]);
    const noMethod = text.replace('gauge', 'counter').replace(',method="GET"', '');
    expect(verifyExposition(harven, noMethod).map((f) => f.message)).toContain('http_requests_total: label method missing (labels seen: handler, status)');
  });

  it('takes a labelled metric without samples yet (declared, never incremented) as present', () => {
    const text = '# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n';
    expect(verifyExposition(harven, text, { metrics: ['http_requests_total'] })).toEqual([]);
  });
});

describe('verifyMetrics', () => {
  it('reads the exposition from a URL as well as from a file', async () => {
    const body = fixture('fastapi-instrumentator-defaults.prom');
    const server = createServer((_, response) => response.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      const fromUrl = await verifyMetrics(harven, url);
      const fromFile = await verifyMetrics(harven, new URL('./fixtures/fastapi-instrumentator-defaults.prom', import.meta.url).pathname);
      expect(fromUrl).toEqual(fromFile);
      expect(fromUrl.map((f) => f.kind)).toEqual(['grouped', 'bucket']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
