import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { IssueCollector, ModelValidationError } from '../../core/issues.js';
import type { Service } from '../../core/service.js';
import type { DashboardModel } from '../../core/stack.js';
import { dashboardBuilder, GRID_COLUMNS, PANEL_HEIGHT, PANEL_WIDTH, statPanel, timeseriesPanel } from './house-style.js';
import type { DashboardSpec, PanelSpec } from './types.js';
import { isValidUid, UID_ALLOWED } from './validate-dashboard.js';

/** Field path of a dashboard in validation messages: `dashboards["Harvey Backend - Performance"]`. */
export function dashboardField(title: string): string {
  return `dashboards[${JSON.stringify(title)}]`;
}

/**
 * Lays a dashboard spec out with the SDK builders and returns its JSON model.
 *
 * Layout: rows top to bottom, each followed by its panels left to right (`width` columns each, wrapping
 * at 24); rows without panels are left out. Panel ids count up from 1 in that order, rows included, so
 * the same spec always yields the same ids, grid positions and bytes.
 *
 * Throws `ModelValidationError` naming the service and field when the uid or title is unusable, or any
 * issue already collected in `issues` (a template passes its own collector so every problem of one
 * dashboard is reported at once).
 */
export function renderDashboard(spec: DashboardSpec, issues: IssueCollector = new IssueCollector(spec.service)): DashboardModel {
  const at = dashboardField(spec.title);
  issues.check(isValidUid(spec.uid), `${at}.uid`, spec.uid, UID_ALLOWED);
  issues.check(typeof spec.title === 'string' && spec.title.trim() !== '', `${at}.title`, spec.title, 'a non-empty title');
  spec.rows.forEach((row) => row.panels.forEach((panel, p) => checkPanel(issues, `${at}.rows[${JSON.stringify(row.title)}].panels[${p}]`, panel)));
  if (issues.issues.length > 0) throw new ModelValidationError(issues.issues);

  const builder = dashboardBuilder({
    uid: spec.uid, title: spec.title, tags: spec.tags, ...(spec.description !== undefined && { description: spec.description }),
  });
  const layout = new GridLayout();
  let id = 1;
  for (const row of spec.rows) {
    if (row.panels.length === 0) continue;
    builder.withRow(new dashboard.RowBuilder(row.title).id(id++).gridPos(layout.row()));
    for (const panel of row.panels) {
      const gridPos = layout.panel(panel.width ?? PANEL_WIDTH, PANEL_HEIGHT);
      builder.withPanel(panel.visualization === 'stat' ? statPanel(panel, id++, gridPos) : timeseriesPanel(panel, id++, gridPos));
    }
  }
  // Through JSON once: drops the SDK's marker methods and undefined fields, so `json` is plain data
  // and serialising it again gives the same bytes.
  const json = JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown>;
  return { uid: spec.uid, title: spec.title, json };
}

function checkPanel(issues: IssueCollector, at: string, panel: PanelSpec): void {
  issues.check(panel.title.trim() !== '', `${at}.title`, panel.title, 'a non-empty title');
  issues.check(panel.unit.trim() !== '', `${at}.unit`, panel.unit, "a Grafana unit id such as 's', 'percentunit', 'reqps' or 'none'");
  issues.check(panel.queries.length > 0, `${at}.queries`, panel.queries, 'at least one query');
  panel.queries.forEach((q, i) => issues.check(q.expr.trim() !== '', `${at}.queries[${i}].expr`, q.expr, 'a PromQL expression'));
  const width = panel.width;
  issues.check(width === undefined || (Number.isInteger(width) && width >= 1 && width <= GRID_COLUMNS), `${at}.width`, width,
    `an integer from 1 to ${GRID_COLUMNS} (grid columns)`);
  (panel.thresholds ?? []).forEach((t, i) => issues.check(Number.isFinite(t.value), `${at}.thresholds[${i}].value`, t.value, 'a finite number'));
}

/**
 * Positions computed here rather than by the SDK's auto-layout, which lets a panel that does not fit the
 * rest of a line overflow the 24 columns. Rows span the grid; panels fill lines left to right and a
 * panel that does not fit starts the next line, below the tallest panel of the current one.
 */
class GridLayout {
  private x = 0;
  private y = 0;
  private lineHeight = 0;

  row(): dashboard.GridPos {
    this.newLine();
    const pos = { x: 0, y: this.y, w: GRID_COLUMNS, h: 1 };
    this.y += 1;
    return pos;
  }

  panel(w: number, h: number): dashboard.GridPos {
    if (this.x + w > GRID_COLUMNS) this.newLine();
    const pos = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
    return pos;
  }

  private newLine(): void {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}

/**
 * `renderDashboard` for a template: problems go to the service's issues (with every other problem of
 * the stack, reported by synth at once) instead of being thrown while the stack module loads.
 */
export function renderServiceDashboard(service: Service, spec: DashboardSpec, issues: IssueCollector): DashboardModel {
  try {
    return renderDashboard(spec, issues);
  } catch (error) {
    if (!(error instanceof ModelValidationError)) throw error;
    for (const issue of error.issues) service.issues.report(issue.field, issue.value, issue.allowed);
    return { uid: spec.uid, title: spec.title, json: {} };
  }
}
