import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { prometheusRuleSizeIssues } from '../../../lib/checks/prometheus-rule-size.js';
import { ruleFileBytes, ServicePrometheusRule } from '../../../lib/k8s/prometheus-rule.js';
import type { RuleGroup } from '../../../lib/render/prometheus/rule-types.js';
import { alertRule, group, rendered } from './fixture.js';

const shop = rendered();
const bigGroup = (name: string, kib: number): RuleGroup =>
  group(name, [alertRule('ShopBig', 'up == 0', { annotations: { description: 'x'.repeat(kib * 1024) } })]);

function build(groups: readonly RuleGroup[], maxBytes?: number): Record<string, any>[] {
  const chart = new Chart(new App(), 'c');
  new ServicePrometheusRule(chart, 'rule', { name: 'shop-api', namespace: 'production', labels: { release: 'kps' }, groups, ...(maxBytes && { maxBytes }) });
  return chart.toJson();
}

describe('ServicePrometheusRule splitting', () => {
  it('keeps one object named after the service while the rules fit', () => {
    const objects = build(shop.ruleGroups);
    expect(objects.map((o) => o.metadata.name)).toEqual(['shop-api']);
    expect(objects[0]!.spec.groups).toEqual(shop.ruleGroups);
  });

  it('splits larger rule sets by whole groups, in order, into <name>, <name>-2, ... each within the limit', () => {
    const groups = [bigGroup('a', 3), bigGroup('b', 3), bigGroup('c', 3)];
    const objects = build(groups, 7 * 1024);
    expect(objects.map((o) => o.metadata.name)).toEqual(['shop-api', 'shop-api-2']);
    expect(objects.map((o) => o.spec.groups.map((g: RuleGroup) => g.name))).toEqual([['a', 'b'], ['c']]);
    for (const o of objects) expect(ruleFileBytes(o.spec.groups)).toBeLessThanOrEqual(7 * 1024);
    expect(objects.flatMap((o) => o.spec.groups)).toEqual(groups);
  });
});

describe('prometheusRuleSizeIssues', () => {
  it('accepts the good fixture', () => {
    expect(prometheusRuleSizeIssues(shop)).toEqual([]);
  });

  it('reports a single group too large to fit any PrometheusRule, naming it', () => {
    const manifests = shop.manifests.map((m) => m.object.kind === 'PrometheusRule'
      ? { ...m, object: { ...m.object, spec: { groups: [bigGroup('shop-api-huge', 600), group('small', [])] } } }
      : m);
    const [issue] = prometheusRuleSizeIssues({ ...shop, manifests });
    expect(issue).toEqual({
      service: 'shop-api', field: 'k8s/prometheusrule-shop-api.yaml', value: expect.stringMatching(/^PrometheusRule\/shop-api \(600\.\d KiB\)$/),
      allowed: expect.stringMatching(/^at most 512\.0 KiB of rules per PrometheusRule \(the operator mounts rule files through ConfigMaps of that size and cannot split one file\); group 'shop-api-huge' alone is 600\.\d KiB: split it into smaller groups$/),
    });
  });
});
