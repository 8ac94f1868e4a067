import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Signal } from '../../../../lib/core/alert.js';
import type { ServiceStack } from '../../../../lib/core/stack.js';
import { ruleGroupsFor } from '../../../../lib/render/prometheus/rule-groups.js';
import { resolveScenarios } from '../../../../lib/render/promtool/resolve.js';
import { promtoolTestsFor } from '../../../../lib/render/promtool/test-file.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { checkRules, runPromtoolTests } from '../../../../lib/testing/promtool.js';
import {
  duration, fixtureStack, platform, RULE_FILE, rulesYaml, TEST_FILE, testsYaml, withFor, withThresholdsScaled,
} from './fixture.js';

const stack = fixtureStack();
const file = promtoolTestsFor(stack, platform, RULE_FILE);

/** Runs the tests generated from the fixture against the given rule file text. */
const runAgainst = (rules: string) => runPromtoolTests({ [RULE_FILE]: rules, [TEST_FILE]: testsYaml(stack) }, TEST_FILE);

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
      'HarveyBackendDown fires when up is 0 for 1m',
      'HarveyBackendDown stays silent while up is 1',
      'HarveyBackendDown fires when the up series of job harvey-backend is missing for 1m',
      'HarveyHighErrorRate fires when the 5xx ratio is just above 5% for 5m',
      'HarveyHighErrorRate stays silent when the 5xx ratio is just below 5%',
      'HarveyHighErrorRate stays silent without traffic (0/0 is NaN, not an error ratio)',
      'HarveyHighLatency fires when p95 is just above 5s for 5m',
      'HarveyHighLatency stays silent when p95 is just below 5s',
      'HarveyHighLatency stays silent without requests (no observations make p95 NaN)',
      "HarveyHighCPU fires when a pod's CPU use is just above 80% of its limit (2000m) for 5m",
      "HarveyHighCPU stays silent when a pod's CPU use is just below 80% of its limit",
      'HarveyHighCPU stays silent while the container is idle (usage counter flat)',
      'HarveyHighCPU stays silent when only pods of other workloads or namespaces use all of their CPU limit',
      "HarveyHighMemory fires when a pod's memory working set is just above 90% of its limit (4Gi) for 5m",
      "HarveyHighMemory stays silent when a pod's memory working set is just below 90% of its limit",
      'HarveyHighMemory stays silent when only pods of other workloads or namespaces are at their memory limit',
      'HarveyLowDocumentGeneration fires when documents_generated_total drops to just below 5/h for 30m while requests are served',
      'HarveyLowDocumentGeneration stays silent when documents_generated_total drops to just above 5/h',
      'HarveyLowDocumentGeneration stays silent with no requests and no documents_generated_total increase',
      'HarveyLowDocumentGeneration fires when documents_generated_total is missing for 30m while requests are served',
    ]);
  });

  it('works out when each condition first holds and when the alert fires', () => {
    const timings = stack.alerts.flatMap((alert) => resolveScenarios(stack, alert, platform)
      .filter((r) => r.firesAt !== undefined)
      .map((r) => [r.scenario.name, r.conditionTrueAt! / 60_000, r.firesAt! / 60_000]));
    expect(timings).toEqual([
      // Instant selectors: true from the first sample.
      ['HarveyBackendDown fires when up is 0 for 1m', 0, 1],
      ['HarveyBackendDown fires when the up series of job harvey-backend is missing for 1m', 0, 1],
      // rate() needs two samples; counters starting at zero make the ratio exact from then on.
      ['HarveyHighErrorRate fires when the 5xx ratio is just above 5% for 5m', 1, 6],
      ['HarveyHighLatency fires when p95 is just above 5s for 5m', 1, 6],
      // A long-running counter's rate is extrapolated to the whole 5m window from 4m of data.
      ["HarveyHighCPU fires when a pod's CPU use is just above 80% of its limit (2000m) for 5m", 4, 9],
      ["HarveyHighMemory fires when a pod's memory working set is just above 90% of its limit (4Gi) for 5m", 0, 5],
      // One hour of normal production, then the last normal minute leaves the 1h window at 2h.
      ['HarveyLowDocumentGeneration fires when documents_generated_total drops to just below 5/h for 30m while requests are served', 120, 150],
      ['HarveyLowDocumentGeneration fires when documents_generated_total is missing for 30m while requests are served', 1, 31],
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

  it('passes the real promtool test rules against the rule file rendered by ruleGroupsFor', async () => {
    const result = await runAgainst(rulesYaml(stack));
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('goes with a rule file that promtool check rules accepts', async () => {
    const result = await checkRules({ [RULE_FILE]: rulesYaml(stack) }, RULE_FILE);
    expect(result.output).toContain('SUCCESS: 6 rules found');
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
  ])('%s thresholds × %s break exactly the scenario on the wrong side', async (kind, factor, failing) => {
    const result = await runAgainst(rulesYaml(withThresholdsScaled(stack, kind, factor)));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual([...failing].sort());
  });

  it('targetDown: comparing up with something other than 0 breaks the "up is 0" scenario', async () => {
    const result = await runAgainst(rulesWithExpr(stack, 'HarveyBackendDown', (e) => e.replace('== 0', '< 0')));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(['HarveyBackendDown fires when up is 0 for 1m']);
  });

  it('targetDown: dropping the absent() branch breaks the missing-target scenario', async () => {
    const result = await runAgainst(rulesWithExpr(stack, 'HarveyBackendDown', (e) => e.replace(/ or absent\(.*\)$/, '')));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(['HarveyBackendDown fires when the up series of job harvey-backend is missing for 1m']);
  });
});

describe('the generated tests fail under promtool when `for` moves by one evaluation interval', () => {
  const firing = (alert: string): string[] => file.tests.map((t) => t.name).filter((n) => n.startsWith(`${alert} fires`)).sort();

  it.each(stack.alerts.map((a) => [a.name, a.for.text] as const))('%s (for %s): one interval longer and it fires too late', async (alert, forText) => {
    const longer = duration(forText).seconds + 60;
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

  it('refuses an evaluation interval that is not a duration', () => {
    expect(() => promtoolTestsFor(stack, { ...platform, evaluationInterval: 'often' }, RULE_FILE)).toThrow(
      "platform.evaluationInterval: 'often' is invalid; allowed: a positive Prometheus duration",
    );
  });
});
