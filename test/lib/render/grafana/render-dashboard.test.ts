import { describe, expect, it } from 'vitest';
import { refId, thresholdsConfig } from '../../../../lib/render/grafana/house-style.js';
import { renderDashboard } from '../../../../lib/render/grafana/render-dashboard.js';
import type { DashboardSpec, PanelSpec } from '../../../../lib/render/grafana/types.js';

const rps: PanelSpec = { title: 'Requests', description: 'Requests per second.', unit: 'reqps', queries: [{ expr: 'sum(rate(http_requests_total[5m]))' }] };

const spec: DashboardSpec = {
  service: 'shop',
  uid: 'shop-overview',
  title: 'Shop - Overview',
  tags: ['shop', 'overview', 'shop'],
  rows: [
    { title: 'Traffic', panels: [rps, { ...rps, title: 'Wide', width: 24 }, { ...rps, title: 'Last', visualization: 'stat', thresholds: [{ value: 3 }] }] },
    { title: 'Empty', panels: [] },
    { title: 'More', panels: [rps] },
  ],
};

type Panel = { id: number; type: string; title: string; gridPos: object; targets?: { refId: string; legendFormat: string }[]; fieldConfig: { defaults: Record<string, unknown> } };

function panels(json: Record<string, unknown>): Panel[] {
  return json['panels'] as Panel[];
}

describe('renderDashboard', () => {
  it('numbers rows and panels from 1 in layout order and leaves out rows without panels', () => {
    const model = renderDashboard(spec);
    expect(panels(model.json).map((p) => [p.id, p.type, p.title])).toEqual([
      [1, 'row', 'Traffic'], [2, 'timeseries', 'Requests'], [3, 'timeseries', 'Wide'], [4, 'stat', 'Last'],
      [5, 'row', 'More'], [6, 'timeseries', 'Requests'],
    ]);
  });

  it('places panels two per line and starts a new line for a panel that does not fit', () => {
    expect(panels(renderDashboard(spec).json).map((p) => p.gridPos)).toEqual([
      { x: 0, y: 0, w: 24, h: 1 },
      { x: 0, y: 1, w: 12, h: 8 },
      { x: 0, y: 9, w: 24, h: 8 },
      { x: 0, y: 17, w: 12, h: 8 },
      { x: 0, y: 25, w: 24, h: 1 },
      { x: 0, y: 26, w: 12, h: 8 },
    ]);
  });

  it('drops duplicate tags and keeps their order', () => {
    expect(renderDashboard(spec).json['tags']).toEqual(['shop', 'overview']);
  });

  it('defaults the legend to __auto and gives queries refIds A, B, C', () => {
    const model = renderDashboard({ ...spec, rows: [{ title: 'R', panels: [{ ...rps, queries: [{ expr: 'a' }, { expr: 'b', legend: '{{pod}}' }, { expr: 'c' }] }] }] });
    expect(panels(model.json)[1]?.targets?.map((t) => [t.refId, t.legendFormat])).toEqual([['A', '__auto'], ['B', '{{pod}}'], ['C', '__auto']]);
  });

  it('returns plain JSON data without functions or undefined fields', () => {
    const model = renderDashboard(spec);
    expect(JSON.parse(JSON.stringify(model.json))).toEqual(model.json);
  });

  it('rejects an empty title, a bad uid and a panel without queries at once', () => {
    expect(() => renderDashboard({
      ...spec, title: ' ', uid: 'shop overview',
      rows: [{ title: 'Traffic', panels: [{ ...rps, queries: [], width: 30 }] }],
    })).toThrow(
      '4 validation errors:\n' +
      '  shop:\n' +
      `    - dashboards[" "].uid: 'shop overview' is invalid; allowed: a Grafana dashboard uid: 1 to 40 characters from A-Z, a-z, 0-9, '-' and '_'\n` +
      `    - dashboards[" "].title: ' ' is invalid; allowed: a non-empty title\n` +
      `    - dashboards[" "].rows["Traffic"].panels[0].queries: [] is invalid; allowed: at least one query\n` +
      `    - dashboards[" "].rows["Traffic"].panels[0].width: 30 is invalid; allowed: an integer from 1 to 24 (grid columns)`,
    );
  });
});

describe('house style', () => {
  it('sorts threshold steps above a green base and keeps one line per value', () => {
    expect(thresholdsConfig([{ value: 0.9 }, { value: 0.5, color: 'orange' }, { value: 0.9, color: 'blue' }]).build()).toEqual({
      mode: 'absolute',
      steps: [{ value: null, color: 'green' }, { value: 0.5, color: 'orange' }, { value: 0.9, color: 'red' }],
    });
  });

  it('counts refIds like spreadsheet columns', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(refId)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
