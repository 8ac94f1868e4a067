import type { DashboardModel } from '../../../lib/core/stack.js';

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  /** refId of the target within its panel. */
  readonly refId: string;
  readonly expr: string;
}

interface Panel {
  readonly title?: string;
  readonly targets?: readonly { readonly expr?: string; readonly refId?: string; readonly hide?: boolean }[];
  readonly panels?: readonly Panel[];
}

/** Every Prometheus query of every panel (rows' collapsed panels included), as the dashboard JSON holds it. */
export function dashboardQueries(dashboard: DashboardModel): PanelQuery[] {
  const out: PanelQuery[] = [];
  const walk = (panels: readonly Panel[] = []): void => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr === 'string' && !target.hide) out.push({ dashboard: dashboard.uid, panel: panel.title ?? '', refId: target.refId ?? '', expr: target.expr });
      }
      walk(panel.panels);
    }
  };
  walk((dashboard.json as { panels?: Panel[] }).panels);
  return out;
}
