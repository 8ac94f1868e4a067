import { describe, expect, it } from 'vitest';
import { sloDashboard, type SloDashboardOptions } from '../../dashboards/slo.js';
import { defineService, formatIssues, type DashboardModel } from '../../lib/core/index.js';
import { promqlSyntaxErrors } from '../../lib/promql/syntax.js';
import { dashboardProblems } from '../../lib/render/grafana/validate-dashboard.js';
import { harveyBackendService as service, harveyBackendSpec } from '../../stacks/harvey-backend.service.js';
import { availabilitySpec, latencySpec, sloOf } from './slo.fixture.js';
import { lines, panel, panels, steps, type Panel } from './dashboard-json.js';


const availability = sloOf(service, availabilitySpec);
const latency = sloOf(service, latencySpec);
const options: SloDashboardOptions = { service, slos: [availability, latency], title: 'Harvey Backend - SLOs', uid: 'harvey-backend-slos' };
const model = sloDashboard(options);
const labels = '{service="harvey-backend",slo="availability"}';

function exprs(p: Panel): string[] {
  return (p.targets ?? []).map((t) => t.expr);
}

describe('sloDashboard for Harvey Backend', () => {
  it('draws the objective of the 99.9% availability SLO as a red line at 0.999 on the SLI panel', () => {
    const sli = panel(model, 'availability: SLI (1h)');
    expect(steps(sli)).toEqual([{ value: null, color: 'green' }, { value: 0.999, color: 'red' }]);
    expect(sli.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'line' });
    expect(sli.fieldConfig?.defaults.unit).toBe('percentunit');
    expect(sli.description).toBe('Requests to Harvey Backend are served without a 5xx error. Share of good events over the last 1h. ' +
      'Red line: the objective, 99.9% of events good over 30d.');
  });

  it('plots the SLI over 1h as one minus the 1h error-ratio recording of the SLO', () => {
    expect(panel(model, 'availability: SLI (1h)').targets).toMatchObject([
      { expr: `1 - slo:sli_error:ratio_rate1h${labels}`, legendFormat: 'SLI (1h)', refId: 'A' },
    ]);
  });

  it('zooms the SLI axis softly to 99%..100% for a 99.9% objective, without a hard minimum', () => {
    const defaults = panel(model, 'availability: SLI (1h)').fieldConfig?.defaults;
    expect(defaults?.custom).toMatchObject({ axisSoftMin: 0.99, axisSoftMax: 1 });
    expect(defaults?.min).toBeUndefined();
  });

  it('draws the burn-rate factors of a 30d SLO as lines at 1, 3, 6 and 14.4, red for pages and orange for tickets', () => {
    const burn = panel(model, 'availability: burn rate');
    expect(lines(burn)).toEqual([1, 3, 6, 14.4]);
    expect(steps(burn)).toEqual([
      { value: null, color: 'green' }, { value: 1, color: 'orange' }, { value: 3, color: 'orange' },
      { value: 6, color: 'red' }, { value: 14.4, color: 'red' },
    ]);
    expect(burn.fieldConfig?.defaults.custom?.thresholdsStyle).toEqual({ mode: 'line' });
    expect(burn.fieldConfig?.defaults.custom?.axisSoftMax).toBe(14.4);
  });

  it('plots the burn rate over each tier long window as the error ratio divided by the error budget', () => {
    expect(exprs(panel(model, 'availability: burn rate'))).toEqual(['1h', '6h', '1d', '3d'].map((w) =>
      `slo:sli_error:ratio_rate${w}${labels} / on (service, slo) slo:error_budget:ratio${labels}`));
    expect((panel(model, 'availability: burn rate').targets ?? []).map((t) => t.legendFormat))
      .toEqual(['burn rate (1h)', 'burn rate (6h)', 'burn rate (1d)', 'burn rate (3d)']);
  });

  it('names each tier behind a burn-rate line in the panel description', () => {
    expect(panel(model, 'availability: burn rate').description).toBe(
      'How fast the error budget burns: error ratio over the window divided by the error budget (1x spends exactly the budget in 30d). ' +
      'Lines: 14.4x page-fast (1h and 5m windows, critical after 2m), 6x page-slow (6h and 30m windows, critical after 15m), ' +
      '3x ticket-fast (1d and 2h windows, warning after 1h), 1x ticket-slow (3d and 6h windows, warning after 3h); ' +
      'a tier alerts when both its windows are above its line.');
  });

  it('scales the lines to a 28d period and leaves out a disabled tier', () => {
    const burn = panel(model, 'latency: burn rate');
    expect(lines(burn)).toEqual([2.8, 5.6, 13.44]);
    expect(exprs(burn).map((e) => /ratio_rate(\w+)\{/.exec(e)?.[1])).toEqual(['1h', '6h', '1d']);
    expect(lines(panel(model, 'latency: SLI (1h)'))).toEqual([0.99]);
  });

  it('shows the error budget left as a stat, red below 0, and over time with a red line at 0', () => {
    const stat = panel(model, 'availability: error budget left');
    expect(stat.type).toBe('stat');
    expect(exprs(stat)).toEqual([`slo:error_budget_remaining:ratio${labels}`]);
    expect(steps(stat)).toEqual([{ value: null, color: 'red' }, { value: 0, color: 'green' }]);
    expect(stat.fieldConfig?.defaults.min).toBeUndefined();
    const series = panel(model, 'availability: error budget left over time');
    expect(series.type).toBe('timeseries');
    expect(exprs(series)).toEqual([`slo:error_budget_remaining:ratio${labels}`]);
    expect(lines(series)).toEqual([0]);
    expect(series.fieldConfig?.defaults.custom).toMatchObject({ axisSoftMin: 0, axisSoftMax: 1 });
  });

  it('shows the SLI over the whole period as a stat, green at or above the objective', () => {
    const stat = panel(model, 'availability: SLI (30d)');
    expect(exprs(stat)).toEqual([`1 - slo:sli_error:ratio_period${labels}`]);
    expect(steps(stat)).toEqual([{ value: null, color: 'red' }, { value: 0.999, color: 'green' }]);
  });

  it('gives each SLO one row, in the order given, with its objective in the title', () => {
    expect(panels(model).map((p) => p.title)).toEqual([
      'availability: 99.9% of events good over 30d',
      'availability: SLI (1h)', 'availability: SLI (30d)', 'availability: error budget left',
      'availability: error budget left over time', 'availability: burn rate',
      'latency: 99% of events good over 28d',
      'latency: SLI (1h)', 'latency: SLI (28d)', 'latency: error budget left',
      'latency: error budget left over time', 'latency: burn rate',
    ]);
    expect(panels(model).filter((p) => p.type === 'row').map((p) => p.id)).toEqual([1, 7]);
  });

  it('selects every series by the service and slo labels of its row', () => {
    for (const p of panels(model)) {
      const slo = p.title.split(':')[0]!;
      for (const expr of exprs(p)) {
        const selectors = expr.match(/\{[^}]*\}/g) ?? [];
        expect(selectors.length, expr).toBeGreaterThan(0);
        for (const s of selectors) expect(s, expr).toBe(`{service="harvey-backend",slo="${slo}"}`);
      }
    }
  });

  it('writes only PromQL that Prometheus parses', () => {
    for (const expr of panels(model).flatMap(exprs)) expect(promqlSyntaxErrors(expr), expr).toEqual([]);
  });

  it('lays out each row as two lines of panels with stable ids and positions', () => {
    expect(panels(model).slice(0, 6).map((p) => [p.id, p.gridPos])).toEqual([
      [1, { x: 0, y: 0, w: 24, h: 1 }],
      [2, { x: 0, y: 1, w: 12, h: 8 }],
      [3, { x: 12, y: 1, w: 6, h: 8 }],
      [4, { x: 18, y: 1, w: 6, h: 8 }],
      [5, { x: 0, y: 9, w: 12, h: 8 }],
      [6, { x: 12, y: 9, w: 12, h: 8 }],
    ]);
    expect(panels(model)[6]?.gridPos).toEqual({ x: 0, y: 17, w: 24, h: 1 });
  });

  it('references the datasource only through the ${datasource} variable', () => {
    const variable = { type: 'prometheus', uid: '${datasource}' };
    for (const p of panels(model)) {
      if (p.type === 'row') continue;
      expect(p.datasource, p.title).toEqual(variable);
      for (const t of p.targets ?? []) expect(t.datasource, `${p.title} ${t.refId}`).toEqual(variable);
    }
    const templating = model.json['templating'] as { list: Record<string, unknown>[] };
    expect(templating.list).toEqual([expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' })]);
    const text = JSON.stringify(model.json);
    expect(text).not.toContain('__inputs');
    expect(text).not.toContain('${DS_');
    expect(dashboardProblems(model)).toEqual([]);
  });

  it('builds byte-identical JSON twice from the same input', () => {
    const again = sloDashboard(options);
    expect(JSON.stringify(again.json, null, 2)).toBe(JSON.stringify(model.json, null, 2));
  });

  it('matches the reviewed golden JSON', async () => {
    await expect(`${JSON.stringify(model.json, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/harvey-backend-slos.json');
  });

  it('tags the dashboard with the service name and slo', () => {
    expect(model.json).toMatchObject({ uid: 'harvey-backend-slos', title: 'Harvey Backend - SLOs', tags: ['harvey-backend', 'slo'] });
  });

  it('plots the burn rate over 1h without lines when every tier of the SLO is disabled', () => {
    const quiet = sloOf(service, {
      ...availabilitySpec,
      burnRates: Object.fromEntries(['page-fast', 'page-slow', 'ticket-fast', 'ticket-slow'].map((id) => [id, { enabled: false }])),
    });
    const built = sloDashboard({ ...options, slos: [quiet] });
    const burn = panel(built, 'availability: burn rate');
    expect(exprs(burn)).toEqual([`slo:sli_error:ratio_rate1h${labels} / on (service, slo) slo:error_budget:ratio${labels}`]);
    expect(lines(burn)).toEqual([]);
    expect(burn.description).toMatch(/No burn-rate alert is enabled for this SLO\.$/);
  });

  it('reports a uid longer than 40 characters to the service with an exact message', () => {
    const uid = 'harvey-backend-service-level-objectives-production';
    expect(uid.length).toBeGreaterThan(40);
    const fresh = defineService(harveyBackendSpec);
    const built = sloDashboard({ ...options, service: fresh, uid });
    expect(built.json).toEqual({});
    expect(formatIssues(fresh.issues.issues)).toBe(
      '1 validation error:\n' +
      '  harvey-backend:\n' +
      `    - dashboards["Harvey Backend - SLOs"].uid: 'harvey-backend-service-level-objectives-production' is invalid; ` +
      "allowed: a Grafana dashboard uid: 1 to 40 characters from A-Z, a-z, 0-9, '-' and '_'",
    );
  });

  it('reports a dashboard without SLOs and two SLOs with one name, all at once', () => {
    const fresh = defineService(harveyBackendSpec);
    sloDashboard({ ...options, service: fresh, slos: [] });
    sloDashboard({ ...options, service: fresh, slos: [availability, latency, availability] });
    expect(formatIssues(fresh.issues.issues)).toBe(
      '2 validation errors:\n' +
      '  harvey-backend:\n' +
      `    - dashboards["Harvey Backend - SLOs"].slos: [] is invalid; allowed: at least one of the service's SLOs\n` +
      `    - dashboards["Harvey Backend - SLOs"].slos[2].name: 'availability' is invalid; ` +
      'allowed: a name no other SLO of the dashboard has (each SLO gets one row)',
    );
  });
});
