import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../lib/core/issues.js';
import { thresholdTable, thresholdTableMarkdown } from '../../lib/testing/threshold-table.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { harvenAi } from '../../stacks/harven-ai.js';
import { platform } from '../../stacks/platform.js';

const row = (alert: string) => thresholdTable(harvenAi).find((r) => r.alert === alert);
const K8S_ONLY_METRICS = /container_|kube_/;

describe('Harven.AI stack', () => {
  it('is valid', () => {
    expect(harvenAi.service.issues.issues.map(formatIssue)).toEqual([]);
  });

  it('HarvenHighLatency fires when p95 is above 3s for 5m, warning SEV-2', () => {
    expect(row('HarvenHighLatency')).toEqual({
      alert: 'HarvenHighLatency',
      expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="harven-backend"}[5m]))) > 3',
      threshold: '> 3s', for: '5m', severity: 'warning', sev: 'SEV-2',
    });
  });

  it('HarvenHighErrorRate fires when 5xx are above 5% for 5m, critical SEV-1', () => {
    expect(row('HarvenHighErrorRate')).toEqual({
      alert: 'HarvenHighErrorRate',
      expr: '(sum(rate(http_requests_total{job="harven-backend",status=~"5.."}[5m])) or 0 * sum(rate(http_requests_total{job="harven-backend"}[5m]))) / sum(rate(http_requests_total{job="harven-backend"}[5m])) > 0.05',
      threshold: '> 5%', for: '5m', severity: 'critical', sev: 'SEV-1',
    });
  });

  it('has 3s as a bucket bound of its latency histogram, so the latency threshold is exact', () => {
    expect(harvenAi.service.metrics.find('http_request_duration_seconds')?.buckets).toContain(3);
  });

  it('also watches the backend target, mass 401/403, OpenAI and Redis, as the runbook asks', () => {
    expect(thresholdTable(harvenAi).map((r) => [r.alert, r.threshold, r.for, r.severity, r.sev])).toEqual([
      ['HarvenBackendInstanceDown', '== 0', '10m', 'warning', 'SEV-3'],
      ['HarvenBackendDown', '== 0 (or absent)', '1m', 'critical', 'SEV-1'],
      ['HarvenHighLatency', '> 3s', '5m', 'warning', 'SEV-2'],
      ['HarvenHighErrorRate', '> 5%', '5m', 'critical', 'SEV-1'],
      ['HarvenAuthenticationFailures', '> 20%', '5m', 'critical', 'SEV-2'],
      ['HarvenOpenAIHighErrorRate', '> 10%', '5m', 'warning', 'SEV-3'],
      ['HarvenOpenAIQuotaExceeded', '> 10%', '5m', 'critical', 'SEV-2'],
      ['HarvenOpenAIHighLatency', '> 30s', '10m', 'warning', 'SEV-3'],
      ['HarvenRedisDown', '< 1', '1m', 'critical', 'SEV-2'],
      ['HarvenRedisExporterDown', '== 0 (or absent)', '5m', 'warning', 'SEV-3'],
      ['HarvenRedisEvictingKeys', '> 0 in 10m', '5m', 'warning', 'SEV-3'],
      ['HarvenRedisRejectingConnections', '> 0 in 10m', '1m', 'warning', 'SEV-2'],
      ['HarvenRedisMemoryHigh', '> 483183820', '10m', 'warning', 'SEV-3'],
    ]);
  });

  it('HarvenAuthenticationFailures fires when 401/403 are above 20% of responses over 10m', () => {
    expect(row('HarvenAuthenticationFailures')?.expr).toBe(
      '(sum(rate(http_requests_total{job="harven-backend",status=~"401|403"}[10m])) or 0 * sum(rate(http_requests_total{job="harven-backend"}[10m]))) / sum(rate(http_requests_total{job="harven-backend"}[10m])) > 0.2');
  });

  it('HarvenOpenAIQuotaExceeded fires when 429s are above 10% of the calls to OpenAI', () => {
    expect(row('HarvenOpenAIQuotaExceeded')?.expr).toBe(
      '(sum(rate(llm_requests_total{job="harven-backend",provider="openai",status="429"}[5m])) or 0 * sum(rate(llm_requests_total{job="harven-backend",provider="openai"}[5m]))) / sum(rate(llm_requests_total{job="harven-backend",provider="openai"}[5m])) > 0.1');
  });

  it('works without Kubernetes: every alert selects by job and reads no cAdvisor or kube-state-metrics series', () => {
    for (const r of thresholdTable(harvenAi)) {
      expect(r.expr).not.toMatch(K8S_ONLY_METRICS);
      expect(r.expr).not.toContain('namespace');
      expect(r.expr).toMatch(/job="(harven-backend|harven-redis)"/);
    }
  });

  it('works without Kubernetes: no dashboard query reads cAdvisor or kube-state-metrics, or selects by namespace or pod', () => {
    for (const d of harvenAi.dashboards) {
      const text = JSON.stringify(d.json);
      expect(text, d.uid).not.toMatch(K8S_ONLY_METRICS);
      expect(text, d.uid).not.toMatch(/namespace|pod=|\{\{pod\}\}|by \([^)]*pod/);
    }
    const overview = JSON.stringify(harvenAi.dashboards[0]!.json);
    expect(overview).toContain('sum by (instance) (rate(process_cpu_seconds_total{job=\\"harven-backend\\"}[5m]))');
    expect(overview).toContain('sum by (instance) (process_resident_memory_bytes{job=\\"harven-backend\\"})');
    expect(overview).toContain('max by (instance) (process_open_fds{job=\\"harven-backend\\"} / process_max_fds{job=\\"harven-backend\\"})');
  });

  it('declares the process metrics its dashboard queries', () => {
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_max_fds']) {
      expect(harvenAi.service.metrics.has(name), name).toBe(true);
    }
  });

  it('has an availability SLO of 99.9% non-5xx over 30 days', () => {
    expect((harvenAi.slos ?? []).map((slo) => ({
      name: slo.name, objective: slo.objective.toString(), days: slo.period.seconds / 86400, bad: slo.sli.bad, total: slo.sli.total,
    }))).toEqual([{
      name: 'availability', objective: '99.9%', days: 30,
      bad: 'http_requests_total{job="harven-backend",status=~"5.."}', total: 'http_requests_total{job="harven-backend"}',
    }]);
  });

  it('has the API overview dashboard with latency p95 per handler, and an SLO dashboard', () => {
    expect(harvenAi.dashboards.map((d) => [d.uid, d.title])).toEqual([
      ['harven-ai-api-overview', 'Harven.AI - API Overview'],
      ['harven-ai-slos', 'Harven.AI - SLOs'],
    ]);
    expect(JSON.stringify(harvenAi.dashboards[0]!.json)).toContain(
      'histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job=\\"harven-backend\\"}[5m])))');
  });

  it('gives every alert a runbook with no empty section', () => {
    for (const alert of harvenAi.alerts) {
      expect(alert.runbook.meaning.trim(), alert.name).not.toBe('');
      expect(alert.runbook.why.trim(), alert.name).not.toBe('');
      expect(alert.runbook.diagnose.length, alert.name).toBeGreaterThan(0);
      expect(alert.runbook.act.length, alert.name).toBeGreaterThan(0);
    }
  });

  it('has a threshold table that changes only through a reviewed snapshot', () => {
    expect(thresholdTableMarkdown(harvenAi)).toMatchSnapshot();
  });

  it('synthesizes without issues, with a non-root workload, probes on / and an HPA from 2 to 6', () => {
    const { files, issues } = synthesize([harvenAi], platform);
    expect(issues.map(formatIssue)).toEqual([]);
    const values = files.get('harven-ai/helm/harven-backend.values.yaml') ?? '';
    expect(values).toContain('runAsNonRoot: true');
    expect(values).toMatch(/livenessProbe:[\s\S]*path: \//);
    expect(files.get('harven-ai/k8s/horizontalpodautoscaler-harven-backend.yaml')).toMatch(/minReplicas: 2[\s\S]*maxReplicas: 6|maxReplicas: 6[\s\S]*minReplicas: 2/);
  });

});
