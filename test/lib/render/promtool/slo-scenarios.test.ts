import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ServiceStack } from '../../../../lib/core/stack.js';
import { ruleGroupsFor } from '../../../../lib/render/prometheus/rule-groups.js';
import { niceCeil, niceFloor, SloEmulation, sloScenarios, sloTestGroups } from '../../../../lib/render/promtool/slo-scenarios.js';
import { kahanSum, SeriesStore } from '../../../../lib/render/promtool/prom-eval.js';
import { piecewise } from '../../../../lib/render/promtool/series.js';
import { promtoolTestsFor } from '../../../../lib/render/promtool/test-file.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { num } from '../../../../lib/promql/selector.js';
import { duration } from './fixture.js';
import { runPromtoolTests } from '../../../../lib/testing/promtool.js';
import { splitTestJob } from '../../../../lib/testing/promtool-split.js';
import { runSplit } from '../../../support/split-promtool.js';
import { availabilitySpec, latencySpec, ordersSpec, platform, sloStack, withTier } from '../../slo/fixture.js';

const RULE_FILE = 'rules.yaml';
const TEST_FILE = 'rules.test.yaml';
const stack = sloStack(availabilitySpec, latencySpec);
const file = promtoolTestsFor(stack, platform, RULE_FILE);
const testsYaml = toYaml(file);

const rulesYaml = (s: ServiceStack): string => toYaml({ groups: ruleGroupsFor(s, platform) });
/** The tests generated from `stack`, run against rules rendered from another stack (or edited text), whole. */
const runAgainst = (rules: string) => runPromtoolTests({ [RULE_FILE]: rules, [TEST_FILE]: testsYaml }, TEST_FILE);
/** The same, split as `oac test` runs it (each part loads only the rules its tests read). */
const runSplitAgainst = (rules: string) => runSplit({ [RULE_FILE]: rules, [TEST_FILE]: testsYaml }, TEST_FILE);
const failedGroups = (output: string): string[] => [...new Set([...output.matchAll(/^\s+name: (.*),$/gm)].map((m) => m[1]!))].sort();
const named = (...parts: string[]): string[] => file.tests.map((t) => t.name).filter((n) => parts.some((p) => n.includes(p))).sort();

describe('promtool tests of the SLOs', () => {
  it('prove every tier with a burn just above its factor and one well inside it (7x, 3.5x), a burn below them all, no traffic, and the meta-alert', () => {
    expect(file.tests.map((t) => t.name)).toEqual([
      'A 15x burn of the availability error budget (1.5% of requests failing) pages via ShopAvailabilityBurnRatePageFast after 3m',
      'A 6.24x burn of the availability error budget (0.624% of requests failing) pages via ShopAvailabilityBurnRatePageSlow after 16m while page-fast stays silent',
      'A 7x burn of the availability error budget (0.7% of requests failing) pages via ShopAvailabilityBurnRatePageSlow after 16m while page-fast stays silent',
      'A 3.12x burn of the availability error budget (0.312% of requests failing) opens a ticket via ShopAvailabilityBurnRateTicketFast after 1h1m while page-fast and page-slow stay silent',
      'A 3.5x burn of the availability error budget (0.35% of requests failing) opens a ticket via ShopAvailabilityBurnRateTicketFast after 1h1m while page-fast and page-slow stay silent',
      'A 1.04x burn of the availability error budget (0.104% of requests failing) opens a ticket via ShopAvailabilityBurnRateTicketSlow after 3h1m while page-fast and page-slow and ticket-fast stay silent',
      'A 1.17x burn of the availability error budget (0.117% of requests failing) opens a ticket via ShopAvailabilityBurnRateTicketSlow after 3h1m while page-fast and page-slow and ticket-fast stay silent',
      'A 0.9x burn of the availability error budget (0.09% of requests failing) fires no burn-rate alert',
      'Traffic without a single 5xx yet leaves the availability error budget untouched (no 5xx series means 0% errors, not no data)',
      'No target of shop-api left and no request counted: the outage burns the availability error budget and ShopAvailabilityBurnRatePageFast fires after 2m',
      'Every target of shop-api down (up == 0) and no request counted: the outage burns the availability error budget and ShopAvailabilityBurnRatePageFast fires after 2m',
      'No traffic fires no burn-rate alert of the availability SLO (0/0 is NaN, not an error ratio), while every target of shop-api is up',
      'A 15x burn of the latency error budget (75% of requests slower than 5s) pages via ShopLatencyBurnRatePageFast after 3m',
      'A 15x burn of the latency error budget (75% of requests slower than 5s) pages via ShopLatencyBurnRatePageFast after 3m, with buckets written as Go and JavaScript clients do',
      'A 6.24x burn of the latency error budget (31.2% of requests slower than 5s) pages via ShopLatencyBurnRatePageSlow after 16m while page-fast stays silent',
      'A 7x burn of the latency error budget (35% of requests slower than 5s) pages via ShopLatencyBurnRatePageSlow after 16m while page-fast stays silent',
      'A 3.12x burn of the latency error budget (15.6% of requests slower than 5s) opens a ticket via ShopLatencyBurnRateTicketFast after 1h1m while page-fast and page-slow stay silent',
      'A 3.5x burn of the latency error budget (17.5% of requests slower than 5s) opens a ticket via ShopLatencyBurnRateTicketFast after 1h1m while page-fast and page-slow stay silent',
      'A 1.04x burn of the latency error budget (5.2% of requests slower than 5s) opens a ticket via ShopLatencyBurnRateTicketSlow after 3h1m while page-fast and page-slow and ticket-fast stay silent',
      'A 1.17x burn of the latency error budget (5.85% of requests slower than 5s) opens a ticket via ShopLatencyBurnRateTicketSlow after 3h1m while page-fast and page-slow and ticket-fast stay silent',
      'A 0.9x burn of the latency error budget (4.5% of requests slower than 5s) fires no burn-rate alert',
      'No traffic fires no burn-rate alert of the latency SLO (0/0 is NaN, not an error ratio)',
      'ShopSloRuleGroupMissedIterations fires when rule group shop-api-slo-long skips an evaluation',
      'ShopSloRuleGroupMissedIterations stays silent when only a rule group other than the SLO groups skips evaluations',
    ]);
  });

  it('give every test group an explicit interval and evaluate the short SLO group before the long one', () => {
    const parsed = parse(testsYaml) as { group_eval_order: string[]; tests: Record<string, unknown>[] };
    expect(parsed.group_eval_order).toEqual(['shop-api-slo', 'shop-api-slo-long', 'shop-api-slo-meta']);
    for (const group of parsed.tests) {
      expect(group.interval, String(group.name)).toBe('1m');
      expect(Object.keys(group).sort()).toEqual(['alert_rule_test', 'input_series', 'interval', 'name', 'promql_expr_test']);
    }
    for (const key of ['fuzzy_compare', 'query_offset', 'external_labels', '{{ ']) expect(testsYaml.split('exp_annotations')[0]).not.toContain(key);
  });

  it('assert page-fast is silent one interval before it fires, and fires with exact labels and annotations', () => {
    const fast = file.tests[0]!;
    expect(fast.input_series).toEqual([
      { series: 'http_requests_total{handler="/api/v1/example",instance="10.0.0.12:8080",job="shop-api",method="POST",status="200"}', values: '0+5850x3' },
      { series: 'http_requests_total{handler="/api/v1/example",instance="10.0.0.12:8080",job="shop-api",method="POST",status="404"}', values: '0+60x3' },
      { series: 'http_requests_total{handler="/api/v1/example",instance="10.0.0.12:8080",job="shop-api",method="POST",status="500"}', values: '0+72x3' },
      { series: 'http_requests_total{handler="/api/v1/example",instance="10.0.0.12:8080",job="shop-api",method="POST",status="503"}', values: '0+18x3' },
      { series: 'up{instance="10.0.0.12:8080",job="shop-api"}', values: '1x3' },
    ]);
    expect(fast.alert_rule_test).toEqual([
      { eval_time: '2m', alertname: 'ShopAvailabilityBurnRatePageFast', exp_alerts: [] },
      {
        eval_time: '3m',
        alertname: 'ShopAvailabilityBurnRatePageFast',
        exp_alerts: [{
          exp_labels: { service: 'shop-api', slo: 'availability', severity: 'critical', sev: 'SEV-2', team: 'shop', notify: 'page' },
          exp_annotations: {
            summary: 'Shop API availability SLO: error budget burning at over 14.4x the sustainable rate',
            description: '1.5% of Shop API requests failed (5xx, or no healthy target) over the last 1h, and more than 1.44% over the last 5m; the availability SLO allows 0.1% ' +
              '(objective 99.9% over 30d). Burning the error budget over 14.4x faster than sustainable spends 2% of it within 1h and all of it within 2d 2h.',
            runbook_url: 'https://github.com/example-org/observability/blob/main/dist/shop-api/RUNBOOK.md#shopavailabilityburnratepagefast',
          },
        }],
      },
    ]);
    expect(fast.promql_expr_test).toEqual([
      { expr: 'ALERTS{alertname="ShopAvailabilityBurnRatePageFast"}', eval_time: '0s', exp_samples: [] },
      {
        expr: 'ALERTS{alertname="ShopAvailabilityBurnRatePageFast"}',
        eval_time: '1m',
        exp_samples: [{
          labels: 'ALERTS{alertname="ShopAvailabilityBurnRatePageFast",alertstate="pending",notify="page",service="shop-api",sev="SEV-2",severity="critical",slo="availability",team="shop"}',
          value: 1,
        }],
      },
      // 15x burn: 15 times the budget spent so far (over 3 minutes of history).
      {
        expr: 'abs(slo:error_budget_remaining:ratio{service="shop-api",slo="availability"} + 14) < bool 1e-06',
        eval_time: '3m',
        exp_samples: [{ labels: '{service="shop-api",slo="availability"}', value: 1 }],
      },
    ]);
  });

  it('check the faster tiers stay silent at each time they would have fired, and the budget recordings', () => {
    const slow = file.tests.find((t) => t.name.startsWith('A 1.04x burn of the availability'))!;
    const silent = slow.alert_rule_test.filter((a) => a.alertname !== 'ShopAvailabilityBurnRateTicketSlow').map((a) => [a.alertname, a.eval_time, a.exp_alerts.length]);
    expect(silent).toEqual([
      ['ShopAvailabilityBurnRatePageFast', '3m', 0], ['ShopAvailabilityBurnRatePageFast', '16m', 0], ['ShopAvailabilityBurnRatePageFast', '1h1m', 0], ['ShopAvailabilityBurnRatePageFast', '3h1m', 0],
      ['ShopAvailabilityBurnRatePageSlow', '3m', 0], ['ShopAvailabilityBurnRatePageSlow', '16m', 0], ['ShopAvailabilityBurnRatePageSlow', '1h1m', 0], ['ShopAvailabilityBurnRatePageSlow', '3h1m', 0],
      ['ShopAvailabilityBurnRateTicketFast', '3m', 0], ['ShopAvailabilityBurnRateTicketFast', '16m', 0], ['ShopAvailabilityBurnRateTicketFast', '1h1m', 0], ['ShopAvailabilityBurnRateTicketFast', '3h1m', 0],
    ]);
    const calm = file.tests.find((t) => t.name.startsWith('A 0.9x burn of the availability'))!;
    expect(calm.promql_expr_test.filter((e) => !e.expr.startsWith('ALERTS'))).toEqual([
      { expr: 'abs(slo:error_budget_remaining:ratio{service="shop-api",slo="availability"} - 0.1) < bool 1e-06', eval_time: '3h1m', exp_samples: [{ labels: '{service="shop-api",slo="availability"}', value: 1 }] },
      { expr: 'slo:objective:ratio{service="shop-api",slo="availability"}', eval_time: '3h1m', exp_samples: [{ labels: 'slo:objective:ratio{service="shop-api",slo="availability"}', value: 0.999 }] },
      { expr: 'slo:error_budget:ratio{service="shop-api",slo="availability"}', eval_time: '3h1m', exp_samples: [{ labels: 'slo:error_budget:ratio{service="shop-api",slo="availability"}', value: 0.001 }] },
    ]);
  });

  it('write the threshold bucket as Python does (le="5.0") and, in one scenario, as Go and JavaScript do (le="5")', () => {
    const le = (name: string) => file.tests.find((t) => t.name === name)!.input_series.map((s) => /le="([^"]+)"/.exec(s.series)?.[1]).filter(Boolean);
    const python = named('A 15x burn of the latency')[0]!;
    expect(le(python)).toEqual(['2.5', '5.0', '7.5', '+Inf']);
    expect(le(`${python}, with buckets written as Go and JavaScript clients do`)).toEqual(['2.5', '5', '7.5', '+Inf']);
  });

  // The whole file, as a user runs it: about 15 s of promtool CPU, minutes on a loaded two-core CI machine.
  it('pass under the real promtool test rules against the rules ruleGroupsFor renders', { timeout: 180_000 }, async () => {
    const result = await runAgainst(rulesYaml(stack));
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('pass for ratio SLIs, from bad or from good events, over a 7d period (data derived from the selectors)', { timeout: 180_000 }, async () => {
    const ratio = sloStack(ordersSpec, {
      name: 'orders-good', description: 'Orders succeed.', objective: '99.5%', period: '28d',
      sli: { kind: 'ratio', good: 'orders_total{job="shop-api",outcome="ok"}', total: 'orders_total{job="shop-api"}' },
    });
    const tests = promtoolTestsFor(ratio, platform, RULE_FILE);
    expect(tests.tests.map((t) => t.name).filter((n) => n.includes('orders error budget'))).toEqual([
      'A 3.5x burn of the orders error budget (3.5% bad events) pages via ShopOrdersBurnRatePageFast after 3m',
      'A 1.46x burn of the orders error budget (1.46% bad events) pages via ShopOrdersBurnRatePageSlow after 16m while page-fast stays silent',
      'A 1.64x burn of the orders error budget (1.64% bad events) pages via ShopOrdersBurnRatePageSlow after 16m while page-fast stays silent',
      'A 0.728x burn of the orders error budget (0.728% bad events) opens a ticket via ShopOrdersBurnRateTicketFast after 1h1m while page-fast and page-slow stay silent',
      'A 0.817x burn of the orders error budget (0.817% bad events) opens a ticket via ShopOrdersBurnRateTicketFast after 1h1m while page-fast and page-slow stay silent',
      'A 0.243x burn of the orders error budget (0.243% bad events) opens a ticket via ShopOrdersBurnRateTicketSlow after 3h1m while page-fast and page-slow and ticket-fast stay silent',
      'A 0.273x burn of the orders error budget (0.273% bad events) opens a ticket via ShopOrdersBurnRateTicketSlow after 3h1m while page-fast and page-slow and ticket-fast stay silent',
      'A 0.21x burn of the orders error budget (0.21% bad events) fires no burn-rate alert',
    ]);
    expect(tests.tests[0]!.input_series.map((s) => s.series)).toEqual(['orders_total{job="shop-api",outcome="fail"}', 'orders_total{job="shop-api"}']);
    const result = await runPromtoolTests({ [RULE_FILE]: rulesYaml(ratio), [TEST_FILE]: toYaml(tests) }, TEST_FILE);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('refuse an SLO alert named like another alert of the service', () => {
    const clash: ServiceStack = { ...stack, alerts: [{ name: 'ShopAvailabilityBurnRatePageFast' } as ServiceStack['alerts'][number]] };
    expect(() => sloTestGroups(clash, platform)).toThrow('shop-api: SLO alert ShopAvailabilityBurnRatePageFast has the name of another alert of the service');
  });

  it('sum every window of the recordings as sum_over_time does, added anew in time order, for steady and uneven traffic', () => {
    const slo = stack.slos![0]!;
    // The slowest tier's scenario: three hours of a constant burn.
    const steady = sloScenarios(stack, platform, slo).find((s) => s.name.startsWith('A 1.04x burn'))!.series;
    // Bad requests that speed up and then stop: windows over unequal rates and over a run of equal ones.
    const uneven = steady.map((s) => s.labels.status === '500'
      ? piecewise(s.metric, s.labels, 0, [{ perInterval: 0.3, intervals: 40 }, { perInterval: 1.7, intervals: 40 }, { perInterval: 0.25, intervals: 100 }])
      : s);
    const MINUTE = 60_000;
    for (const series of [steady, uneven]) {
      const emulation = new SloEmulation(new SeriesStore(series, MINUTE), slo, 'test');
      const reference = new SloEmulation(new SeriesStore(series, MINUTE), slo, 'test');
      for (const windowMs of [30 * MINUTE, 60 * MINUTE, 120 * MINUTE]) {
        for (let t = 0; t <= 180 * MINUTE; t += MINUTE) {
          const steps = [...Array(t / MINUTE + 1).keys()].filter((i) => i * MINUTE >= t - windowMs);
          const errors = steps.map((i) => reference.errors(i * MINUTE)).filter((v) => v !== undefined);
          const totals = steps.map((i) => reference.totalRate(i * MINUTE)).filter((v) => v !== undefined);
          const expected = errors.length === 0 || totals.length === 0 ? undefined : kahanSum(errors) / kahanSum(totals);
          expect(Object.is(emulation.ratio(windowMs, t), expected), `${windowMs / MINUTE}m window at ${t / MINUTE}m`).toBe(true);
        }
      }
    }
  });

  it('round scenario burns up to three significant digits above a factor, and down to two below one', () => {
    expect([14.4 * 1.04, 6 * 1.04, 3 * 1.04, 1.04, 3.36 * 1.04].map(niceCeil)).toEqual([15, 6.24, 3.12, 1.04, 3.5]);
    expect([0.9, 0.233333333333 * 0.9].map(niceFloor)).toEqual([0.9, 0.21]);
  });
});

// One test at a time: each runs promtool over the 24-group file (split, a few seconds of CPU; the whole file,
// about 15 s), and running five at once on a 2-core machine beside other files outlived vitest's limit.
describe('the SLO promtool tests fail when the rules move', { timeout: 180_000 }, () => {
  /** The rules with one tier's factor changed in the alert expressions only (annotations keep the old text). */
  const withFactor = (id: string, factor: (old: number) => number): string => {
    const suffix = `BurnRate${id.split('-').map((p) => p[0]!.toUpperCase() + p.slice(1)).join('')}`;
    const tiers = new Map((stack.slos ?? []).flatMap((slo) => slo.tiers.filter((t) => t.id === id).map((t) => [slo.name, t.factor] as const)));
    return toYaml({
      groups: ruleGroupsFor(stack, platform).map((g) => ({
        ...g,
        rules: g.rules.map((r) => {
          if (!('alert' in r) || !r.alert.endsWith(suffix)) return r;
          const old = tiers.get(r.labels.slo!)!;
          return { ...r, expr: r.expr.replaceAll(`(${num(old)} * `, `(${num(factor(old))} * `) };
        }),
      })),
    });
  };
  const scale = (id: string, by: number) => withFactor(id, (old) => old * by);

  it.each<[string, string[]]>([
    ['page-fast', ['A 15x burn of the availability', 'A 15x burn of the latency']],
    ['page-slow', ['A 6.24x burn of the availability', 'A 6.24x burn of the latency']],
    ['ticket-fast', ['A 3.12x burn of the availability', 'A 3.12x burn of the latency']],
    ['ticket-slow', ['A 1.04x burn of the availability', 'A 1.04x burn of the latency']],
  ])('%s factor 5% higher: its burn no longer fires it', async (id, failing) => {
    const result = await runSplitAgainst(scale(id, 1.05));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(named(...failing));
  });

  it('page-fast factor 5% higher, split as `oac test` runs it (each run only the rules its tests read): the same groups fail', async () => {
    expect(splitTestJob({ files: { [RULE_FILE]: scale('page-fast', 1.05), [TEST_FILE]: testsYaml }, testFile: TEST_FILE }).length).toBeGreaterThan(1);
    const whole = await runAgainst(scale('page-fast', 1.05));
    const split = await runSplitAgainst(scale('page-fast', 1.05));
    expect(split.ok).toBe(false);
    expect(failedGroups(split.output)).toEqual(failedGroups(whole.output));
    expect(failedGroups(split.output)).toEqual(named('A 15x burn of the availability', 'A 15x burn of the latency'));
  });

  it('ticket-slow factor 15% lower: the 0.9x burn opens a ticket', async () => {
    const result = await runSplitAgainst(scale('ticket-slow', 0.85));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(named('A 0.9x burn'));
  });

  it('page-fast factor down to 6: the 6.24x and 7x burns page through page-fast too', async () => {
    const result = await runSplitAgainst(withFactor('page-fast', () => 6));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(named('A 6.24x burn', 'A 7x burn'));
  });

  it('page-fast for one interval longer: it fires too late', async () => {
    const result = await runSplitAgainst(rulesYaml(withTier(stack, 'page-fast', (t) => ({ ...t, for: duration('3m') }))));
    expect(result.ok).toBe(false);
    // The outage scenarios prove page-fast's `for` too (a full outage pages at once, after the `for`).
    expect(failedGroups(result.output)).toEqual(named('A 15x burn', 'the outage burns'));
  });

  it('le="5" instead of the regex: the Python-style histogram no longer counts (the Go-style one still does)', async () => {
    const result = await runSplitAgainst(rulesYaml(stack).replaceAll('le=~"5(\\\\.0)?"', 'le="5"'));
    expect(result.ok).toBe(false);
    const failed = failedGroups(result.output);
    expect(failed).toContain(named('A 15x burn of the latency')[0]);
    expect(failed).not.toContain(named('with buckets written as Go')[0]);
  });

  it('no fallback to 0 errors: traffic before the first 5xx has no error ratio, and no budget', async () => {
    // promtool names the test group only for failing alert tests, so this runs the one group on its own.
    const only = toYaml({ ...file, tests: file.tests.filter((t) => t.name.startsWith('Traffic without a single 5xx')) });
    const rules = rulesYaml(stack).replace(' or 0 * sum by () (rate(http_requests_total{job="shop-api"}[5m]))', '');
    expect((await runPromtoolTests({ [RULE_FILE]: rulesYaml(stack), [TEST_FILE]: only }, TEST_FILE)).ok).toBe(true);
    const result = await runPromtoolTests({ [RULE_FILE]: rules, [TEST_FILE]: only }, TEST_FILE);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('expr: "abs(slo:error_budget_remaining:ratio{service=\\"shop-api\\",slo=\\"availability\\"} - 1) < bool 1e-06", time: 10m');
    expect(result.output).toContain('got: nil');
  });

  it('no outage term: a full outage (no target, or every target down, and no request) burns nothing and pages nobody', async () => {
    const blind: ServiceStack = { ...stack, slos: (stack.slos ?? []).map((slo) => ({ ...slo, sli: { ...slo.sli, outage: undefined } })) };
    const result = await runSplitAgainst(rulesYaml(blind));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(named('the outage burns'));
  });

  it('the meta-alert watching only the short group misses the long group skipping', async () => {
    const result = await runSplitAgainst(rulesYaml(stack).replace('(shop-api-slo|shop-api-slo-long)', '(shop-api-slo)'));
    expect(result.ok).toBe(false);
    expect(failedGroups(result.output)).toEqual(named('fires when rule group shop-api-slo-long skips'));
  });
});
