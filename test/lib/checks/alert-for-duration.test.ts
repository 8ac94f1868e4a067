import { describe, expect, it } from 'vitest';
import { alertForDurationIssues } from '../../../lib/checks/alert-for-duration.js';
import { alertRule, group, rendered, withRuleGroups } from './fixture.js';

const shop = rendered();

describe('alertForDurationIssues', () => {
  it('accepts the good fixture', () => {
    expect(alertForDurationIssues(shop)).toEqual([]);
  });

  it('refuses a for shorter than the group interval and explains why', () => {
    expect(alertForDurationIssues(withRuleGroups(shop, [group('shop-api-http', [alertRule('ShopA', 'up == 0', { for: '30s' })])]))).toEqual([{
      service: 'shop-api', field: 'rules.ShopA.for', value: '30s',
      allowed: "0s, or at least the evaluation interval of rule group 'shop-api-http' (1m): Prometheus checks the condition once per interval, so a shorter 'for' acts as 1m anyway",
    }]);
  });

  it('accepts 0s and a for equal to the interval, per group', () => {
    const groups = [group('fast', [alertRule('ShopA', 'up == 0', { for: '0s' }), alertRule('ShopB', 'up == 0', { for: '30s' })], '30s'),
      group('slow', [alertRule('ShopC', 'up == 0', { for: '5m' })], '5m')];
    expect(alertForDurationIssues(withRuleGroups(shop, groups))).toEqual([]);
  });

  it('reports a for that is not a duration', () => {
    expect(alertForDurationIssues(withRuleGroups(shop, [group('g', [alertRule('ShopA', 'up == 0', { for: 'soon' })])])).map((i) => i.value)).toEqual(['soon']);
  });
});
