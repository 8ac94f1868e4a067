import { describe, expect, it } from 'vitest';
import { ruleGroupNameIssues } from '../../../lib/checks/rule-group-names.js';
import { alertRule, group, rendered, withRuleGroups } from './fixture.js';

const shop = rendered();

describe('ruleGroupNameIssues', () => {
  it('accepts the good fixture', () => {
    expect(ruleGroupNameIssues(shop)).toEqual([]);
  });

  it('refuses two groups of one name in the rule file', () => {
    const groups = [group('shop-api-http', [alertRule('ShopA', 'up == 0')]), group('shop-api-http', [alertRule('ShopB', 'up == 0')])];
    expect(ruleGroupNameIssues(withRuleGroups(shop, groups))).toEqual([{
      service: 'shop-api', field: 'prometheus-rules.yaml', value: 'shop-api-http',
      allowed: 'a rule group name used once per file (2 groups are named so; Prometheus refuses the file)',
    }]);
  });

  it('checks each PrometheusRule manifest as a file of its own', () => {
    const manifests = shop.manifests.map((m) => m.object.kind === 'PrometheusRule'
      ? { ...m, object: { ...m.object, spec: { groups: [group('x', []), group('x', [])] } } }
      : m);
    expect(ruleGroupNameIssues({ ...shop, manifests }).map((i) => i.field)).toEqual(['k8s/prometheusrule-shop-api.yaml']);
  });
});
