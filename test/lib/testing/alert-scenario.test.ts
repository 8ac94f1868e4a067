import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertScenario, runPromtoolTests } from '../../../lib/testing/index.js';
import { fixtureStack } from '../render/promtool/fixture.js';

const stack = fixtureStack();
const seriesOf = (inputSeries: readonly { series: string; values: string }[], part: string) => inputSeries.filter((s) => s.series.includes(part));

describe('alertScenario', () => {
  it('writes histogram buckets as Python does (le="5.0") or as Go and JavaScript do (le="5"), with _count and _sum', () => {
    const python = alertScenario(stack, 'HarveyHighLatency', { p95: '3s' });
    const go = alertScenario(stack, 'HarveyHighLatency', { p95: '3s' }, { client: 'go' });
    expect(python.inputSeries.map((s) => /le="([^"]+)"/.exec(s.series)?.[1]).filter(Boolean)).toEqual(
      ['0.005', '0.01', '0.025', '0.05', '0.075', '0.1', '0.25', '0.5', '0.75', '1.0', '2.5', '5.0', '7.5', '10.0', '+Inf']);
    expect(go.inputSeries.map((s) => /le="([^"]+)"/.exec(s.series)?.[1]).filter(Boolean)).toEqual(
      ['0.005', '0.01', '0.025', '0.05', '0.075', '0.1', '0.25', '0.5', '0.75', '1', '2.5', '5', '7.5', '10', '+Inf']);
    expect(seriesOf(go.inputSeries, '_count{')).toHaveLength(1);
    expect(seriesOf(go.inputSeries, '_sum{')).toHaveLength(1);
    expect(python.description).toBe('p95 = 3s (Python buckets, le="5.0")');
    expect(go.description).toBe('p95 = 3s (Go buckets, le="5")');
  });

  it('has no 5xx series until the first 5xx, as a client creates a status series at its first request', () => {
    const { inputSeries, readyAt } = alertScenario(stack, 'HarveyHighErrorRate', { errors: '1.5%' });
    const [s500] = seriesOf(inputSeries, 'status="500"');
    const [s200] = seriesOf(inputSeries, 'status="200"');
    // Five minutes without errors (t=0..5m: six samples missing), then 150 5xx per 10 000 requests a minute, four 500s for each 503.
    expect(s500!.values).toMatch(/^_x6 120\+120x\d+$/);
    expect(seriesOf(inputSeries, 'status="503"')[0]!.values).toMatch(/^_x6 30\+30x\d+$/);
    expect(s200!.values).toMatch(/^0\+9900x5 /);
    expect(readyAt).toBe('11m');
  });

  it('leaves out a labelled counter that never increments', () => {
    const { inputSeries } = alertScenario(stack, 'HarveyHighErrorRate', { errors: '0%' });
    expect(seriesOf(inputSeries, 'status="5')).toEqual([]);
    const ratio = alertScenario(stack, 'HarveyHighAuthFailureRatio', { ratio: '0%' });
    expect(seriesOf(ratio.inputSeries, 'status="401"').map((s) => s.series)).toEqual([
      // Only another job's copy, which the selector must leave out.
      'http_requests_total{instance="10.0.0.12:8000",job="harvey-backend-other",status="401"}',
    ]);
  });

  it('builds per-pod series from cAdvisor (with the pod-level cgroup series) and kube-state-metrics', () => {
    const { inputSeries } = alertScenario(stack, 'HarveyHighCPU', { cpu: '50%' }, { duration: '10m' });
    expect(inputSeries.map((s) => s.series)).toEqual([
      'container_cpu_usage_seconds_total{container="harvey-backend",job="kubelet",metrics_path="/metrics/cadvisor",namespace="production",pod="harvey-backend-6d4cf56db6-abcde"}',
      'container_cpu_usage_seconds_total{job="kubelet",metrics_path="/metrics/cadvisor",namespace="production",pod="harvey-backend-6d4cf56db6-abcde"}',
      'kube_pod_container_resource_limits{container="harvey-backend",job="kube-state-metrics",namespace="production",pod="harvey-backend-6d4cf56db6-abcde",resource="cpu",unit="core"}',
    ]);
    // 50% of a 2-core limit: 60 CPU-seconds a minute, on a counter that has run for two hours.
    expect(inputSeries[0]!.values).toBe('14400+60x10');
  });

  it('gives series on which promtool reads the chosen p95 for Python and Go buckets alike', async () => {
    for (const client of ['python', 'go'] as const) {
      const scenario = alertScenario(stack, 'HarveyHighLatency', { p95: '2.5s' }, { client });
      const test = {
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [{
          interval: scenario.interval,
          input_series: scenario.inputSeries,
          promql_expr_test: [{
            expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
            eval_time: '10m',
            exp_samples: [{ labels: '{}', value: 2.5 }],
          }],
        }],
      };
      const result = await runPromtoolTests({ 'rules.yaml': scenario.ruleFile, 't.yaml': JSON.stringify(test) }, 't.yaml');
      expect(result.output).toContain('SUCCESS');
      expect(parse(scenario.ruleFile).groups[0].rules.map((r: { alert: string }) => r.alert)).toContain('HarveyHighLatency');
    }
  });
});
