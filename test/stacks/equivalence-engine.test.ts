import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../lib/core/issues.js';
import { isAlertingRule } from '../../lib/render/prometheus/rule-types.js';
import { sloRuleGroups } from '../../lib/slo/rules.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { thresholdTable, thresholdTableMarkdown } from '../../lib/testing/threshold-table.js';
import { equivalenceEngine } from '../../stacks/equivalence-engine.js';
import { platform } from '../../stacks/platform.js';

const row = (alert: string) => thresholdTable(equivalenceEngine).find((r) => r.alert === alert);
const alert = (name: string) => equivalenceEngine.alerts.find((a) => a.name === name);
const synthesis = synthesize([equivalenceEngine], platform);
const file = (path: string): string => {
  const content = synthesis.files.get(`equivalence-engine/${path}`);
  if (content === undefined) throw new Error(`no file equivalence-engine/${path}`);
  return content;
};

describe('Equivalence Engine stack', () => {
  it('is valid', () => {
    expect(equivalenceEngine.service.issues.issues.map(formatIssue)).toEqual([]);
  });

  it('synthesizes every artifact without a problem', () => {
    expect(synthesis.issues.map(formatIssue)).toEqual([]);
    expect([...synthesis.files.keys()].filter((p) => /\/(k8s\/horizontal|helm\/equivalence)/.test(p))).toEqual([
      'equivalence-engine/k8s/horizontalpodautoscaler-equivalence-web.yaml',
      'equivalence-engine/k8s/horizontalpodautoscaler-equivalence-worker.yaml',
      'equivalence-engine/helm/equivalence-web.values.yaml',
      'equivalence-engine/helm/equivalence-worker.values.yaml',
    ]);
  });

  it('has the two workloads of the service contract: the API behind the ingress and the worker without ingress traffic', () => {
    const { service } = equivalenceEngine;
    expect(service.workloads.map((w) => [w.name, w.job, w.port, w.healthPath, w.servesIngress])).toEqual([
      ['equivalence-web', 'equivalence-web', 8000, '/health', true],
      ['equivalence-worker', 'equivalence-worker', 8001, '/health', false],
    ]);
    expect(service.dependencies.map((d) => [d.name, d.kind, d.port])).toEqual([
      ['postgresql', 'postgresql', 5432], ['redis', 'redis', 6379], ['mapper-providers', 'https', 443],
    ]);
  });

  it('lets only Prometheus reach the worker, and the ingress controller and Prometheus reach the API', () => {
    const peers = (workload: string) => {
      const policy = parse(file(`k8s/networkpolicy-${workload}-allow-ingress.yaml`)) as {
        spec: { ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[] };
      };
      return policy.spec.ingress.map((r) => [r.from[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name'], r.ports[0]!.port]);
    };
    expect(peers('equivalence-web')).toEqual([['ingress-nginx', 8000], ['monitoring', 8000]]);
    expect(peers('equivalence-worker')).toEqual([['monitoring', 8001]]);
  });

  it('scales the API and the worker on CPU only (no memory target anywhere)', () => {
    const hpa = (workload: string) => {
      const doc = parse(file(`k8s/horizontalpodautoscaler-${workload}.yaml`)) as {
        spec: { minReplicas: number; maxReplicas: number; metrics: { resource: { name: string; target: { averageUtilization: number } } }[] };
      };
      return [doc.spec.minReplicas, doc.spec.maxReplicas, doc.spec.metrics.map((m) => [m.resource.name, m.resource.target.averageUtilization])];
    };
    expect(hpa('equivalence-web')).toEqual([2, 6, [['cpu', 70]]]);
    expect(hpa('equivalence-worker')).toEqual([2, 8, [['cpu', 70]]]);
  });

  it('EquivalenceEngineApiDown fires when the API target is down or missing for 1m, critical SEV-1', () => {
    expect(row('EquivalenceEngineApiDown')).toEqual({
      alert: 'EquivalenceEngineApiDown', expr: 'max by (job) (up{job=\"equivalence-web\"}) == 0 or absent(up{job=\"equivalence-web\"})',
      threshold: '== 0 (or absent)', for: '1m', severity: 'critical', sev: 'SEV-1',
    });
  });

  it('EquivalenceEngineApiHighErrorRate fires when 5xx are above 5% for 5m, critical SEV-1, and mutes the SEV-4 isolated-errors alert', () => {
    expect(row('EquivalenceEngineApiHighErrorRate')).toMatchObject({ threshold: '> 5%', for: '5m', severity: 'critical', sev: 'SEV-1' });
    expect(row('EquivalenceEngineApiErrors')).toMatchObject({ threshold: '> 1%', for: '15m', severity: 'info', sev: 'SEV-4' });
    expect(alert('EquivalenceEngineApiErrors')?.inhibitedBy).toEqual({ alert: 'EquivalenceEngineApiHighErrorRate', equal: ['service'] });
  });

  it('EquivalenceEngineHighLatency fires when p95 of the API is above 2.5s for 10m, warning SEV-3', () => {
    expect(row('EquivalenceEngineHighLatency')).toMatchObject({
      expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="equivalence-web"}[5m]))) > 2.5',
      for: '10m', severity: 'warning', sev: 'SEV-3',
    });
  });

  it('pages SEV-2 when processing stops, read from the queue whatever the worker pods report: jobs queued and none ended for 15m', () => {
    expect(row('EquivalenceEngineProcessingStopped')).toMatchObject({
      expr: 'max by (queue) (rq_jobs{job="equivalence-rq-exporter",status="queued"}) > 0 ' +
        'unless on(queue) sum by (queue) (increase(equivalence_jobs_processed_total[15m])) > 0',
      for: '5m', severity: 'critical', sev: 'SEV-2',
    });
  });

  it('pages SEV-2 when processing stops: the worker target down for 5m or Redis down for 1m', () => {
    expect(row('EquivalenceEngineWorkerDown')).toMatchObject({
      expr: 'max by (job) (up{job=\"equivalence-worker\"}) == 0 or absent(up{job=\"equivalence-worker\"})', for: '5m', severity: 'critical', sev: 'SEV-2',
    });
    expect(row('EquivalenceEngineRedisDown')).toMatchObject({
      expr: 'min (redis_up{job="equivalence-redis-exporter"}) < 1', for: '1m', severity: 'critical', sev: 'SEV-2',
    });
  });

  it('pages SEV-1 when PostgreSQL, which every authenticated request needs, is down for 1m', () => {
    expect(row('EquivalenceEnginePostgresqlDown')).toMatchObject({
      expr: 'min (pg_up{job="equivalence-postgres-exporter"}) < 1', for: '1m', severity: 'critical', sev: 'SEV-1',
    });
  });

  it('opens SEV-3 tickets on a backlog above 100 jobs, a queue growing for 15m and more than 10 failed jobs', () => {
    expect(row('EquivalenceEngineQueueBacklog')).toMatchObject({
      expr: 'max by (queue) (rq_jobs{job="equivalence-rq-exporter",status="queued"}) > 100', for: '15m', severity: 'warning', sev: 'SEV-3',
    });
    expect(row('EquivalenceEngineQueueGrowing')).toMatchObject({
      expr: '(sum(rate(equivalence_jobs_processed_total[30m])) or 0 * sum(rate(equivalence_jobs_enqueued_total[30m]))) / sum(rate(equivalence_jobs_enqueued_total[30m])) < 0.9',
      for: '15m', severity: 'warning', sev: 'SEV-3',
    });
    // Jobs failed within 30m, not RQ's failed-job registry (kept a year): it resolves by itself.
    expect(row('EquivalenceEngineFailedJobs')).toMatchObject({
      expr: 'sum by (queue) (increase(equivalence_jobs_processed_total{status="failed"}[30m])) > 10', for: '5m', severity: 'warning', sev: 'SEV-3',
    });
  });

  it('informs (SEV-4) on mapper timeouts above 5%, more than 5 fallback answers in 10m and a schema that does not match the code', () => {
    expect(row('EquivalenceEngineMapperTimeouts')).toMatchObject({
      expr: '(sum(rate(equivalence_mapper_timeouts_total[10m])) or 0 * sum(rate(equivalence_mapper_requests_total[10m]))) / sum(rate(equivalence_mapper_requests_total[10m])) > 0.05',
      for: '10m', severity: 'info', sev: 'SEV-4',
    });
    expect(row('EquivalenceEngineFallbackMapperInUse')).toMatchObject({
      // Not on a single fallback: an increase over 10m stays above 0 for 10m after one event.
      expr: 'sum by (mapper) (increase(equivalence_mapper_fallback_total[10m])) > 5', for: '5m', severity: 'info', sev: 'SEV-4',
    });
    expect(row('EquivalenceEngineSchemaMigrationFailed')).toMatchObject({
      expr: 'max by (job) (equivalence_schema_revision_mismatch) > 0', for: '5m', severity: 'info', sev: 'SEV-4',
    });
  });

  it('covers every runbook severity, each alert named with the service prefix', () => {
    const names = equivalenceEngine.alerts.map((a) => a.name);
    expect(names.every((n) => n.startsWith('EquivalenceEngine'))).toBe(true);
    expect(new Set(equivalenceEngine.alerts.map((a) => `${a.level.sev} ${a.level.severity}`))).toEqual(
      new Set(['SEV-1 critical', 'SEV-2 critical', 'SEV-3 warning', 'SEV-4 info']));
    expect(names).toEqual([
      'EquivalenceEngineApiInstanceDown', 'EquivalenceEngineApiDown', 'EquivalenceEngineApiErrors', 'EquivalenceEngineApiHighErrorRate', 'EquivalenceEngineHighLatency',
      'EquivalenceEngineRqExporterDown', 'EquivalenceEngineWorkerDown', 'EquivalenceEngineFewRqWorkers', 'EquivalenceEngineProcessingStopped', 'EquivalenceEngineQueueBacklog',
      'EquivalenceEngineQueueGrowing', 'EquivalenceEngineFailedJobs',
      'EquivalenceEngineRedisDown', 'EquivalenceEngineRedisExporterDown', 'EquivalenceEngineRedisEvictingKeys', 'EquivalenceEngineRedisRejectingConnections',
      'EquivalenceEnginePostgresqlDown', 'EquivalenceEnginePostgresqlExporterDown', 'EquivalenceEnginePostgresqlTooManyConnections',
      'EquivalenceEnginePostgresqlDeadlocks',
      'EquivalenceEngineWebHighCPU', 'EquivalenceEngineWebHighMemory', 'EquivalenceEngineWorkerHighMemory',
      'EquivalenceEngineMapperTimeouts', 'EquivalenceEngineFallbackMapperInUse', 'EquivalenceEngineSchemaMigrationFailed',
    ]);
  });

  it('gives every alert a runbook entry with no empty section', () => {
    for (const a of equivalenceEngine.alerts) {
      expect(a.runbook.meaning.trim(), a.name).not.toBe('');
      expect(a.runbook.why.trim(), a.name).not.toBe('');
      expect(a.runbook.diagnose.length, a.name).toBeGreaterThan(0);
      expect(a.runbook.act.length, a.name).toBeGreaterThan(0);
      expect([...a.runbook.diagnose, ...a.runbook.act].every((step) => step.trim() !== ''), a.name).toBe(true);
    }
  });

  it('has an availability SLO of 99.5%, a latency SLO of 95% under 2.5s and a batch-job SLO of 99%, all over 30 days', () => {
    const slos = (equivalenceEngine.slos ?? []).map((slo) => ({
      name: slo.name, objective: slo.objective.toString(), days: slo.period.seconds / 86400, bad: slo.sli.bad, good: slo.sli.good, total: slo.sli.total,
    }));
    expect(slos).toEqual([
      {
        name: 'availability', objective: '99.5%', days: 30, bad: 'http_requests_total{job="equivalence-web",status=~"5.."}', good: undefined,
        total: 'http_requests_total{job="equivalence-web"}',
      },
      {
        name: 'latency', objective: '95%', days: 30, bad: undefined,
        good: 'http_request_duration_seconds_bucket{job="equivalence-web",le=~"2\\\\.5"}', total: 'http_request_duration_seconds_count{job="equivalence-web"}',
      },
      {
        name: 'batch-jobs', objective: '99%', days: 30, bad: 'equivalence_jobs_processed_total{status="failed"}', good: undefined,
        total: 'equivalence_jobs_processed_total',
      },
    ]);
  });

  it('pages on fast SLO burns at 14.4 times the budget: 7.2% errors, above the 5% SEV-1 error alert', () => {
    const alerts = sloRuleGroups(equivalenceEngine, platform).flatMap((g) => g.rules).filter(isAlertingRule);
    const pageFast = alerts.find((a) => a.alert === 'EquivalenceEngineAvailabilityBurnRatePageFast');
    expect(pageFast?.expr).toContain('> (14.4 * 0.005)');
    expect(pageFast?.labels).toMatchObject({ severity: 'critical', sev: 'SEV-2', notify: 'page' });
    expect(alerts.map((a) => a.alert)).toContain('EquivalenceEngineBatchJobsBurnRateTicketSlow');
  });

  it('has a performance dashboard and an SLO dashboard', () => {
    expect(equivalenceEngine.dashboards.map((d) => [d.uid, d.title])).toEqual([
      ['equivalence-engine-performance', 'Equivalence Engine - Performance'],
      ['equivalence-engine-slos', 'Equivalence Engine - SLOs'],
    ]);
  });

  it('has a threshold table that changes only through a reviewed snapshot', () => {
    expect(thresholdTableMarkdown(equivalenceEngine)).toMatchSnapshot();
  });

});
