import { describe, expect, it } from 'vitest';
import { promqlIssues } from '../../../lib/synth/promql-check.js';

describe('promqlIssues', () => {
  it('names the service, the alert and the position of a syntax error in a rule', () => {
    const groups = [{ name: 'g', interval: '1m', rules: [{ alert: 'ShopDown', expr: 'up{job="api"} == ', for: '1m', labels: {}, annotations: {} }] }];
    expect(promqlIssues('shop-api', groups, [])).toEqual([{
      service: 'shop-api', field: 'rules.ShopDown.expr', value: 'up{job="api"} == ',
      allowed: 'valid PromQL (syntax error at character 18: unexpected end of expression)',
    }]);
  });

  it('names the dashboard and panel of a broken query, nested rows included', () => {
    const json = { panels: [{ title: 'Row', panels: [{ title: 'RPS', targets: [{ expr: 'sum(rate(x[5m])' }] }] }, { title: 'ok', targets: [{ expr: 'up' }] }] };
    const issues = promqlIssues('shop-api', [], [{ uid: 'shop', title: 'Shop', json }]);
    expect(issues.map((i) => i.field)).toEqual(['dashboards.shop.panels["RPS"].expr']);
  });
});
