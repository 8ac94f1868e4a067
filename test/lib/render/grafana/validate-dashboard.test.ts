import { describe, expect, it } from 'vitest';
import type { DashboardModel } from '../../../../lib/core/stack.js';
import { renderDashboard } from '../../../../lib/render/grafana/render-dashboard.js';
import { dashboardIssues, dashboardProblems } from '../../../../lib/render/grafana/validate-dashboard.js';

/** One good dashboard; every bad case below breaks exactly one thing of a deep copy. */
const good = renderDashboard({
  service: 'shop',
  uid: 'shop-overview',
  title: 'Shop - Overview',
  tags: ['shop'],
  rows: [{
    title: 'Traffic',
    panels: [
      { title: 'Requests', description: 'Requests per second.', unit: 'reqps', queries: [{ expr: 'sum(rate(http_requests_total[5m]))' }] },
      { title: 'Errors', description: '5xx per second.', unit: 'reqps', queries: [{ expr: 'sum(rate(http_requests_total{status=~"5.."}[5m]))' }] },
    ],
  }],
});

/** Arbitrary dashboard JSON, mutated freely by the bad cases. */
type Json = Record<string, any>;

function broken(change: (json: Json) => void, model: Partial<Pick<DashboardModel, 'uid' | 'title'>> = {}): DashboardModel {
  const json = structuredClone(good.json) as Json;
  change(json);
  return { uid: model.uid ?? good.uid, title: model.title ?? good.title, json };
}

const DS_ALLOWED = 'the datasource variable {"type":"prometheus","uid":"${datasource}"}';

describe('dashboardProblems', () => {
  it('finds nothing wrong with a dashboard rendered in the house style', () => {
    expect(dashboardProblems(good)).toEqual([]);
  });

  it('finds a uid longer than 40 characters', () => {
    const uid = 'shop-overview-of-every-region-and-every-store';
    expect(dashboardProblems(broken((j) => { j['uid'] = uid; }, { uid }))).toEqual([
      `dashboard "${uid}": uid: '${uid}' is invalid; allowed: a Grafana dashboard uid: 1 to 40 characters from A-Z, a-z, 0-9, '-' and '_'`,
    ]);
  });

  it('finds a uid with characters Grafana does not allow', () => {
    expect(dashboardProblems(broken((j) => { j['uid'] = 'shop/overview'; }, { uid: 'shop/overview' }))).toEqual([
      `dashboard "shop/overview": uid: 'shop/overview' is invalid; allowed: a Grafana dashboard uid: 1 to 40 characters from A-Z, a-z, 0-9, '-' and '_'`,
    ]);
  });

  it('finds a model whose uid differs from the JSON it carries', () => {
    expect(dashboardProblems(broken((j) => { j['uid'] = 'shop-other'; }))).toEqual([
      `dashboard "shop-overview": json.uid: 'shop-other' is invalid; allowed: the model's uid "shop-overview"`,
    ]);
  });

  it('finds a JSON title that differs from the model', () => {
    expect(dashboardProblems(broken((j) => { j['title'] = 'Shop'; }))).toEqual([
      `dashboard "shop-overview": json.title: 'Shop' is invalid; allowed: the model's title "Shop - Overview"`,
    ]);
  });

  it('finds a missing title', () => {
    expect(dashboardProblems(broken((j) => { delete j['title']; }, { title: '' }))).toEqual([
      `dashboard "shop-overview": title: '' is invalid; allowed: a non-empty title`,
    ]);
  });

  it('finds a panel pointing at a concrete datasource', () => {
    expect(dashboardProblems(broken((j) => { j['panels'][1]['datasource'] = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' }; }))).toEqual([
      `dashboard "shop-overview": json.panels[1].datasource: {"type":"prometheus","uid":"P1809F7CD0C75ACF3"} is invalid; allowed: ${DS_ALLOWED}`,
    ]);
  });

  it('finds a query without a datasource', () => {
    expect(dashboardProblems(broken((j) => { delete j['panels'][2]['targets'][0]['datasource']; }))).toEqual([
      `dashboard "shop-overview": json.panels[2].targets[0].datasource: (missing) is invalid; allowed: ${DS_ALLOWED}`,
    ]);
  });

  it('finds a missing datasource variable', () => {
    expect(dashboardProblems(broken((j) => { j['templating']['list'] = []; }))).toEqual([
      `dashboard "shop-overview": json.templating.list: [] is invalid; allowed: a list holding the variable 'datasource' of type 'datasource' over 'prometheus'`,
    ]);
  });

  it('finds a datasource variable over another datasource type', () => {
    expect(dashboardProblems(broken((j) => { j['templating']['list'][0]['query'] = 'loki'; }))).toEqual([
      `dashboard "shop-overview": json.templating.list[0]: {"name":"datasource","type":"datasource","query":"loki"} is invalid; ` +
      `allowed: a variable of type 'datasource' whose query is 'prometheus'`,
    ]);
  });

  it('finds duplicate and missing panel ids', () => {
    expect(dashboardProblems(broken((j) => {
      j['panels'][2]['id'] = 2;
      delete j['panels'][0]['id'];
    }))).toEqual([
      `dashboard "shop-overview": json.panels[0].id: (missing) is invalid; allowed: a positive integer panel id, set explicitly so the JSON is stable`,
      `dashboard "shop-overview": json.panels[2].id: 2 is invalid; allowed: a panel id unique in the dashboard (json.panels[1] has it already)`,
    ]);
  });

  it('finds duplicate ids inside a collapsed row', () => {
    expect(dashboardProblems(broken((j) => {
      const [row, first] = j['panels'];
      j['panels'] = [{ ...row, collapsed: true, panels: [first, { ...first }] }];
    }))).toEqual([
      `dashboard "shop-overview": json.panels[0].panels[1].id: 2 is invalid; allowed: a panel id unique in the dashboard (json.panels[0].panels[0] has it already)`,
    ]);
  });

  it('finds exported __inputs and ${DS_...} references', () => {
    const problems = dashboardProblems(broken((j) => {
      j['__inputs'] = [{ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }];
      j['panels'][1]['targets'][0]['datasource'] = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
    }));
    expect(problems).toEqual([
      `dashboard "shop-overview": json.__inputs: [{"name":"DS_PROMETHEUS","type":"datasource","pluginId":"prometheus"}] is invalid; ` +
      'allowed: no exported inputs: reference the datasource through the variable ${datasource}',
      `dashboard "shop-overview": json.panels[1].targets[0].datasource: {"type":"prometheus","uid":"\${DS_PROMETHEUS}"} is invalid; allowed: ${DS_ALLOWED}`,
      `dashboard "shop-overview": json.panels[1].targets[0].datasource.uid: '\${DS_PROMETHEUS}' is invalid; ` +
      'allowed: no exported datasource inputs (${DS_...}): reference the variable ${datasource}',
    ]);
  });

  it('reports every problem of one model at once, as structured issues too', () => {
    const model = broken((j) => {
      j['templating']['list'] = [];
      j['panels'][1]['datasource'] = 'Prometheus';
    }, { uid: 'x'.repeat(41) });
    expect(dashboardIssues(model).map((i) => i.field)).toEqual(['uid', 'json.templating.list', 'json.panels[1].datasource']);
    expect(dashboardIssues(model).every((i) => i.service === `dashboard "${'x'.repeat(41)}"`)).toBe(true);
  });
});
