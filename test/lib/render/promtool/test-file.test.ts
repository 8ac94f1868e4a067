import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Signal } from '../../../../lib/core/alert.js';
import type { ServiceStack } from '../../../../lib/core/stack.js';
import { ruleGroupsFor } from '../../../../lib/render/prometheus/rule-groups.js';
import { resolveScenarios } from '../../../../lib/render/promtool/resolve.js';
import { promtoolTestsFor } from '../../../../lib/render/promtool/test-file.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { checkRules, runPromtoolTests } from '../../../../lib/testing/promtool.js';
import { runSplit } from '../../../support/split-promtool.js';
import {
  duration, fixtureStack, platform, ratio, RULE_FILE, rulesYaml, TEST_FILE, testsYaml, withFor, withThresholdsScaled, withThresholdsShifted,
} from './fixture.js';

const stack = fixtureStack();
const file = promtoolTestsFor(stack, platform, RULE_FILE);

/**
 * Runs the tests generated from the fixture against the given rule file text, split as `oac test` runs
 * them (each part loads only the rules its tests read; the test below runs the whole file once).
 */
const runAgainst = (rules: string) => runSplit({ [RULE_FILE]: rules, [TEST_FILE]: testsYaml(stack) }, TEST_FILE);

/** Names of the test groups promtool reports as failed. */
const failedGroups = (output: string): string[] => [...new Set([...output.matchAll(/^\s+name: (.*),$/gm)].map((m) => m[1]!))].sort();

/** The fixture's rule file with one alert's expression edited. */
function rulesWithExpr(s: ServiceStack, alert: string, edit: (expr: string) => string): string {
  const groups = ruleGroupsFor(s, platform).map((g) => ({
    ...g,
    rules: g.rules.map((r) => ('alert' in r && r.alert === alert ? { ...r, expr: edit(r.expr) } : r)),
  }));
  return toYaml({ groups });
}

describe('promtoolTestsFor', () => {
  it('references the rule file and uses the platform evaluation interval', () => {
    expect(file.rule_files).toEqual([RULE_FILE]);
    expect(file.evaluation_interval).toBe('1m');
  });

  it('gives every test group an explicit interval, as promtool 2.42 reads a missing one as 0', () => {
    const groups = parse(testsYaml(stack)).tests as Record<string, unknown>[];
    expect(groups.length).toBe(file.tests.length);
    for (const group of groups) expect(group.interval, String(group.name)).toBe('1m');
  });

  it('uses nothing newer than promtool 2.42 understands', () => {
    const yaml = testsYaml(stack);
    for (const key of ['fuzzy_compare', 'query_offset', 'external_labels', 'external_url']) expect(yaml).not.toContain(key);
    for (const group of parse(yaml).tests as Record<string, unknown>[]) {
      expect(Object.keys(group).sort()).toEqual(['alert_rule_test', 'input_series', 'interval', 'name', 'promql_expr_test']);
    }
    // Native-histogram series notation is written with {{ }}.
    for (const series of file.tests.flatMap((t) => t.input_series)) expect(series.values).not.toContain('{{');
  });

  it('proves every alert with breaching, healthy and idle scenarios named as sentences', () => {
    expect(file.tests.map((t) => t.name)).toEqual([
      'HarveyBackendDown fires when every target has up 0 for 1m',
      'HarveyBackendDown stays silent while up is 1',
      'HarveyBackendDown stays silent while one of two targets is down and the other is up',
      'HarveyBackendDown fires when the up series of job harvey-backend is missing for 1m',
      'HarveyHighErrorRate fires when the 5xx ratio is just above 5% for 5m',
      'HarveyHighErrorRate stays silent when the 5xx ratio is just below 5%',
      'HarveyHighErrorRate stays silent without traffic (0/0 is NaN, not an error ratio)',
      'HarveyHighErrorRate stays silent when requests are served and no 5xx series exists yet (labelled counters appear with their first increment)',
      'HarveyHighErrorRate fires when the first 5xx creates its series after 5m of healthy traffic (it appears at 1000, not 0) and 5xx keep coming',
      'HarveyHighLatency fires when p95 is just above 5s for 5m',
      'HarveyHighLatency fires with p95 at the largest finite bucket (10s) when requests take longer than every bound',
      'HarveyHighLatency stays silent when p95 is just below 5s',
      'HarveyHighLatency stays silent without requests (no observations make p95 NaN)',
      'HarveyHighLatency stays silent when http_request_duration_seconds has no series yet (no observation since the process started)',
      "HarveyHighCPU fires when a pod's CPU use is just above 80% of its limit (2000m) for 5m",
      "HarveyHighCPU stays silent when a pod's CPU use is just below 80% of its limit",
      'HarveyHighCPU stays silent while the container is idle (usage counter flat)',
      'HarveyHighCPU stays silent when only pods of other workloads or namespaces use all of their CPU limit',
      "HarveyHighCPU stays silent when the workload's pods are gone (cAdvisor and kube-state-metrics series vanish with their pod)",
      "HarveyHighMemory fires when a pod's memory working set is just above 90% of its limit (4Gi) for 5m",
      "HarveyHighMemory stays silent when a pod's memory working set is just below 90% of its limit",
      'HarveyHighMemory stays silent when only pods of other workloads or namespaces are at their memory limit',
      "HarveyHighMemory stays silent when the workload's pods are gone (cAdvisor and kube-state-metrics series vanish with their pod)",
      'HarveyLowDocumentGeneration fires when documents_generated_total drops to just below 5/h for 30m while requests are served',
      'HarveyLowDocumentGeneration stays silent when documents_generated_total drops to just above 5/h',
      'HarveyLowDocumentGeneration stays silent with no requests and no documents_generated_total increase',
      'HarveyLowDocumentGeneration fires when documents_generated_total is missing for 30m while requests are served',
      'HarveyHighAuthFailureRatio fires when http_requests_total{job="harvey-backend",status=~"401|403"} / http_requests_total{job="harvey-backend"} is just above 10% for 10m',
      'HarveyHighAuthFailureRatio stays silent when the ratio is just below 10%',
      'HarveyHighAuthFailureRatio stays silent without events in the denominator (0/0 is NaN, not a ratio)',
      'HarveyHighAuthFailureRatio stays silent when http_requests_total{job="harvey-backend",status=~"401|403"} has no series yet while http_requests_total{job="harvey-backend"} counts 10000 events per interval (a ratio of 0%: labelled counters appear with their first increment)',
      'HarveyHighClientErrorRatio fires when http_requests_total{job="harvey-backend",status=~"4.."} / http_requests_total{job="harvey-backend"} is just above 50% for 5m',
      'HarveyHighClientErrorRatio stays silent when the ratio is just below 50%',
      'HarveyHighClientErrorRatio stays silent without events in the denominator (0/0 is NaN, not a ratio)',
      'HarveyHighClientErrorRatio stays silent when the ratio is 100% but http_requests_total{job="harvey-backend"} counts only 2499 events within 10m (fewer than 2500)',
      'HarveyHighClientErrorRatio stays silent when http_requests_total{job="harvey-backend",status=~"4.."} has no series yet while http_requests_total{job="harvey-backend"} counts 1000 events per interval (a ratio of 0%: labelled counters appear with their first increment)',
      'HarveyLowTicketResolution fires when tickets_resolved_total{job="harvey-backend"} / tickets_created_total{job="harvey-backend"} is just below 80% for 30m',
      'HarveyLowTicketResolution stays silent when the ratio is just above 80%',
      'HarveyLowTicketResolution stays silent without events in the denominator (0/0 is NaN, not a ratio)',
      'HarveyQueueBacklog fires when the max of rq_queue_jobs{job="harvey-worker",status="queued"} by queue is 102 (> 100) for 10m',
      'HarveyQueueBacklog stays silent when the max of rq_queue_jobs{job="harvey-worker",status="queued"} by queue is 98 (not > 100)',
      'HarveyQueueBacklog stays silent without rq_queue_jobs series (a missing gauge does not fire; a target-down alert covers it)',
      'HarveyRedisDown fires when the min of redis_up{job="redis"} is 0 (< 1) for 1m',
      'HarveyRedisDown stays silent when the min of redis_up{job="redis"} is 1 (not < 1)',
      'HarveyRedisDown stays silent without redis_up series (a missing gauge does not fire; a target-down alert covers it)',
      'HarveyMigrationFailed fires when migrations_failed_total{job="harvey-worker"} grows by 1 within 1h (more than 0) for 0s',
      'HarveyMigrationFailed stays silent while migrations_failed_total{job="harvey-worker"} does not grow, across a restart that resets it to 0',
      'HarveyJobFailures fires when rq_jobs_failed_total{job="harvey-worker"} grows by 6 within 15m (more than 5) for 5m',
      'HarveyJobFailures stays silent when rq_jobs_failed_total{job="harvey-worker"} grows by exactly 5 within 15m',
      'HarveyJobFailures stays silent while rq_jobs_failed_total{job="harvey-worker"} does not grow, across a restart that resets it to 0',
    ]);
  });

  it('works out when each condition first holds and when the alert fires', () => {
    const timings = stack.alerts.flatMap((alert) => resolveScenarios(stack, alert, platform)
      .filter((r) => r.firesAt !== undefined)
      .map((r) => [r.scenario.name, r.conditionTrueAt! / 60_000, r.firesAt! / 60_000]));
    expect(timings).toEqual([
      // Instant selectors: true from the first sample.
      ['HarveyBackendDown fires when every target has up 0 for 1m', 0, 1],
      ['HarveyBackendDown fires when the up series of job harvey-backend is missing for 1m', 0, 1],
      // rate() needs two samples; counters starting at zero make the ratio exact from then on.
      ['HarveyHighErrorRate fires when the 5xx ratio is just above 5% for 5m', 1, 6],
      ['HarveyHighLatency fires when p95 is just above 5s for 5m', 1, 6],
      ['HarveyHighLatency fires with p95 at the largest finite bucket (10s) when requests take longer than every bound', 1, 6],
      // A long-running counter's rate is extrapolated to the whole 5m window from 4m of data.
      ["HarveyHighCPU fires when a pod's CPU use is just above 80% of its limit (2000m) for 5m", 4, 9],
      ["HarveyHighMemory fires when a pod's memory working set is just above 90% of its limit (4Gi) for 5m", 0, 5],
      // One hour of normal production, then the last normal minute leaves the 1h window at 2h.
      ['HarveyLowDocumentGeneration fires when documents_generated_total drops to just below 5/h for 30m while requests are served', 120, 150],
      ['HarveyLowDocumentGeneration fires when documents_generated_total is missing for 30m while requests are served', 1, 31],
      // Counters starting at zero: the ratio is exact from the second sample on, as for the 5xx ratio.
      ['HarveyHighAuthFailureRatio fires when http_requests_total{job="harvey-backend",status=~"401|403"} / http_requests_total{job="harvey-backend"} is just above 10% for 10m', 1, 11],
      // minEvents 2500 at 1000 requests a minute: the ratio holds from 1m, the volume from 3m.
      ['HarveyHighClientErrorRatio fires when http_requests_total{job="harvey-backend",status=~"4.."} / http_requests_total{job="harvey-backend"} is just above 50% for 5m', 3, 8],
      ['HarveyLowTicketResolution fires when tickets_resolved_total{job="harvey-backend"} / tickets_created_total{job="harvey-backend"} is just below 80% for 30m', 1, 31],
      // Gauges are instant selectors, true from the first sample.
      ['HarveyQueueBacklog fires when the max of rq_queue_jobs{job="harvey-worker",status="queued"} by queue is 102 (> 100) for 10m', 0, 10],
      ['HarveyRedisDown fires when the min of redis_up{job="redis"} is 0 (< 1) for 1m', 0, 1],
      // A quiet first window, then the first burst in (w, w + 1m]; `for: 0s` fires at once.
      ['HarveyMigrationFailed fires when migrations_failed_total{job="harvey-worker"} grows by 1 within 1h (more than 0) for 0s', 61, 61],
      ['HarveyJobFailures fires when rq_jobs_failed_total{job="harvey-worker"} grows by 6 within 15m (more than 5) for 5m', 16, 21],
    ]);
  });

  it('asserts silence one evaluation before `for` has elapsed and the exact alert at the first evaluation after', () => {
    const latency = file.tests.find((t) => t.name === 'HarveyHighLatency fires when p95 is just above 5s for 5m')!;
    expect(latency.alert_rule_test).toEqual([
      { eval_time: '5m', alertname: 'HarveyHighLatency', exp_alerts: [] },
      {
        eval_time: '6m',
        alertname: 'HarveyHighLatency',
        exp_alerts: [{
          exp_labels: { severity: 'warning', sev: 'SEV-2', service: 'harvey-backend', team: 'harvey' },
          exp_annotations: {
            // 5 + 2.5 × (0.95·10000 − 9490) / 510, computed as Prometheus does.
            summary: 'Harvey Backend p95 latency above 5s (5.049019607843134s)',
            description: 'p95 latency of Harvey Backend is 5.049s (threshold 5s).',
            runbook_url: 'https://github.com/example-org/observability/blob/main/dist/harvey-backend/RUNBOOK.md#harveyhighlatency',
          },
        }],
      },
    ]);
    expect(latency.promql_expr_test).toEqual([
      { expr: 'ALERTS{alertname="HarveyHighLatency"}', eval_time: '0s', exp_samples: [] },
      {
        expr: 'ALERTS{alertname="HarveyHighLatency"}',
        eval_time: '1m',
        exp_samples: [{
          labels: 'ALERTS{alertname="HarveyHighLatency",alertstate="pending",service="harvey-backend",sev="SEV-2",severity="warning",team="harvey"}',
          value: 1,
        }],
      },
    ]);
  });

  it('labels a resource alert with the pod and namespace and shows the value the way the template asks', () => {
    const cpu = file.tests.find((t) => t.name.startsWith('HarveyHighCPU fires'))!;
    expect(cpu.alert_rule_test[1]!.exp_alerts).toEqual([{
      exp_labels: {
        namespace: 'production', pod: 'harvey-backend-6d4cf56db6-abcde', severity: 'warning', sev: 'SEV-2', service: 'harvey-backend', team: 'harvey',
      },
      exp_annotations: {
        summary: 'Harvey Backend pod harvey-backend-6d4cf56db6-abcde uses more than 80% of its CPU limit',
        description: 'Pod production/harvey-backend-6d4cf56db6-abcde uses 81.6% (0.816, raw 0.8160000000000006) of its CPU limit (2000m).',
        runbook_url: 'https://github.com/example-org/observability/blob/main/dist/harvey-backend/RUNBOOK.md#harveyhighcpu',
      },
    }]);
    expect(cpu.input_series.map((s) => s.series)).toEqual([
      'container_cpu_usage_seconds_total{container="harvey-backend",job="kubelet",metrics_path="/metrics/cadvisor",namespace="production",pod="harvey-backend-6d4cf56db6-abcde"}',
      'container_cpu_usage_seconds_total{job="kubelet",metrics_path="/metrics/cadvisor",namespace="production",pod="harvey-backend-6d4cf56db6-abcde"}',
      'kube_pod_container_resource_limits{container="harvey-backend",job="kube-state-metrics",namespace="production",pod="harvey-backend-6d4cf56db6-abcde",resource="cpu",unit="core"}',
    ]);
  });

  it('builds same-metric ratio series so that the numerator\'s events are among the denominator\'s, and another job\'s are left out', () => {
    const auth = file.tests.find((t) => t.name.startsWith('HarveyHighAuthFailureRatio fires'))!;
    expect(auth.input_series).toEqual([
      // 1020 of 10000 requests per minute are 401s: 10.2%; the 200s are the other 8980.
      { series: 'http_requests_total{instance="10.0.0.12:8000",job="harvey-backend",status="401"}', values: '0+1020x21' },
      { series: 'http_requests_total{instance="10.0.0.12:8000",job="harvey-backend",status="200"}', values: '0+8980x21' },
      { series: 'http_requests_total{instance="10.0.0.12:8000",job="harvey-backend-other",status="401"}', values: '0+10000x21' },
    ]);
    expect(auth.alert_rule_test[1]!.exp_alerts[0]!.exp_annotations.description)
      .toBe('10.2% of Harvey Backend requests are rejected with 401 or 403 (threshold 10%).');
    const tickets = file.tests.find((t) => t.name.startsWith('HarveyLowTicketResolution fires'))!;
    expect(tickets.input_series.map((s) => `${s.series} ${s.values}`)).toEqual([
      'tickets_resolved_total{instance="10.0.0.12:8000",job="harvey-backend"} 0+784x91',
      'tickets_created_total{instance="10.0.0.12:8000",job="harvey-backend"} 0+1000x91',
      // For `<`, another job's created tickets would drag the ratio down if they counted.
      'tickets_created_total{instance="10.0.0.12:8000",job="harvey-backend-other"} 0+1000x91',
    ]);
  });

  it('labels a gauge alert with its `by` labels, for the breaching group only', () => {
    const backlog = file.tests.find((t) => t.name.startsWith('HarveyQueueBacklog fires'))!;
    expect(backlog.input_series.map((s) => `${s.series} ${s.values}`)).toEqual([
      'rq_queue_jobs{instance="10.0.0.12:9100",job="harvey-worker",queue="default",status="queued"} 102x20',
      'rq_queue_jobs{instance="10.0.0.13:9100",job="harvey-worker",queue="default",status="queued"} 98x20',
      'rq_queue_jobs{instance="10.0.0.12:9100",job="harvey-worker",queue="other",status="queued"} 98x20',
      'rq_queue_jobs{instance="10.0.0.13:9100",job="harvey-worker",queue="other",status="queued"} 98x20',
    ]);
    expect(backlog.alert_rule_test).toEqual([
      { eval_time: '9m', alertname: 'HarveyQueueBacklog', exp_alerts: [] },
      {
        eval_time: '10m',
        alertname: 'HarveyQueueBacklog',
        exp_alerts: [{
          exp_labels: { queue: 'default', severity: 'warning', sev: 'SEV-2', service: 'harvey-backend', team: 'harvey' },
          exp_annotations: {
            summary: 'Queue default has more than 100 jobs waiting',
            description: '102 jobs are waiting in queue default (threshold 100).',
            runbook_url: 'https://github.com/example-org/observability/blob/main/dist/harvey-backend/RUNBOOK.md#harveyqueuebacklog',
          },
        }],
      },
    ]);
    // redis_up < 1: one of two instances at 0 breaches, 1 is healthy; no series at all stays silent.
    const redis = file.tests.filter((t) => t.name.startsWith('HarveyRedisDown')).map((t) => t.input_series.map((s) => `${s.series} ${s.values}`));
    expect(redis).toEqual([
      ['redis_up{instance="10.0.0.12:9100",job="redis"} 0x2', 'redis_up{instance="10.0.0.13:9100",job="redis"} 1x2'],
      ['redis_up{instance="10.0.0.12:9100",job="redis"} 1x2', 'redis_up{instance="10.0.0.13:9100",job="redis"} 1x2'],
      ['up{instance="10.0.0.12:9100",job="redis"} 0x2', 'redis_up{instance="10.0.0.12:9100",job="redis-other"} 0x2'],
    ]);
  });

  it('feeds counter increases one burst per window after a quiet first window, and asserts `for: 0s` fires at once', () => {
    const migration = file.tests.find((t) => t.name.startsWith('HarveyMigrationFailed fires'))!;
    expect(migration.input_series.map((s) => `${s.series} ${s.values}`)).toEqual([
      'migrations_failed_total{instance="10.0.0.12:9100",job="harvey-worker"} 3x60 4 4x58 5',
      'migrations_failed_total{instance="10.0.0.13:9100",job="harvey-worker"} 3x60 3 3x58 3',
      'migrations_failed_total{instance="10.0.0.12:9100",job="harvey-worker-other"} 3x60 4 4x58 5',
    ]);
    expect(migration.alert_rule_test.map((t) => [t.eval_time, t.exp_alerts.map((a) => a.exp_annotations.description)])).toEqual([
      ['1h', []],
      ['1h1m', ['1 database migration(s) failed in the last hour.']],
    ]);
    expect(migration.promql_expr_test.map((t) => [t.eval_time, t.exp_samples.map((x) => x.labels)])).toEqual([
      ['1h', []],
      ['1h1m', ['ALERTS{alertname="HarveyMigrationFailed",alertstate="firing",service="harvey-backend",sev="SEV-2",severity="warning",team="harvey"}']],
    ]);
    const jobs = file.tests.find((t) => t.name.startsWith('HarveyJobFailures fires'))!;
    expect(jobs.alert_rule_test[1]!.exp_alerts.map((a) => a.exp_labels.queue)).toEqual(['default']);
  });

  it('passes the real promtool test rules against the rule file rendered by ruleGroupsFor, whole and split', { timeout: 180_000 }, async () => {
    const whole = await runPromtoolTests({ [RULE_FILE]: rulesYaml(stack), [TEST_FILE]: testsYaml(stack) }, TEST_FILE);
    expect(whole.output).toContain('SUCCESS');
    expect(whole.ok).toBe(true);
    const result = await runAgainst(rulesYaml(stack));
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('goes with a rule file that promtool check rules accepts', async () => {
    const result = await checkRules({ [RULE_FILE]: rulesYaml(stack) }, RULE_FILE);
    expect(result.output).toContain('SUCCESS: 13 rules found');
    expect(result.ok).toBe(true);
  });

  it('is deterministic: the same stack gives the same bytes', () => {
    expect(testsYaml(fixtureStack())).toBe(testsYaml(fixtureStack()));
  });
});

describe('the generated tests fail under promtool when a threshold moves past the scenario margin', () => {
  it.each<[Signal['kind'], number, string[]]>([
    ['errorRatio', 1.1, ['HarveyHighErrorRate fires when the 5xx ratio is just above 5% for 5m']],
    ['errorRatio', 0.9, ['HarveyHighErrorRate stays silent when the 5xx ratio is just below 5%']],
    ['latencyQuantile', 1.1, ['HarveyHighLatency fires when p95 is just above 5s for 5m']],
    ['latencyQuantile', 0.9, ['HarveyHighLatency stays silent when p95 is just below 5s']],
    ['resourceUtilisation', 1.1, [
      "HarveyHighCPU fires when a pod's CPU use is just above 80% of its limit (2000m) for 5m",
      "HarveyHighMemory fires when a pod's memory working set is just above 90% of its limit (4Gi) for 5m",
    ]],
    ['resourceUtilisation', 0.9, [
      "HarveyHighCPU stays silent when a pod's CPU use is just below 80% of its limit",
      "HarveyHighMemory stays silent when a pod's memory working set is just below 90% of its limit",
    ]],
    ['lowThroughput', 1.1, ['HarveyLowDocumentGeneration stays silent when documents_generated_total drops to just above 5/h']],
    ['lowThroughput', 0.9, ['HarveyLowDocumentGeneration fires when documents_generated_total drops to just below 5/h for 30m while requests are served']],
    ['counterRatio', 1.1, [
      'HarveyHighAuthFailureRatio fires when http_requests_total{job="harvey-backend",status=~"401|403"} / http_requests_total{job="harvey-backend"} is just above 10% for 10m',
      'HarveyHighClientErrorRatio fires when http_requests_total{job="harvey-backend",status=~"4.."} / http_requests_total{job="harvey-backend"} is just above 50% for 5m',
      'HarveyLowTicketResolution stays silent when the ratio is just above 80%',
    ]],
    ['counterRatio', 0.9, [
      'HarveyHighAuthFailureRatio stays silent when the ratio is just below 10%',
      'HarveyHighClientErrorRatio stays silent when the ratio is just below 50%',
      'HarveyLowTicketResolution fires when tickets_resolved_total{job="harvey-backend"} / tickets_created_total{job="harvey-backend"} is just below 80% for 30m',
    ]],
    ['gaugeThreshold', 1.1, [
      'HarveyQueueBacklog fires when the max of rq_queue_jobs{job="harvey-worker",status="queued"} by queue is 102 (> 100) for 10m',
      'HarveyRedisDown stays silent when the min of redis_up{job="redis"} is 1 (not < 1)',
    ]],
    // The breaching scenario also holds healthy data (the other instance, the other queue), which now alerts too.
    // redis_up < 0.9 means the same as < 1 for a gauge that is 0 or 1; the shift below moves it to < 0.
    ['gaugeThreshold', 0.9, [
      'HarveyQueueBacklog fires when the max of rq_queue_jobs{job="harvey-worker",status="queued"} by queue is 102 (> 100) for 10m',
      'HarveyQueueBacklog stays silent when the max of rq_queue_jobs{job="harvey-worker",status="queued"} by queue is 98 (not > 100)',
    ]],
  ])('%s thresholds × %s break exactly the listed scenarios on the wrong side', async (kind, factor, failing) => {
    const result = await runAgainst(rulesYaml(withThresholdsScaled(stack, kind, factor)));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual([...failing].sort());
  });

  // Counts move by whole events: scaling a threshold of 0 (any event) would prove nothing.
  it.each<['gaugeThreshold' | 'counterIncrease', number, string[]]>([
    ['gaugeThreshold', -1, ['HarveyRedisDown fires when the min of redis_up{job="redis"} is 0 (< 1) for 1m']],
    ['counterIncrease', 1, [
      'HarveyJobFailures fires when rq_jobs_failed_total{job="harvey-worker"} grows by 6 within 15m (more than 5) for 5m',
      'HarveyMigrationFailed fires when migrations_failed_total{job="harvey-worker"} grows by 1 within 1h (more than 0) for 0s',
    ]],
    // Also the breaching scenarios: queue="other" (5 per window) alerts beside queue="default", and `> -1`
    // holds before the first burst, so HarveyMigrationFailed is already firing when it must not be.
    ['counterIncrease', -1, [
      'HarveyJobFailures fires when rq_jobs_failed_total{job="harvey-worker"} grows by 6 within 15m (more than 5) for 5m',
      'HarveyJobFailures stays silent when rq_jobs_failed_total{job="harvey-worker"} grows by exactly 5 within 15m',
      'HarveyMigrationFailed fires when migrations_failed_total{job="harvey-worker"} grows by 1 within 1h (more than 0) for 0s',
      'HarveyMigrationFailed stays silent while migrations_failed_total{job="harvey-worker"} does not grow, across a restart that resets it to 0',
    ]],
  ])('%s thresholds shifted by %s break the scenarios on the wrong side', async (kind, delta, failing) => {
    const result = await runAgainst(rulesYaml(withThresholdsShifted(stack, kind, delta)));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual([...failing].sort());
  });

  it('counterRatio: a numerator selector that also counts the 200s breaks the scenarios with traffic', async () => {
    const result = await runAgainst(rulesWithExpr(stack, 'HarveyHighAuthFailureRatio', (e) => e.replace('status=~"401|403"', 'status=~"401|403|200"')));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual([
      // The ratio reads 100%, not 10.2%, in the annotation.
      'HarveyHighAuthFailureRatio fires when http_requests_total{job="harvey-backend",status=~"401|403"} / http_requests_total{job="harvey-backend"} is just above 10% for 10m',
      // With no 401/403 series yet, the 200s alone read 100% instead of 0%.
      'HarveyHighAuthFailureRatio stays silent when http_requests_total{job="harvey-backend",status=~"401|403"} has no series yet while http_requests_total{job="harvey-backend"} counts 10000 events per interval (a ratio of 0%: labelled counters appear with their first increment)',
      'HarveyHighAuthFailureRatio stays silent when the ratio is just below 10%',
    ]);
  });

  it('counterRatio, gaugeThreshold, counterIncrease: dropping the job matcher breaks the scenarios where another job must be left out', async () => {
    const dropJob = (metric: string, job: string) => (e: string): string =>
      // Every occurrence: the denominator also appears in the numerator's `or 0 *` fallback.
      e.replaceAll(`${metric}{job="${job}"}`, metric).replaceAll(`${metric}{job="${job}",`, `${metric}{`);
    let rules = rulesWithExpr(stack, 'HarveyLowTicketResolution', dropJob('tickets_created_total', 'harvey-backend'));
    rules = rules.replace('rq_queue_jobs{job="harvey-worker",status="queued"}', 'rq_queue_jobs{status="queued"}');
    rules = rules.replace('migrations_failed_total{job="harvey-worker"}', 'migrations_failed_total');
    const result = await runAgainst(rules);
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual([
      // Another job's created tickets count: 78.4% reads 39.2% in the annotation, 81.6% reads 40.8%, no tickets reads 0%.
      'HarveyLowTicketResolution fires when tickets_resolved_total{job="harvey-backend"} / tickets_created_total{job="harvey-backend"} is just below 80% for 30m',
      'HarveyLowTicketResolution stays silent when the ratio is just above 80%',
      'HarveyLowTicketResolution stays silent without events in the denominator (0/0 is NaN, not a ratio)',
      // Another job's failed migration counts: 2 instead of 1, and the idle scenario alerts.
      'HarveyMigrationFailed fires when migrations_failed_total{job="harvey-worker"} grows by 1 within 1h (more than 0) for 0s',
      'HarveyMigrationFailed stays silent while migrations_failed_total{job="harvey-worker"} does not grow, across a restart that resets it to 0',
      // Another job's backlog of 102 counts although this job exports no gauge.
      'HarveyQueueBacklog stays silent without rq_queue_jobs series (a missing gauge does not fire; a target-down alert covers it)',
    ].sort());
  });

  describe('counterRatio with minEvents', () => {
    const guard = 'and on() sum(increase(http_requests_total{job="harvey-backend"}[10m])) >= 2500';
    const fires = 'HarveyHighClientErrorRatio fires when http_requests_total{job="harvey-backend",status=~"4.."} / http_requests_total{job="harvey-backend"} is just above 50% for 5m';
    const lowVolume = 'HarveyHighClientErrorRatio stays silent when the ratio is 100% but http_requests_total{job="harvey-backend"} counts only 2499 events within 10m (fewer than 2500)';

    it('renders the volume guard after the ratio', () => {
      expect(rulesYaml(stack)).toContain(
        'expr: (sum(rate(http_requests_total{job="harvey-backend",status=~"4.."}[10m])) or 0 * sum(rate(http_requests_total{job="harvey-backend"}[10m])))'
        + ' / sum(rate(http_requests_total{job="harvey-backend"}[10m])) > 0.5 ' + guard);
    });

    it('feeds the low-volume scenario 2499 requests at once every 10m, all of them 4xx', () => {
      const low = file.tests.find((t) => t.name === lowVolume)!;
      expect(low.input_series.map((x) => `${x.series} ${x.values}`)).toEqual([
        'http_requests_total{instance="10.0.0.12:8000",job="harvey-backend",status="400"} 0+2499x1 2499x8 4998 4998x6',
        'http_requests_total{instance="10.0.0.12:8000",job="harvey-backend",status="200"} 0x18',
        'http_requests_total{instance="10.0.0.12:8000",job="harvey-backend-other",status="400"} 0+1000x18',
      ]);
    });

    it('without the guard, the low-volume scenario alerts and the breaching one fires two minutes early', async () => {
      const result = await runAgainst(rulesWithExpr(stack, 'HarveyHighClientErrorRatio', (e) => e.replace(` ${guard}`, '')));
      expect(result.ok).toBe(false);
      expect(failedGroups(result.output)).toEqual([fires, lowVolume].sort());
    });

    it('a minimum one event lower lets the 2499 requests of the low-volume scenario through, and only those', async () => {
      const result = await runAgainst(rulesWithExpr(stack, 'HarveyHighClientErrorRatio', (e) => e.replace('>= 2500', '>= 2499')));
      expect(result.ok).toBe(false);
      expect(failedGroups(result.output)).toEqual([lowVolume]);
    });

    it('a minimum of 3500 instead of 2500 moves the condition from 3m to 4m: the breaching scenario fails', async () => {
      const result = await runAgainst(rulesWithExpr(stack, 'HarveyHighClientErrorRatio', (e) => e.replace('>= 2500', '>= 3500')));
      expect(result.ok).toBe(false);
      expect(failedGroups(result.output)).toEqual([fires]);
    });

    it('a minimum of 1500 instead of 2500 moves the condition to 2m and lets the 2499 requests through', async () => {
      const result = await runAgainst(rulesWithExpr(stack, 'HarveyHighClientErrorRatio', (e) => e.replace('>= 2500', '>= 1500')));
      expect(result.ok).toBe(false);
      expect(failedGroups(result.output)).toEqual([fires, lowVolume].sort());
    });
  });

  it('targetDown: comparing up with something other than 0 breaks the "up is 0" scenario', async () => {
    const result = await runAgainst(rulesWithExpr(stack, 'HarveyBackendDown', (e) => e.replace('== 0', '< 0')));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(['HarveyBackendDown fires when every target has up 0 for 1m']);
  });

  it('targetDown: paging when any target is down (min instead of max) breaks the "one of two targets is down" scenario', async () => {
    const result = await runAgainst(rulesWithExpr(stack, 'HarveyBackendDown', (e) => e.replace('max by (job)', 'min by (job)')));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(['HarveyBackendDown stays silent while one of two targets is down and the other is up']);
  });

  it('targetDown: dropping the absent() branch breaks the missing-target scenario', async () => {
    const result = await runAgainst(rulesWithExpr(stack, 'HarveyBackendDown', (e) => e.replace(/ or absent\(.*\)$/, '')));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(['HarveyBackendDown fires when the up series of job harvey-backend is missing for 1m']);
  });
});

describe('the generated tests fail under promtool when `for` moves by one evaluation interval', () => {
  const firing = (alert: string): string[] => file.tests.map((t) => t.name).filter((n) => n.startsWith(`${alert} fires`)).sort();

  it.each(stack.alerts.map((a) => [a.name, a.for.text, a.for.seconds] as const))('%s (for %s): one interval longer and it fires too late', async (alert, _forText, seconds) => {
    const longer = seconds + 60;
    const result = await runAgainst(rulesYaml(withFor(stack, alert, `${longer}s`)));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(firing(alert));
  });

  it.each(stack.alerts.filter((a) => a.for.seconds >= 120).map((a) => [a.name, a.for.text] as const))(
    '%s (for %s): one interval shorter and it fires too early', async (alert, forText) => {
      const shorter = duration(forText).seconds - 60;
      const result = await runAgainst(rulesYaml(withFor(stack, alert, `${shorter}s`)));
      expect(result.ok).toBe(false);
      expect(failedGroups(result.output)).toEqual(firing(alert));
    },
  );
});

describe('promtoolTestsFor refuses what it cannot prove', () => {
  const latency = (seconds: number): ServiceStack => ({
    ...stack,
    alerts: stack.alerts.map((a) => (a.signal.kind === 'latencyQuantile' ? { ...a, signal: { ...a.signal, threshold: duration(`${seconds}s`) } } : a)),
  });

  it('refuses a latency threshold that is not a bucket bound', () => {
    expect(() => promtoolTestsFor(latency(6), platform, RULE_FILE)).toThrow(
      'HarveyHighLatency: threshold 6s is not a bucket bound of http_request_duration_seconds ' +
      '(buckets: 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)',
    );
  });

  it('refuses a latency threshold at the largest finite bucket, where the alert could never fire', () => {
    expect(() => promtoolTestsFor(latency(10), platform, RULE_FILE)).toThrow(
      'HarveyHighLatency: threshold 10s is the largest finite bucket of http_request_duration_seconds; ' +
      'histogram_quantile never returns more than that bound, so the alert could never fire',
    );
  });

  it('refuses to predict the last digits of a sum over several series printed at full precision', () => {
    const raw: ServiceStack = {
      ...stack,
      alerts: stack.alerts.map((a) => (a.name === 'HarveyHighErrorRate' ? { ...a, description: 'ratio {{ $value }}' } : a)),
    };
    expect(() => promtoolTestsFor(raw, platform, RULE_FILE)).toThrow(new RegExp(
      '^HarveyHighErrorRate: annotation description shows the value at full precision \\(ratio 0\\.05\\d+ vs ratio 0\\.05\\d+\\), ' +
      'and promtool adds series in no fixed order, so the last digits are not predictable; format it with humanize, humanizePercentage or printf$',
    ));
  });

  it('names the alert and the annotation when a template uses something unsupported', () => {
    const bad: ServiceStack = {
      ...stack,
      alerts: stack.alerts.map((a) => (a.name === 'HarveyHighMemory' ? { ...a, summary: '{{ $labels.pod | toUpper }}' } : a)),
    };
    expect(() => promtoolTestsFor(bad, platform, RULE_FILE)).toThrow(
      'HarveyHighMemory: annotation summary: unsupported template action {{ $labels.pod | toUpper }}',
    );
  });

  const withSignal = (alert: string, edit: (signal: Signal) => Signal): ServiceStack => ({
    ...stack,
    alerts: stack.alerts.map((a) => (a.name === alert ? { ...a, signal: edit(a.signal) } : a)),
  });

  it('refuses a ratio selector that no constructed label value satisfies, naming the alert', () => {
    const impossible = withSignal('HarveyHighAuthFailureRatio', (s) => (s.kind === 'counterRatio'
      ? { ...s, numerator: { ...s.numerator, matchers: [...s.numerator.matchers, { label: 'status', op: '=', value: '500' }] } }
      : s));
    expect(() => promtoolTestsFor(impossible, platform, RULE_FILE)).toThrow(
      'HarveyHighAuthFailureRatio: cannot build test series for http_requests_total{job="harvey-backend",status=~"401|403",status="500"}: ' +
      'no label value of status satisfies all of its matchers that the test data could use',
    );
  });

  it('refuses a same-metric ratio whose numerator selects everything the denominator does', () => {
    const same = withSignal('HarveyHighAuthFailureRatio', (s) => (s.kind === 'counterRatio' ? { ...s, numerator: s.denominator } : s));
    expect(() => promtoolTestsFor(same, platform, RULE_FILE)).toThrow(
      'HarveyHighAuthFailureRatio: cannot build a series that http_requests_total{job="harvey-backend"} selects and ' +
      'http_requests_total{job="harvey-backend"} does not; the numerator would count every event of the denominator',
    );
  });

  it('refuses a same-metric ratio threshold that leaves no room above it', () => {
    const high = withSignal('HarveyHighAuthFailureRatio', (s) => (s.kind === 'counterRatio' ? { ...s, threshold: ratio('99%') } : s));
    expect(() => promtoolTestsFor(high, platform, RULE_FILE)).toThrow(
      'HarveyHighAuthFailureRatio: a threshold of 99% leaves no room above it for the test data: every event of ' +
      'http_requests_total{job="harvey-backend",status=~"401|403"} is also one of http_requests_total{job="harvey-backend"}',
    );
  });

  it('refuses a gauge selector with a regex the test data cannot satisfy', () => {
    const flags = withSignal('HarveyRedisDown', (s) => (s.kind === 'gaugeThreshold'
      ? { ...s, series: { metric: 'redis_up', matchers: [{ label: 'job', op: '=~', value: '(?i)REDIS' }] } }
      : s));
    expect(() => promtoolTestsFor(flags, platform, RULE_FILE)).toThrow(
      'HarveyRedisDown: cannot build test series for redis_up{job=~"(?i)REDIS"}: no label value of job satisfies all of its matchers that the test data could use',
    );
  });

  it('refuses a counter-increase window that is not a whole number of evaluation intervals', () => {
    const odd = withSignal('HarveyJobFailures', (s) => (s.kind === 'counterIncrease' ? { ...s, window: duration('90s') } : s));
    expect(() => promtoolTestsFor(odd, platform, RULE_FILE)).toThrow(
      'HarveyJobFailures: the window 1m30s is not a whole number of evaluation intervals (1m); increase() would be extrapolated and the test data could not be exact',
    );
  });

  it('refuses an evaluation interval that is not a duration', () => {
    expect(() => promtoolTestsFor(stack, { ...platform, evaluationInterval: 'often' }, RULE_FILE)).toThrow(
      "platform.evaluationInterval: 'often' is invalid; allowed: a positive Prometheus duration",
    );
  });
});
