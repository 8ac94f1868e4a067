import { describe, expect, it } from 'vitest';
import { recordingRuleAggregationIssues } from '../../../lib/checks/recording-rule-aggregation.js';
import { alertRule, group, rendered, withRuleGroups } from './fixture.js';

const shop = rendered();

describe('recordingRuleAggregationIssues', () => {
  it('accepts the SLO recording rules of the good fixture, which aggregate with by ()', () => {
    expect(shop.ruleGroups.some((g) => g.rules.some((r) => 'record' in r))).toBe(true);
    expect(recordingRuleAggregationIssues(shop)).toEqual([]);
  });

  it('refuses an aggregation without by or without, naming the record and its labels', () => {
    const rules = [{ record: 'job:http_requests:rate5m', expr: 'sum(rate(http_requests_total[5m]))', labels: { service: 'shop-api' } }];
    expect(recordingRuleAggregationIssues(withRuleGroups(shop, [group('g', rules)]))).toEqual([{
      service: 'shop-api', field: 'rules.job:http_requests:rate5m{service="shop-api"}.expr', value: 'sum(rate(http_requests_total[5m]))',
      allowed: 'an aggregation with an explicit by (...) or without (...) clause, e.g. sum by (job) (...) or sum by () (...), so the labels the recorded series keeps are chosen, not dropped by default',
    }]);
  });

  it('checks every aggregation of a record, and leaves alerting rules alone', () => {
    const rules = [
      { record: 'a:b:c', expr: 'sum by (job) (rate(x[5m])) / max without (pod) (y) + count(z)' },
      { record: 'a:objective', expr: 'vector(0.999)' },
      alertRule('ShopA', 'sum(rate(x[5m])) > 1'),
    ];
    expect(recordingRuleAggregationIssues(withRuleGroups(shop, [group('g', rules)])).map((i) => i.value)).toEqual(['count(z)']);
  });
});
