import { describe, expect, it } from 'vitest';
import type { AlertSpec, Signal } from '../../../../lib/core/alert.js';
import { SEV3 } from '../../../../lib/core/severity.js';
import type { ServiceStack } from '../../../../lib/core/stack.js';
import { Ratio } from '../../../../lib/core/units.js';
import { eq, re } from '../../../../lib/promql/selector.js';
import { promtoolTestsFor } from '../../../../lib/render/promtool/test-file.js';
import { runPromtoolTests } from '../../../../lib/testing/promtool.js';
import { duration, fixtureService, platform, ratio, RULE_FILE, rulesYaml, TEST_FILE, testsYaml } from './fixture.js';

const ZERO = ((parsed) => { if (!parsed.ok) throw new Error(parsed.allowed); return parsed.value; })(Ratio.of(0));
const RUNBOOK = { meaning: 'Variant.', why: 'Variant.', diagnose: ['Look.'], act: ['Act.'] };
const alert = (name: string, signal: Signal, forText = '5m'): AlertSpec => ({
  name, group: 'variants', for: duration(forText), level: SEV3, signal, runbook: RUNBOOK,
  summary: '{{ $labels.instance }}{{ $labels.pool }}', description: 'value {{ $value | humanize }}',
});

/** The shapes of the three newer signal kinds that the fixture does not use (and a `<` ratio with a minimum volume). */
const stack: ServiceStack = {
  service: fixtureService(),
  dashboards: [],
  alerts: [
    // "Any 429": a threshold of 0 (Ratio.of(0); '0%' is not a valid percentage), the healthy case is no 429 at all.
    alert('AnyRateLimited', { kind: 'counterRatio', comparator: '>', threshold: ZERO, window: duration('5m'),
      numerator: { metric: 'llm_calls_total', matchers: [eq('job', 'x'), eq('code', '429')] },
      denominator: { metric: 'llm_calls_total', matchers: [eq('job', 'x')] } }),
    // A negative regex in the numerator, a regex only the denominator has.
    alert('NonSuccess', { kind: 'counterRatio', comparator: '>', threshold: ratio('30%'), window: duration('10m'),
      numerator: { metric: 'http_requests_total', matchers: [eq('job', 'x'), { label: 'status', op: '!~', value: '2..' }] },
      denominator: { metric: 'http_requests_total', matchers: [eq('job', 'x'), re('handler', '/api/.+')] } }),
    // Same metric, disjoint selectors: errors over successes.
    alert('ErrorsOverSuccesses', { kind: 'counterRatio', comparator: '>', threshold: ratio('50%'), window: duration('5m'),
      numerator: { metric: 'http_requests_total', matchers: [eq('job', 'x'), eq('status', '500')] },
      denominator: { metric: 'http_requests_total', matchers: [eq('job', 'x'), eq('status', '200')] } }),
    // A minimum volume of 10 tickets per hour on a `<` ratio of two metrics: reached within the first interval.
    alert('FewResolved', { kind: 'counterRatio', comparator: '<', threshold: ratio('60%'), window: duration('1h'), minEvents: 10,
      numerator: { metric: 'tickets_resolved_total', matchers: [eq('job', 'x')] },
      denominator: { metric: 'tickets_created_total', matchers: [eq('job', 'x')] } }, '10m'),
    // A traffic floor on a 5xx ratio: 250 000 requests in 5m, reached only at the third interval of the test traffic.
    alert('QuietErrors', { kind: 'errorRatio', job: 'x', threshold: ratio('1%'), window: duration('5m'), minRequests: 250_000 }),
    alert('LowFreeSpace', { kind: 'gaugeThreshold', aggregation: 'sum', by: [], comparator: '<', threshold: 0.25, unit: 'percentunit',
      series: { metric: 'free_ratio', matchers: [re('job', 'node|kubelet')] } }),
    alert('FewWorkers', { kind: 'gaugeThreshold', aggregation: 'max', by: ['instance'], comparator: '<', threshold: 3, unit: 'none',
      series: { metric: 'workers', matchers: [eq('job', 'x')] } }),
    alert('PoolFull', { kind: 'gaugeThreshold', aggregation: 'min', by: ['pool'], comparator: '>', threshold: 1e9, unit: 'bytes',
      series: { metric: 'used_bytes', matchers: [eq('job', 'x'), re('pool', 'a|b')] } }),
    alert('AnyLag', { kind: 'gaugeThreshold', aggregation: 'max', by: [], comparator: '>', threshold: 0, unit: 's',
      series: { metric: 'lag_seconds', matchers: [] } }),
    alert('Timeouts', { kind: 'counterIncrease', window: duration('10m'), threshold: 2.5, by: ['instance'],
      series: { metric: 'timeouts_total', matchers: [eq('job', 'x')] } }, '15m'),
    alert('ManyErrors', { kind: 'counterIncrease', window: duration('30m'), threshold: 100, by: [],
      series: { metric: 'errs_total', matchers: [] } }, '1m'),
    // One replica down (per instance), past a 5-minute start-up window.
    alert('ReplicaDown', { kind: 'instanceDown', job: 'harvey-backend' }, '10m'),
    // Jobs queued and none processed, per queue (the counter has a queue label) and for the whole service.
    alert('QueueStalled', { kind: 'queueStalled', window: duration('15m'), by: ['queue'],
      backlog: { metric: 'rq_jobs', matchers: [eq('job', 'rq'), eq('status', 'queued')] },
      processed: { metric: 'jobs_processed_total', matchers: [] } }),
    alert('AnythingStalled', { kind: 'queueStalled', window: duration('10m'), by: [],
      backlog: { metric: 'rq_jobs', matchers: [eq('job', 'rq'), eq('status', 'queued')] },
      processed: { metric: 'jobs_processed_total', matchers: [eq('job', 'worker')] } }, '2m'),
  ],
};

describe('scenario builders of counter ratios, gauges and counter increases, beyond the fixture', () => {
  const file = promtoolTestsFor(stack, platform, RULE_FILE);
  const series = (prefix: string): string[] =>
    file.tests.find((t) => t.name.startsWith(prefix))!.input_series.map((s) => `${s.series} ${s.values}`);

  it('builds label values from every kind of matcher', () => {
    expect(series('NonSuccess fires')).toEqual([
      'http_requests_total{handler="/api/0",instance="10.0.0.12:9100",job="x",status="500"} 0+3060x16',
      'http_requests_total{handler="/api/0",instance="10.0.0.12:9100",job="x",status="200"} 0+6940x16',
      'http_requests_total{handler="/api/0",instance="10.0.0.12:9100",job="x-other",status="500"} 0+10000x16',
    ]);
    // Disjoint selectors: the numerator's events are not among the denominator's.
    expect(series('ErrorsOverSuccesses fires')).toEqual([
      'http_requests_total{instance="10.0.0.12:9100",job="x",status="500"} 0+510x11',
      'http_requests_total{instance="10.0.0.12:9100",job="x",status="200"} 0+1000x11',
      'http_requests_total{instance="10.0.0.12:9100",job="x-other",status="500"} 0+1000x11',
    ]);
  });

  it('proves "any event" thresholds with one event against none', () => {
    expect(file.tests.map((t) => t.name).filter((n) => n.startsWith('AnyRateLimited'))).toEqual([
      'AnyRateLimited fires when llm_calls_total{job="x",code="429"} / llm_calls_total{job="x"} is just above 0% for 5m',
      'AnyRateLimited stays silent when the ratio is 0%',
      'AnyRateLimited stays silent without events in the denominator (0/0 is NaN, not a ratio)',
    ]);
    expect(series('AnyRateLimited fires')[0]).toBe('llm_calls_total{code="429",instance="10.0.0.12:9100",job="x"} 0+1x11');
    expect(series('AnyLag fires')).toEqual(['lag_seconds{instance="10.0.0.12:9100"} 0.02x10', 'lag_seconds{instance="10.0.0.13:9100"} -0.02x10']);
  });

  it('proves a minimum volume with a low-volume scenario: no ticket resolved, but only 9 created per hour', () => {
    expect(file.tests.map((t) => t.name).filter((n) => n.startsWith('FewResolved'))).toEqual([
      'FewResolved fires when tickets_resolved_total{job="x"} / tickets_created_total{job="x"} is just below 60% for 10m',
      'FewResolved stays silent when the ratio is just above 60%',
      'FewResolved stays silent without events in the denominator (0/0 is NaN, not a ratio)',
      'FewResolved stays silent when the ratio is 0% but tickets_created_total{job="x"} counts only 9 events within 1h (fewer than 10)',
    ]);
    expect(series('FewResolved stays silent when the ratio is 0%')).toEqual([
      'tickets_resolved_total{instance="10.0.0.12:9100",job="x"} 0x71',
      'tickets_created_total{instance="10.0.0.12:9100",job="x"} 0+9x1 9x58 18 18x9',
      // Another job's created tickets, if counted, would pass the minimum and drag the ratio down.
      'tickets_created_total{instance="10.0.0.12:9100",job="x-other"} 0+1000x71',
    ]);
    // 10 tickets are reached within the first minute (1000 a minute): the condition holds from 1m, as without a minimum.
    expect(file.tests.find((t) => t.name.startsWith('FewResolved fires'))!.promql_expr_test.map((t) => t.eval_time)).toEqual(['0s', '1m']);
  });

  it('proves a traffic floor on a 5xx ratio: silent at 2% of fewer requests than the floor, firing once the window holds enough', () => {
    expect(file.tests.map((t) => t.name).filter((n) => n.startsWith('QuietErrors'))).toEqual([
      'QuietErrors fires when the 5xx ratio is just above 1% with at least 250000 requests in 5m for 5m',
      'QuietErrors stays silent when the 5xx ratio is just below 1%',
      'QuietErrors stays silent without traffic (0/0 is NaN, not an error ratio)',
      'QuietErrors stays silent when 5000 of 249999 requests within 5m fail (2%, but fewer than 250000 requests)',
      // The series-absent variants (series-absent.ts) keep to the floor too.
      'QuietErrors stays silent when requests are served and no 5xx series exists yet (labelled counters appear with their first increment)',
      'QuietErrors fires when the first 5xx creates its series after 5m of healthy traffic (it appears at 2000, not 0) and 5xx keep coming',
    ]);
    // 100 000 requests a minute: the ratio holds from 1m, the floor from 3m.
    expect(file.tests.find((t) => t.name.startsWith('QuietErrors fires'))!.promql_expr_test.map((t) => t.eval_time)).toEqual(['2m', '3m']);
  });

  it('fails the floor\'s low-traffic scenario when the rule has no floor', async () => {
    const only = { ...stack, alerts: stack.alerts.filter((a) => a.name === 'QuietErrors') };
    const unguarded = rulesYaml(only).replace(/ and on\(\) sum\(increase\(http_requests_total\{job="x"\}\[5m\]\)\) >= 250000/, '');
    expect(unguarded).not.toBe(rulesYaml(only));
    const result = await runPromtoolTests({ [RULE_FILE]: unguarded, [TEST_FILE]: testsYaml(only) }, TEST_FILE);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('QuietErrors stays silent when 5000 of 249999 requests');
  });

  it('refuses a minimum volume over a window that is not a whole number of evaluation intervals', () => {
    const odd: ServiceStack = { ...stack, alerts: [alert('Odd', { kind: 'counterRatio', comparator: '>', threshold: ratio('30%'), window: duration('90s'), minEvents: 10,
      numerator: { metric: 'a_total', matchers: [eq('job', 'x')] }, denominator: { metric: 'b_total', matchers: [eq('job', 'x')] } })] };
    expect(() => promtoolTestsFor(odd, platform, RULE_FILE)).toThrow(
      'Odd: the window 1m30s is not a whole number of evaluation intervals (1m); increase() would be extrapolated and the minimum volume could not be tested exactly');
  });

  it('counts whole events for a fractional increase threshold: 3 breach, 2 do not', () => {
    expect(file.tests.map((t) => t.name).filter((n) => n.startsWith('Timeouts'))).toEqual([
      'Timeouts fires when timeouts_total{job="x"} grows by 3 within 10m (more than 2.5) for 15m',
      'Timeouts stays silent when timeouts_total{job="x"} grows by exactly 2 within 10m',
      'Timeouts stays silent while timeouts_total{job="x"} does not grow, across a restart that resets it to 0',
    ]);
  });

  it('proves a per-instance down alert against a replica down for less than its `for` (a start-up window)', () => {
    expect(file.tests.map((t) => t.name).filter((n) => n.startsWith('ReplicaDown'))).toEqual([
      'ReplicaDown fires when target 10.0.0.12:8000 of job harvey-backend has up 0 for 10m while another is up',
      'ReplicaDown stays silent while every target is up',
      'ReplicaDown stays silent when a target is down for less than 10m and then comes up',
      'ReplicaDown stays silent without any up series of job harvey-backend (no target: the no-healthy-target alert\'s case)',
    ]);
    expect(series('ReplicaDown stays silent when a target is down for less')).toEqual([
      'up{instance="10.0.0.12:8000",job="harvey-backend"} 0x8 1 1x10', 'up{instance="10.0.0.13:8000",job="harvey-backend"} 1x20',
    ]);
  });

  it('proves "processing stopped" with a flat and a missing processed counter, while another queue is consumed', () => {
    expect(file.tests.map((t) => t.name).filter((n) => n.startsWith('QueueStalled'))).toEqual([
      'QueueStalled fires when rq_jobs{job="rq",status="queued"} is 7 and jobs_processed_total does not grow for 5m',
      'QueueStalled fires when rq_jobs{job="rq",status="queued"} is 7 and jobs_processed_total is missing (no worker process) for 5m',
      'QueueStalled stays silent while jobs wait and jobs_processed_total grows',
      'QueueStalled stays silent while nothing is queued and nothing is processed',
      'QueueStalled stays silent without any rq_jobs series (the exporter\'s own alert)',
    ]);
    expect(series('QueueStalled fires when rq_jobs{job="rq",status="queued"} is 7 and jobs_processed_total does not grow')).toEqual([
      'rq_jobs{instance="10.0.0.12:9100",job="rq",queue="default",status="queued"} 7x20',
      'jobs_processed_total{instance="10.0.0.12:9100",queue="default",status="finished"} 40x20',
      'rq_jobs{instance="10.0.0.12:9100",job="rq",queue="other",status="queued"} 7x20',
      'jobs_processed_total{instance="10.0.0.12:9100",queue="other",status="finished"} 40+1x20',
    ]);
    const fires = file.tests.find((t) => t.name.startsWith('QueueStalled fires when rq_jobs{job="rq",status="queued"} is 7 and jobs_processed_total does not grow'))!;
    expect(fires.alert_rule_test.at(-1)!.exp_alerts.map((a) => a.exp_labels.queue)).toEqual(['default']);
  });

  it('passes the real promtool', async () => {
    const result = await runPromtoolTests({ [RULE_FILE]: rulesYaml(stack), [TEST_FILE]: testsYaml(stack) }, TEST_FILE);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});
