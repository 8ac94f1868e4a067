import { describe, expect, it } from 'vitest';
import { alertTemplateIssues } from '../../../lib/checks/alert-templates.js';
import { alertRule, group, rendered, withRuleGroups } from './fixture.js';

const shop = rendered();

describe('alertTemplateIssues', () => {
  it('accepts the annotations of every pack in the good fixture', () => {
    expect(alertTemplateIssues(shop)).toEqual([]);
  });

  it('names the alert and the annotation of a broken template', () => {
    const rules = [alertRule('ShopA', 'up == 0', { annotations: { summary: 'ok', description: 'at {{ $value | humanisePercentage }}' } })];
    expect(alertTemplateIssues(withRuleGroups(shop, [group('g', rules)]))).toEqual([{
      service: 'shop-api', field: 'rules.ShopA.annotations.description', value: 'at {{ $value | humanisePercentage }}',
      allowed: "a valid Prometheus Go template (unknown function 'humanisePercentage' (did you mean 'humanizePercentage'?) in {{ $value | humanisePercentage }})",
    }]);
  });

  it('refuses $value in an alert label, which would restart the alert at every evaluation', () => {
    const rules = [alertRule('ShopA', 'up == 0', { labels: { severity: 'warning', level: '{{ if gt $value 2.0 }}high{{ end }}' } })];
    expect(alertTemplateIssues(withRuleGroups(shop, [group('g', rules)]))).toEqual([{
      service: 'shop-api', field: 'rules.ShopA.labels.level', value: '{{ if gt $value 2.0 }}high{{ end }}',
      allowed: 'a label without $value: labels identify the alert, so a changing value would restart it at every evaluation; show the value in an annotation',
    }]);
  });

  it('checks templates in alert labels and recording-rule labels too', () => {
    const rules = [alertRule('ShopA', 'up == 0', { labels: { pod: '{{ $labels.pod }' } }), { record: 'shop:x', expr: 'up', labels: { slo: '{{ x }}' } }];
    expect(alertTemplateIssues(withRuleGroups(shop, [group('g', rules)])).map((i) => i.field)).toEqual([
      'rules.ShopA.labels.pod', 'rules.shop:x{slo="{{ x }}"}.labels.slo',
    ]);
  });
});
