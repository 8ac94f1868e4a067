import { describe, expect, it } from 'vitest';
import { thresholdTable, thresholdTableMarkdown } from '../../lib/testing/threshold-table.js';
import { isAlertingRule } from '../../lib/render/prometheus/rule-types.js';
import { sloRuleGroups } from '../../lib/slo/rules.js';
import { promtoolTestsFor } from '../../lib/render/promtool/test-file.js';
import { harveyBackend } from '../../stacks/harvey-backend.js';
import { platform } from '../../stacks/platform.js';

const row = (alert: string) => thresholdTable(harveyBackend).find((r) => r.alert === alert);

describe('Harvey Backend stack', () => {
  it('is valid', () => {
    expect(harveyBackend.service.issues.issues).toEqual([]);
  });

  it('HarveyBackendInstanceDown opens a SEV-3 ticket, naming the instance, when one replica is down past its 300s start-up window', () => {
    expect(row('HarveyBackendInstanceDown')).toMatchObject({ expr: 'up{job="harvey-backend"} == 0', for: '10m', severity: 'warning', sev: 'SEV-3' });
    const instance = harveyBackend.alerts.find((a) => a.name === 'HarveyBackendInstanceDown')!;
    expect(instance.summary).toContain('{{ $labels.instance }}');
    expect(instance.inhibitedBy).toEqual({ alert: 'HarveyBackendDown', equal: ['service', 'job'] });
  });

  it('HarveyBackendDown fires when no target is healthy (all down or missing) for 1m, critical SEV-1', () => {
    expect(row('HarveyBackendDown')).toMatchObject({
      expr: 'max by (job) (up{job=\"harvey-backend\"}) == 0 or absent(up{job=\"harvey-backend\"})', for: '1m', severity: 'critical', sev: 'SEV-1',
    });
  });

  it('HarveyHighLatency fires when p95 is above 5s for 5m, warning SEV-2', () => {
    expect(row('HarveyHighLatency')).toMatchObject({ threshold: '> 5s', for: '5m', severity: 'warning', sev: 'SEV-2' });
  });

  it('HarveyHighErrorRate fires when 5xx are above 5% for 5m, critical SEV-1', () => {
    expect(row('HarveyHighErrorRate')).toMatchObject({ threshold: '> 5%', for: '5m', severity: 'critical', sev: 'SEV-1' });
  });

  it('HarveyHighCPU fires when CPU is above 80% of the limit for 5m, warning SEV-2', () => {
    expect(row('HarveyHighCPU')).toMatchObject({ threshold: '> 80%', for: '5m', severity: 'warning', sev: 'SEV-2' });
  });

  it('keeps the CPU alert above the HPA CPU target, as the service contract asks', () => {
    const workload = harveyBackend.service.workload('harvey-backend');
    expect(workload.autoscaling).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(workload.autoscaling?.cpuUtilization?.value).toBe(70);
    // No memory target: a Python process keeps its memory when load drops, so it would only ever scale up.
    expect(workload.autoscaling?.memoryUtilization).toBeUndefined();
  });

  it('HarveyLowDocumentGeneration counts user requests only: kubelet probes and scrapes are not "serving requests"', () => {
    expect(row('HarveyLowDocumentGeneration')?.expr).toBe(
      '(sum(rate(documents_generated_total{job="harvey-backend"}[1h])) or vector(0)) * 3600 < 1 and on() ' +
      'sum(rate(http_requests_total{job="harvey-backend",handler!~"/health|/metrics|/healthz|/ready|/readyz|/live|/livez"}[1h])) > 0');
  });

  it('also watches memory, document generation and LLM latency from the runbooks', () => {
    expect(thresholdTable(harveyBackend).map((r) => r.alert)).toEqual([
      'HarveyBackendInstanceDown', 'HarveyBackendDown', 'HarveyHighLatency', 'HarveyHighErrorRate', 'HarveyHighCPU', 'HarveyHighMemory',
      'HarveyLowDocumentGeneration', 'HarveyLLMHighLatency',
    ]);
  });

  it('has the SLOs of the service contract: 99.9% non-5xx and 95% of requests under 5s, both over 30 days', () => {
    const slos = (harveyBackend.slos ?? []).map((slo) => ({
      name: slo.name, objective: slo.objective.toString(), period: slo.period.seconds / 86400, bad: slo.sli.bad, good: slo.sli.good, total: slo.sli.total,
    }));
    expect(slos).toEqual([
      { name: 'availability', objective: '99.9%', period: 30, bad: 'http_requests_total{job="harvey-backend",status=~"5.."}', good: undefined, total: 'http_requests_total{job="harvey-backend"}' },
      {
        name: 'latency', objective: '95%', period: 30, bad: undefined,
        good: 'http_request_duration_seconds_bucket{job="harvey-backend",le=~"5(\\\\.0)?"}', total: 'http_request_duration_seconds_count{job="harvey-backend"}',
      },
    ]);
  });

  it('pages on fast SLO burns and opens tickets on slow ones, with the Workbook factors for 30 days', () => {
    const alerts = sloRuleGroups(harveyBackend, platform).flatMap((g) => g.rules).filter(isAlertingRule);
    expect(alerts.map((a) => [a.alert, a.labels.severity, a.labels.notify, a.for])).toEqual([
      ['HarveyAvailabilityBurnRatePageFast', 'critical', 'page', '2m'],
      ['HarveyAvailabilityBurnRatePageSlow', 'critical', 'page', '15m'],
      ['HarveyLatencyBurnRatePageFast', 'critical', 'page', '2m'],
      ['HarveyLatencyBurnRatePageSlow', 'critical', 'page', '15m'],
      ['HarveyAvailabilityBurnRateTicketFast', 'warning', 'ticket', '1h'],
      ['HarveyAvailabilityBurnRateTicketSlow', 'warning', 'ticket', '3h'],
      ['HarveyLatencyBurnRateTicketFast', 'warning', 'ticket', '1h'],
      ['HarveyLatencyBurnRateTicketSlow', 'warning', 'ticket', '3h'],
      ['HarveySloRuleGroupMissedIterations', 'warning', 'ticket', '0s'],
    ]);
    expect(alerts[0]!.expr).toContain('> (14.4 * 0.001)');
    expect(alerts[2]!.expr).toContain('> (14.4 * 0.05)');
  });

  it('has a threshold table that changes only through a reviewed snapshot', () => {
    expect(thresholdTableMarkdown(harveyBackend)).toMatchSnapshot();
  });
});

describe('Harvey latency annotations at the top bucket', () => {
  // dist.test.ts runs these generated tests under the real promtool, which compares annotations byte for byte.
  const tests = promtoolTestsFor(harveyBackend, platform, 'prometheus-rules.yaml').tests;
  const description = (scenario: string): string | undefined =>
    tests.find((t) => t.name === scenario)?.alert_rule_test.flatMap((a) => a.exp_alerts).at(-1)?.exp_annotations.description;

  it('says the p95 is at least the largest finite bucket when requests take longer than every bound', () => {
    expect(description('HarveyHighLatency fires with p95 at the largest finite bucket (10s) when requests take longer than every bound'))
      .toBe('p95 request latency of Harvey Backend is ≥ 10s, the largest finite bucket of http_request_duration_seconds, so possibly more (threshold 5s).');
  });

  it('gives the plain value below the largest finite bucket', () => {
    expect(description('HarveyHighLatency fires when p95 is just above 5s for 5m')).toMatch(/^p95 request latency of Harvey Backend is 5\.\d+s \(threshold 5s\)\.$/);
  });
});

