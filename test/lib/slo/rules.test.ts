import { describe, expect, it } from 'vitest';
import { ruleGroupsFor } from '../../../lib/render/prometheus/rule-groups.js';
import { isAlertingRule, type AlertingRule, type RecordingRule, type RuleGroup } from '../../../lib/render/prometheus/rule-types.js';
import { toYaml } from '../../../lib/render/yaml.js';
import { promqlSyntaxErrors } from '../../../lib/promql/syntax.js';
import { humanDuration, rangeText, sloRuleGroups } from '../../../lib/slo/rules.js';
import { Duration } from '../../../lib/core/units.js';
import { checkRules, runPromtoolTests } from '../../../lib/testing/promtool.js';
import { availabilitySpec, latencySpec, ordersSpec, platform, sloStack } from './fixture.js';

const stack = sloStack(availabilitySpec, latencySpec, ordersSpec);
const groups = sloRuleGroups(stack, platform);
const group = (name: string): RuleGroup => groups.find((g) => g.name === name)!;
const rule = (groupName: string, name: string, slo: string): RecordingRule | AlertingRule =>
  group(groupName).rules.find((r) => (isAlertingRule(r) ? r.alert === name : r.record === name && r.labels?.slo === slo))!;
const names = (g: RuleGroup, slo: string) => g.rules.filter((r) => isAlertingRule(r) || r.labels?.slo === slo).map((r) => (isAlertingRule(r) ? r.alert : r.record));

describe('sloRuleGroups', () => {
  it('puts short windows and pages in a 1m group, long windows, budget and tickets in a 5m group, and the meta-alert apart', () => {
    expect(groups.map((g) => [g.name, g.interval])).toEqual([['shop-api-slo', '1m'], ['shop-api-slo-long', '5m'], ['shop-api-slo-meta', '1m']]);
    expect(names(group('shop-api-slo'), 'availability').filter((n) => !n.startsWith('ShopLatency') && !n.startsWith('ShopOrders'))).toEqual([
      'slo:sli_errors:rate5m', 'slo:sli_total:rate5m',
      'slo:sli_error:ratio_rate5m', 'slo:sli_error:ratio_rate30m', 'slo:sli_error:ratio_rate1h', 'slo:sli_error:ratio_rate2h', 'slo:sli_error:ratio_rate6h',
      'ShopAvailabilityBurnRatePageFast', 'ShopAvailabilityBurnRatePageSlow',
    ]);
    expect(names(group('shop-api-slo-long'), 'availability').filter((n) => !n.startsWith('ShopLatency') && !n.startsWith('ShopOrders'))).toEqual([
      'slo:sli_error:ratio_rate1d', 'slo:sli_error:ratio_rate3d', 'slo:sli_error:ratio_period',
      'slo:objective:ratio', 'slo:error_budget:ratio', 'slo:error_budget_remaining:ratio',
      'ShopAvailabilityBurnRateTicketFast', 'ShopAvailabilityBurnRateTicketSlow',
    ]);
  });

  const outage = '(clamp_min(sum by () (avg_over_time(slo:sli_total:rate5m{service="shop-api",slo="availability"}[1d])) or on() vector(0), 1 / 60) ' +
    'and on() (max by (job) (up{job="shop-api"}) == 0 or absent(up{job="shop-api"}))) or on() ';

  it('records the error and total rates at the base window, 5xx counting as 0 (not no data) while no 5xx series exists yet', () => {
    expect(rule('shop-api-slo', 'slo:sli_errors:rate5m', 'availability')).toEqual({
      record: 'slo:sli_errors:rate5m',
      expr: `${outage}(sum by () (rate(http_requests_total{job="shop-api",status=~"5.."}[5m])) or 0 * sum by () (rate(http_requests_total{job="shop-api"}[5m])))`,
      labels: { service: 'shop-api', slo: 'availability' },
    });
    expect(rule('shop-api-slo', 'slo:sli_total:rate5m', 'availability').expr).toBe(`${outage}(sum by () (rate(http_requests_total{job="shop-api"}[5m])))`);
  });

  it('counts the time without a healthy target as failed requests at the usual rate (averaged over a day, at least one a minute), for availability SLIs only', () => {
    expect(rule('shop-api-slo', 'slo:sli_total:rate5m', 'orders').expr).toBe('sum by () (rate(orders_total{job="shop-api"}[5m]))');
    expect(rule('shop-api-slo', 'slo:sli_total:rate5m', 'latency').expr).not.toContain('up{');
  });

  it('takes slow requests as all requests minus those in the threshold bucket', () => {
    expect(rule('shop-api-slo', 'slo:sli_errors:rate5m', 'latency').expr).toBe(
      'sum by () (rate(http_request_duration_seconds_count{job="shop-api"}[5m])) - ' +
      'sum by () (rate(http_request_duration_seconds_bucket{job="shop-api",le=~"5(\\\\.0)?"}[5m]))',
    );
  });

  it('builds every longer window from the two recordings, summing rates (traffic-weighted) rather than averaging ratios', () => {
    expect(rule('shop-api-slo', 'slo:sli_error:ratio_rate5m', 'availability').expr).toBe(
      'slo:sli_errors:rate5m{service="shop-api",slo="availability"} / slo:sli_total:rate5m{service="shop-api",slo="availability"}',
    );
    expect(rule('shop-api-slo', 'slo:sli_error:ratio_rate1h', 'availability').expr).toBe(
      'sum_over_time(slo:sli_errors:rate5m{service="shop-api",slo="availability"}[1h]) / sum_over_time(slo:sli_total:rate5m{service="shop-api",slo="availability"}[1h])',
    );
    expect(rule('shop-api-slo-long', 'slo:sli_error:ratio_period', 'orders').expr).toBe(
      'sum_over_time(slo:sli_errors:rate5m{service="shop-api",slo="orders"}[7d]) / sum_over_time(slo:sli_total:rate5m{service="shop-api",slo="orders"}[7d])',
    );
  });

  it('records the objective, the error budget and the share of the budget left over the period, with the SLO\'s labels', () => {
    const budget = (record: string) => rule('shop-api-slo-long', record, 'orders');
    expect(budget('slo:objective:ratio')).toEqual({ record: 'slo:objective:ratio', expr: 'vector(0.99)', labels: { service: 'shop-api', slo: 'orders', tier: 'gold' } });
    expect(budget('slo:error_budget:ratio').expr).toBe('vector(0.01)');
    expect(budget('slo:error_budget_remaining:ratio').expr).toBe('1 - slo:sli_error:ratio_period{service="shop-api",slo="orders"} / 0.01');
  });

  it('fires a tier when both its windows burn faster than factor × budget, labelled and linked to its runbook section', () => {
    expect(rule('shop-api-slo', 'ShopAvailabilityBurnRatePageFast', 'availability')).toEqual({
      alert: 'ShopAvailabilityBurnRatePageFast',
      expr: 'slo:sli_error:ratio_rate1h{service="shop-api",slo="availability"} > (14.4 * 0.001) and ' +
        'slo:sli_error:ratio_rate5m{service="shop-api",slo="availability"} > (14.4 * 0.001)',
      for: '2m',
      labels: { severity: 'critical', sev: 'SEV-2', service: 'shop-api', team: 'shop', slo: 'availability', notify: 'page' },
      annotations: {
        summary: 'Shop API availability SLO: error budget burning at over 14.4x the sustainable rate',
        description: '{{ $value | humanizePercentage }} of Shop API requests failed (5xx, or no healthy target) over the last 1h, and more than 1.44% over the last 5m; ' +
          'the availability SLO allows 0.1% (objective 99.9% over 30d). Burning the error budget over 14.4x faster than sustainable spends 2% ' +
          'of it within 1h and all of it within 2d 2h.',
        runbook_url: 'https://github.com/example-org/observability/blob/main/dist/shop-api/RUNBOOK.md#shopavailabilityburnratepagefast',
      },
    });
  });

  it('scales the thresholds of a 7d SLO and carries its labels on the alerts', () => {
    const ticket = rule('shop-api-slo-long', 'ShopOrdersBurnRateTicketSlow', 'orders') as AlertingRule;
    expect(ticket.expr).toBe('slo:sli_error:ratio_rate3d{service="shop-api",slo="orders"} > (0.233333333333 * 0.01) and ' +
      'slo:sli_error:ratio_rate6h{service="shop-api",slo="orders"} > (0.233333333333 * 0.01)');
    expect(ticket.labels).toEqual({ severity: 'warning', sev: 'SEV-3', service: 'shop-api', team: 'shop', slo: 'orders', notify: 'ticket', tier: 'gold' });
  });

  it('raises a ticket when an SLO rule group skips evaluations, matching the group by its name after "<file>;"', () => {
    expect(group('shop-api-slo-meta').rules).toEqual([{
      alert: 'ShopSloRuleGroupMissedIterations',
      expr: 'sum by (rule_group) (increase(prometheus_rule_group_iterations_missed_total{rule_group=~".*;(shop-api-slo|shop-api-slo-long)"}[1h])) > 0',
      for: '0s',
      labels: { severity: 'warning', sev: 'SEV-3', service: 'shop-api', team: 'shop', notify: 'ticket' },
      annotations: {
        summary: 'Shop API SLO rule group {{ $labels.rule_group }} skipped evaluations',
        description: '{{ $value | humanize }} evaluations of rule group {{ $labels.rule_group }} were skipped over the last hour, because one took ' +
          'longer than the group\'s interval. The SLO recordings of Shop API have gaps: error ratios, budget remaining and burn-rate alerts may ' +
          'be late or wrong until evaluations keep up again.',
        runbook_url: 'https://github.com/example-org/observability/blob/main/dist/shop-api/RUNBOOK.md#shopslorulegroupmissediterations',
      },
    }]);
  });

  it('leaves out the alert of a disabled tier but still records its windows', () => {
    const s = sloStack({ ...availabilitySpec, burnRates: { 'page-fast': { enabled: false } } });
    const all = sloRuleGroups(s, platform).flatMap((g) => g.rules);
    expect(all.filter(isAlertingRule).map((r) => r.alert)).not.toContain('ShopAvailabilityBurnRatePageFast');
    expect(all.some((r) => !isAlertingRule(r) && r.record === 'slo:sli_error:ratio_rate1h')).toBe(true);
  });

  it('never evaluates the long group more often than the platform evaluates anything', () => {
    expect(sloRuleGroups(stack, { ...platform, evaluationInterval: '10m' }).map((g) => g.interval)).toEqual(['10m', '10m', '10m']);
  });

  it('renders nothing for a stack without SLOs, and comes after the alert groups in ruleGroupsFor', () => {
    expect(sloRuleGroups({ ...stack, slos: [] }, platform)).toEqual([]);
    expect(ruleGroupsFor(stack, platform).map((g) => g.name)).toEqual(['shop-api-slo', 'shop-api-slo-long', 'shop-api-slo-meta']);
  });

  it('writes valid PromQL that promtool check rules accepts', async () => {
    for (const r of groups.flatMap((g) => g.rules)) expect(promqlSyntaxErrors(r.expr), r.expr).toEqual([]);
    const result = await checkRules({ 'rules.yaml': toYaml({ groups }) }, 'rules.yaml');
    expect(result.output).toContain('SUCCESS: 52 rules found');
    expect(result.ok).toBe(true);
  });

  it('weights windows by traffic: a quiet, failing half hour does not outweigh a busy, healthy one (promtool)', async () => {
    const s = sloStack(availabilitySpec);
    // 30m at 10 requests/min with 50% errors, then 30m at 10 000/min with 0.1%: 315 errors in 300 300 requests, ~0.105%.
    // Averaging the 5m ratios would say ~25%; the recorded ratio of sums stays near 0.1%.
    const series = (status: string, quiet: number, busy: number) =>
      ({ series: `http_requests_total{job="shop-api",status="${status}"}`, values: `0+${quiet}x30 ${30 * quiet + busy}+${busy}x29` });
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      group_eval_order: ['shop-api-slo', 'shop-api-slo-long', 'shop-api-slo-meta'],
      tests: [{
        name: 'traffic-weighted 1h ratio',
        interval: '1m',
        input_series: [series('200', 5, 9990), series('500', 5, 10), { series: 'up{job="shop-api",instance="10.0.0.12:8080"}', values: '1x59' }],
        alert_rule_test: [],
        promql_expr_test: [{
          expr: 'slo:sli_error:ratio_rate1h{service="shop-api",slo="availability"} < bool 0.002',
          eval_time: '1h',
          exp_samples: [{ labels: '{service="shop-api",slo="availability"}', value: 1 }],
        }],
      }],
    };
    const result = await runPromtoolTests({ 'rules.yaml': toYaml({ groups: sloRuleGroups(s, platform) }), 'tests.yaml': toYaml(tests) }, 'tests.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});

describe('an outage in the availability SLI (promtool)', () => {
  it('counts every minute without a healthy target as failed requests at the rate the service usually gets', async () => {
    const s = sloStack(availabilitySpec);
    // 30m of 10 requests/s without errors, then the target and its counters are gone (no requests counted at all).
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      group_eval_order: ['shop-api-slo', 'shop-api-slo-long', 'shop-api-slo-meta'],
      tests: [{
        name: 'outage after traffic',
        interval: '1m',
        input_series: [
          { series: 'http_requests_total{job="shop-api",instance="10.0.0.12:8080",status="200"}', values: '0+600x29' },
          { series: 'up{job="shop-api",instance="10.0.0.12:8080"}', values: '1x29' },
        ],
        alert_rule_test: [],
        promql_expr_test: [
          // The day's average: 10/s for 30m, and the rates fading over the 5m after the last scrape (8.94/s in all).
          { expr: 'abs(slo:sli_total:rate5m{service="shop-api",slo="availability"} - 10) < bool 2', eval_time: '50m', exp_samples: [{ labels: '{service="shop-api",slo="availability"}', value: 1 }] },
          { expr: 'slo:sli_error:ratio_rate5m{service="shop-api",slo="availability"}', eval_time: '50m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{service="shop-api",slo="availability"}', value: 1 }] },
          { expr: 'slo:sli_error:ratio_rate5m{service="shop-api",slo="availability"}', eval_time: '20m', exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{service="shop-api",slo="availability"}', value: 0 }] },
        ],
      }],
    };
    const result = await runPromtoolTests({ 'rules.yaml': toYaml({ groups: sloRuleGroups(s, platform) }), 'tests.yaml': toYaml(tests) }, 'tests.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});

describe('duration texts', () => {
  it('show periods and budgets in days, hours, minutes and seconds, and PromQL ranges in whole days', () => {
    expect(humanDuration(Duration.ofSeconds(30 * 86400))).toBe('30d');
    expect(humanDuration(Duration.ofSeconds(50 * 3600))).toBe('2d 2h');
    expect(humanDuration(Duration.ofSeconds(2592))).toBe('43m 12s');
    expect(rangeText(Duration.ofSeconds(30 * 86400))).toBe('30d');
    expect(rangeText(Duration.ofSeconds(5400))).toBe('1h30m');
  });
});
