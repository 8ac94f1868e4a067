import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { performanceDashboard, type PerformanceDashboardOptions } from '../../dashboards/service-performance.js';
import { defineService, formatIssues, PROCESS_METRICS, type DashboardModel } from '../../lib/core/index.js';
import { valueQuery } from '../../lib/promql/signals.js';
import { dashboardProblems } from '../../lib/render/grafana/validate-dashboard.js';
import { harveyBackendService as service, harveyBackendSpec } from '../../stacks/harvey-backend.service.js';
import { harveyAlerts, lowDocumentsAlert } from './harvey-alerts.fixture.js';
import { lines, panel, panels, type Panel } from './dashboard-json.js';

type Json = Record<string, unknown>;

const alerts = harveyAlerts();
const workload = service.workload('harvey-backend');
const job = 'job="harvey-backend"';

const options: PerformanceDashboardOptions = {
  service,
  workload,
  alerts,
  title: 'Harvey Backend - Performance',
  uid: 'harvey-backend-performance',
  business: [
    {
      title: 'Documents generated per hour', description: 'From documents_generated_total.',
      expr: `sum(rate(documents_generated_total{${job}}[1h])) * 3600`, legend: 'documents/h', unit: 'none',
    },
  ],
  dependencies: [
    {
      title: 'LLM latency p95 by provider', description: 'harvey_llm_latency_seconds per provider.',
      expr: `histogram_quantile(0.95, sum by (le, provider) (rate(harvey_llm_latency_seconds_bucket{${job}}[5m])))`,
      legend: '{{provider}}', unit: 's', dependency: 'llm-providers',
    },
  ],
};

const model = performanceDashboard(options);

function byTitle(alertName: string) {
  const alert = alerts.find((a) => a.name === alertName);
  if (!alert) throw new Error(alertName);
  return alert;
}

describe('performanceDashboard for Harvey Backend', () => {
  it('draws HarveyHighLatency, a warning, as an orange line at 5s on the latency panel', () => {
    const latency = panel(model, 'Latency percentiles');
    expect(lines(latency)).toEqual([5]);
    expect(latency.fieldConfig?.defaults.thresholds?.steps[1]).toEqual({ value: 5, color: 'orange' });
    expect(latency.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'line' });
    expect(latency.fieldConfig?.defaults.unit).toBe('s');
  });

  it('draws HarveyHighErrorRate as a red line at 0.05 on the error-rate panel', () => {
    const errors = panel(model, 'Error rate per endpoint (5xx)');
    expect(lines(errors)).toEqual([0.05]);
    expect(errors.fieldConfig?.defaults.thresholds?.steps[1]?.color).toBe('red');
    expect(errors.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'line' });
    expect(errors.fieldConfig?.defaults.unit).toBe('percentunit');
  });

  it('draws HarveyHighCPU as a red line at 0.8 on the CPU panel and nothing on the memory panel', () => {
    const cpu = panel(model, 'CPU per pod (of limit)');
    expect(lines(cpu)).toEqual([0.8]);
    expect(cpu.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'line' });
    const memory = panel(model, 'Memory per pod (of limit)');
    expect(lines(memory)).toEqual([]);
    expect(memory.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'off' });
  });

  it('plots exactly the PromQL each alert evaluates, so the line and the rule cannot disagree', () => {
    const exprs = (title: string) => (panel(model, title).targets ?? []).map((t) => t.expr);
    expect(exprs('Latency percentiles')).toContain(valueQuery(byTitle('HarveyHighLatency').signal));
    expect(exprs('Error rate per endpoint (5xx)')).toContain(valueQuery(byTitle('HarveyHighErrorRate').signal));
    expect(exprs('CPU per pod (of limit)')).toEqual([valueQuery(byTitle('HarveyHighCPU').signal)]);
  });

  it('names the alert behind each line in the panel description', () => {
    expect(panel(model, 'Latency percentiles').description).toMatch(/Alert line: HarveyHighLatency \(> 5s for 5m\)\. /);
    expect(panel(model, 'CPU per pod (of limit)').description).toMatch(/Alert line: HarveyHighCPU \(> 80% for 5m\)\.$/);
  });

  it('plots p50, p90, p95 and p99 with sum by (le) kept', () => {
    const targets = panel(model, 'Latency percentiles').targets ?? [];
    expect(targets.map((t) => t.legendFormat)).toEqual(['p50', 'p90', 'p95', 'p99']);
    expect(targets.map((t) => t.refId)).toEqual(['A', 'B', 'C', 'D']);
    for (const t of targets) expect(t.expr).toContain(`sum by (le) (rate(http_request_duration_seconds_bucket{${job}}[5m]))`);
  });

  it('selects pods by namespace and workload name in the system row', () => {
    for (const title of ['CPU per pod (of limit)', 'Memory per pod (of limit)', 'Network I/O per pod', 'Disk I/O per pod']) {
      for (const t of panel(model, title).targets ?? []) expect(t.expr).toContain('namespace="production",pod=~"harvey-backend-.*"');
    }
    expect((panel(model, 'Network I/O per pod').targets ?? []).map((t) => t.expr)).toEqual([
      'sum by (pod) (rate(container_network_receive_bytes_total{namespace="production",pod=~"harvey-backend-.*"}[5m]))',
      'sum by (pod) (rate(container_network_transmit_bytes_total{namespace="production",pod=~"harvey-backend-.*"}[5m]))',
    ]);
  });

  it('breaks requests and errors down by handler', () => {
    expect(panel(model, 'Requests per second by handler').targets?.[0]?.expr)
      .toBe(`sum by (handler) (rate(http_requests_total{${job}}[5m]))`);
    expect(panel(model, 'Error rate per endpoint (5xx)').targets?.[0]).toMatchObject({
      legendFormat: '{{handler}}',
      expr: `(sum by (handler) (rate(http_requests_total{${job},status=~"5.."}[5m])) or sum by (handler) (rate(http_requests_total{${job}}[5m])) * 0)`
        + ` / sum by (handler) (rate(http_requests_total{${job}}[5m]))`,
    });
  });

  it('lays out the System, Application, Business and Dependencies rows in that order', () => {
    const rows = panels(model).filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['System', 'Application', 'Business', 'Dependencies']);
    expect(panels(model).map((p) => p.title)).toEqual([
      'System', 'CPU per pod (of limit)', 'Memory per pod (of limit)', 'Network I/O per pod', 'Disk I/O per pod',
      'Application', 'Requests per second by handler', 'Latency percentiles', 'Error rate per endpoint (5xx)', 'Active connections (in-flight requests)',
      'Business', 'Documents generated per hour',
      'Dependencies', 'LLM latency p95 by provider',
      'PostgreSQL up', 'PostgreSQL connections', 'PostgreSQL deadlocks (10m)',
      'Redis up', 'Redis memory', 'Redis clients', 'Redis evictions and refused connections (10m)',
      'Qdrant targets up', 'Qdrant REST requests per second by endpoint', 'Qdrant REST 5xx ratio', 'Qdrant resident memory',
    ]);
  });

  it("shows the runbook's active connections from the in-flight gauge Harvey declares", () => {
    expect(panel(model, 'Active connections (in-flight requests)').targets?.map((t) => t.expr)).toEqual([`sum (http_requests_inprogress{${job}})`]);
  });

  it('gives every declared dependency the stack shows no panel for panels of its kind, from its exporter job', () => {
    const exprs = (title: string) => (panel(model, title).targets ?? []).map((t) => t.expr);
    expect(exprs('PostgreSQL connections')).toEqual([
      'sum (pg_stat_database_numbackends{job="harvey-postgres-exporter"})', 'max (pg_settings_max_connections{job="harvey-postgres-exporter"})',
    ]);
    expect(exprs('Redis up')).toEqual(['min (redis_up{job="harvey-redis-exporter"})']);
    expect(exprs('Qdrant REST 5xx ratio')).toEqual([
      '(sum(rate(rest_responses_total{job="harvey-qdrant",status=~"5.."}[5m])) or 0 * sum(rate(rest_responses_total{job="harvey-qdrant"}[5m]))) / sum(rate(rest_responses_total{job="harvey-qdrant"}[5m]))',
    ]);
  });

  it('reports a declared dependency nothing shows, and an unknown or unexplained unobserved one, all at once', () => {
    const fresh = defineService(harveyBackendSpec);
    performanceDashboard({ ...options, service: fresh, dependencies: [], unobservedDependencies: { qdrant: ' ', mongodb: 'not ours' } });
    expect(formatIssues(fresh.issues.issues)).toBe(
      '3 validation errors:\n' +
      '  harvey-backend:\n' +
      `    - dashboards["Harvey Backend - Performance"].unobservedDependencies.qdrant: ' ' is invalid; allowed: the reason no metric shows it\n` +
      `    - dashboards["Harvey Backend - Performance"].unobservedDependencies: 'mongodb' is invalid; allowed: a declared dependency of the service: 'postgresql', 'redis', 'qdrant', 'llm-providers'\n` +
      `    - dashboards["Harvey Backend - Performance"].dependencies.llm-providers: 'llm-providers' is invalid; allowed: a dependency shown on the dashboard: https has no standard metrics, so give a Dependencies panel with dependency: 'llm-providers' (panels selecting provider="llm-providers" count), or say why nothing can show it in unobservedDependencies`,
    );
  });

  it("marks a quantile at the histogram's largest finite bucket as a lower bound (≥ 10s) on latency panels", () => {
    const latency = panel(model, 'Latency percentiles') as Panel & { fieldConfig?: { defaults: { mappings?: unknown } } };
    expect(latency.fieldConfig?.defaults.mappings).toEqual([{ type: 'range', options: { from: 10, to: null, result: { text: '≥ 10s', color: 'orange', index: 0 } } }]);
    const llm = panel(model, 'LLM latency p95 by provider') as Panel & { fieldConfig?: { defaults: { mappings?: unknown } } };
    expect(llm.fieldConfig?.defaults.mappings).toEqual([{ type: 'range', options: { from: 120, to: null, result: { text: '≥ 120s', color: 'orange', index: 0 } } }]);
    expect((panel(model, 'Requests per second by handler') as Panel & { fieldConfig?: { defaults: { mappings?: unknown } } }).fieldConfig?.defaults.mappings).toBeUndefined();
  });

  it('adds an in-flight panel when the service declares http_requests_inprogress', () => {
    const withGauge = defineService({
      name: 'harvey-backend', title: 'Harvey Backend', alertPrefix: 'Harvey', team: 'harvey',
      workloads: [{
        name: 'harvey-backend', port: 8000, image: { repository: 'ghcr.io/example-org/harvey-backend', tag: 'v1' }, replicas: 1,
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } },
      }],
      metrics: [{ name: 'http_requests_inprogress', type: 'gauge', help: 'In-flight requests.', labels: ['job', 'handler', 'method'], source: 'application' }],
    });
    const built = performanceDashboard({ ...options, service: withGauge, workload: withGauge.workload('harvey-backend'), alerts: [], dependencies: [] });
    expect(panel(built, 'Active connections (in-flight requests)').targets?.[0]?.expr).toBe(`sum by (handler) (http_requests_inprogress{${job}})`);
  });

  it('leaves out the Business and Dependencies rows when no panels are given and nothing is declared unobserved', () => {
    const bare = performanceDashboard({ ...options, business: [], dependencies: undefined, unobservedDependencies: Object.fromEntries(service.dependencies.map((d) => [d.name, 'not shown here'])) });
    expect(panels(bare).filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['System', 'Application']);
  });

  it('references the datasource only through the ${datasource} variable', () => {
    const variable = { type: 'prometheus', uid: '${datasource}' };
    for (const p of panels(model)) {
      if (p.type === 'row') continue;
      expect(p.datasource, p.title).toEqual(variable);
      for (const t of p.targets ?? []) expect(t.datasource, `${p.title} ${t.refId}`).toEqual(variable);
    }
    const templating = model.json['templating'] as { list: Json[] };
    expect(templating.list).toContainEqual(expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' }));
    const text = JSON.stringify(model.json);
    expect(text).not.toContain('__inputs');
    expect(text).not.toContain('${DS_');
    expect(dashboardProblems(model)).toEqual([]);
  });

  it('builds byte-identical JSON twice from the same input', () => {
    const again = performanceDashboard(options);
    expect(JSON.stringify(again.json, null, 2)).toBe(JSON.stringify(model.json, null, 2));
    expect(again.uid).toBe(model.uid);
  });

  it('matches the reviewed golden JSON', async () => {
    await expect(`${JSON.stringify(model.json, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/harvey-backend-performance.json');
  });

  it('gives every panel a unique id counting up from 1 and stable grid positions', () => {
    const ids = panels(model).map((p) => p.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(panels(model).slice(0, 6).map((p) => p.gridPos)).toEqual([
      { x: 0, y: 0, w: 24, h: 1 },
      { x: 0, y: 1, w: 12, h: 8 },
      { x: 12, y: 1, w: 12, h: 8 },
      { x: 0, y: 9, w: 12, h: 8 },
      { x: 12, y: 9, w: 12, h: 8 },
      { x: 0, y: 17, w: 24, h: 1 },
    ]);
  });

  it('uses the house defaults: uid, title, tags with the service name, last 6h, refresh 1m, the SDK schema version', () => {
    expect(model.uid).toBe('harvey-backend-performance');
    expect(model.title).toBe('Harvey Backend - Performance');
    expect(model.json).toMatchObject({
      uid: 'harvey-backend-performance',
      title: 'Harvey Backend - Performance',
      time: { from: 'now-6h', to: 'now' },
      refresh: '1m',
      schemaVersion: defaultDashboard().schemaVersion,
    });
    expect(model.json['tags']).toContain('harvey-backend');
  });

  it('ignores alerts of another workload', () => {
    const other = defineService({
      name: 'harvey-backend', title: 'Harvey Backend', alertPrefix: 'Harvey', team: 'harvey',
      workloads: [
        ...service.workloads.map((w) => ({
          name: w.name, port: w.port, image: w.image, replicas: w.replicas,
          resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } },
        }) as const),
        {
          name: 'harvey-worker', port: 8001, image: { repository: 'ghcr.io/example-org/harvey-worker', tag: 'v1' }, replicas: 1,
          resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
        },
      ],
    });
    const built = performanceDashboard({ ...options, service: other, workload: other.workload('harvey-worker'), alerts: harveyAlerts(other), uid: 'harvey-worker-performance', dependencies: [] });
    for (const title of ['Latency percentiles', 'Error rate per endpoint (5xx)', 'CPU per pod (of limit)']) {
      expect(lines(panel(built, title)), title).toEqual([]);
    }
    expect(panel(built, 'CPU per pod (of limit)').targets?.[0]?.expr).toContain('pod=~"harvey-worker-.*"');
  });

  it('draws the threshold of an alert a business panel names', () => {
    const built = performanceDashboard({
      ...options,
      alerts: [...alerts, lowDocumentsAlert()],
      business: [{ ...options.business![0]!, thresholds: [{ alert: 'HarveyLowDocumentGeneration' }, { value: 10, color: 'orange' }] }],
    });
    const documents = panel(built, 'Documents generated per hour');
    expect(documents.fieldConfig?.defaults.thresholds?.steps).toEqual([
      { value: null, color: 'green' }, { value: 1, color: 'orange' }, { value: 10, color: 'orange' },
    ]);
    expect(documents.description).toBe('From documents_generated_total. Alert line: HarveyLowDocumentGeneration (< 1/h for 15m).');
  });

  it('draws the threshold on a stack panel whose query is the alert query', () => {
    const built = performanceDashboard({
      ...options,
      dependencies: [{ title: 'Overall error ratio', description: 'x', expr: valueQuery(byTitle('HarveyHighErrorRate').signal), unit: 'percentunit' }],
      unobservedDependencies: { 'llm-providers': 'not in this test' },
    });
    expect(lines(panel(built, 'Overall error ratio'))).toEqual([0.05]);
  });

  it('reports a uid longer than 40 characters to the service, naming field, value and what is allowed', () => {
    const uid = 'harvey-backend-performance-production-overview';
    expect(uid.length).toBeGreaterThan(40);
    const fresh = defineService(harveyBackendSpec);
    performanceDashboard({ ...options, service: fresh, uid });
    expect(formatIssues(fresh.issues.issues)).toBe(
      '1 validation error:\n' +
      '  harvey-backend:\n' +
      `    - dashboards["Harvey Backend - Performance"].uid: 'harvey-backend-performance-production-overview' is invalid; ` +
      "allowed: a Grafana dashboard uid: 1 to 40 characters from A-Z, a-z, 0-9, '-' and '_'",
    );
  });

  it('accepts a uid of exactly 40 characters', () => {
    const uid = 'h'.repeat(40);
    expect(performanceDashboard({ ...options, uid }).uid).toBe(uid);
  });

  it('reports an unknown alert name and a panel unit that does not match the alert, all at once', () => {
    const fresh = defineService(harveyBackendSpec);
    performanceDashboard({
      ...options,
      service: fresh,
      business: [{ ...options.business![0]!, thresholds: [{ alert: 'HarveyNoSuchAlert' }] }],
      dependencies: [{ ...options.dependencies![0]!, unit: 'ms', thresholds: [{ alert: 'HarveyHighLatency' }] }],
    });
    expect(formatIssues(fresh.issues.issues)).toBe(
      '2 validation errors:\n' +
      '  harvey-backend:\n' +
      `    - dashboards["Harvey Backend - Performance"].business[0].thresholds[0].alert: 'HarveyNoSuchAlert' is invalid; ` +
      "allowed: the name of one of the dashboard's alerts: 'HarveyBackendDown', 'HarveyHighLatency', 'HarveyHighErrorRate', 'HarveyHighCPU'\n" +
      `    - dashboards["Harvey Backend - Performance"].dependencies[0].unit: 'ms' is invalid; ` +
      "allowed: 's', the unit of HarveyHighLatency's threshold, so its line is drawn at the right height",
    );
  });
});

describe("performanceDashboard with system: 'process' (outside Kubernetes)", () => {
  const processModel = performanceDashboard({ ...options, system: 'process' });
  const exprs = (m: DashboardModel): string[] => panels(m).flatMap((p) => (p.targets ?? []).map((t) => t.expr));

  it('builds the System row from the process metrics, per instance', () => {
    const rows = panels(processModel);
    const system = rows.slice(rows.findIndex((p) => p.title === 'System') + 1, rows.findIndex((p) => p.title === 'Application'));
    expect(system.map((p) => [p.title, p.fieldConfig?.defaults.unit, (p.targets ?? []).map((t) => [t.expr, t.legendFormat])])).toEqual([
      ['CPU per instance', 'short', [[`sum by (instance) (rate(process_cpu_seconds_total{${job}}[5m]))`, '{{instance}}']]],
      ['Resident memory per instance', 'bytes', [[`sum by (instance) (process_resident_memory_bytes{${job}})`, '{{instance}}']]],
      ['Open file descriptors (of max)', 'percentunit', [[`max by (instance) (process_open_fds{${job}} / process_max_fds{${job}})`, '{{instance}}']]],
    ]);
    for (const p of system) expect(p.description, p.title).toContain('gunicorn/uvicorn');
  });

  it('selects by job only: no namespace, pod, cAdvisor or kube-state-metrics anywhere in the dashboard', () => {
    const text = JSON.stringify(processModel.json);
    expect(text).not.toMatch(/namespace|pod|container_|kube_/);
    // The generated Dependencies panels select their exporters' jobs.
    for (const expr of exprs(processModel)) expect(expr).toMatch(/job="[a-z-]+"/);
  });

  it('queries only metrics of PROCESS_METRICS in its System row', () => {
    const names = PROCESS_METRICS.map((m) => m.name);
    expect(names).toEqual(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_max_fds']);
    const processExprs = exprs(processModel).filter((e) => e.includes('process_'));
    expect(processExprs).toHaveLength(3);
    for (const e of processExprs) {
      for (const metric of e.match(/process_[a-z_]+/g) ?? []) expect(names).toContain(metric);
    }
  });

  it('keeps the Application, Business and Dependencies rows of the default dashboard', () => {
    const after = (m: DashboardModel) => {
      const all = panels(m);
      return all.slice(all.findIndex((p) => p.title === 'Application')).map((p) => ({ ...p, id: 0, gridPos: 0 }));
    };
    expect(after(processModel)).toEqual(after(model));
    expect(panels(processModel).filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['System', 'Application', 'Business', 'Dependencies']);
    expect(dashboardProblems(processModel)).toEqual([]);
  });

  it("is the default dashboard, byte for byte, with system: 'kubernetes' or no system", () => {
    const explicit = performanceDashboard({ ...options, system: 'kubernetes' });
    expect(JSON.stringify(explicit.json, null, 2)).toBe(JSON.stringify(model.json, null, 2));
    expect(JSON.stringify(processModel.json)).not.toBe(JSON.stringify(model.json));
  });

  it('reports an unknown system to the service, naming field, value and what is allowed', () => {
    const fresh = defineService(harveyBackendSpec);
    performanceDashboard({ ...options, service: fresh, system: 'docker' as unknown as 'process' });
    expect(formatIssues(fresh.issues.issues)).toBe(
      '1 validation error:\n' +
      '  harvey-backend:\n' +
      `    - dashboards["Harvey Backend - Performance"].system: 'docker' is invalid; allowed: 'kubernetes' or 'process'`,
    );
  });
});
