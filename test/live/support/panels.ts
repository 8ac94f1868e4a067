import type { DashboardModel } from '../../../lib/core/stack.js';
import { dashboardQueries } from './dashboard-queries.js';
import { substituteGrafanaVariables, templateVariableValues } from './grafana-variables.js';
import type { Prometheus } from './prometheus.js';

export interface PanelResult {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly query: string;
  /** Series returned, or the error Prometheus gave. */
  readonly series: number;
  readonly error?: string;
}

/**
 * Runs every panel query of the dashboards against a live Prometheus the way Grafana would: template
 * variables resolved (query variables through Prometheus' label values), built-ins substituted for the
 * dashboard's time range, then a range query over the last `windowSeconds` of the test timeline (the
 * dashboard's range compressed like everything else) at the scrape interval's resolution: a panel has
 * data when any series comes back, as in Grafana.
 */
export async function runPanelQueries(prometheus: Prometheus, dashboards: readonly DashboardModel[], scrapeIntervalSeconds: number, windowSeconds: number): Promise<PanelResult[]> {
  const results: PanelResult[] = [];
  for (const dashboard of dashboards) {
    const variables = await templateVariableValues(dashboard.json, async (label, match) =>
      (await prometheus.series(match ?? `{${label}!=""}`)).map((s) => s[label]!).filter(Boolean).sort());
    const range = rangeSeconds(dashboard.json);
    for (const q of dashboardQueries(dashboard)) {
      const query = substituteGrafanaVariables(q.expr, { scrapeIntervalSeconds, rangeSeconds: range, maxDataPoints: 1000, variables });
      try {
        results.push({ ...q, query, series: (await prometheus.queryRange(query, windowSeconds, scrapeIntervalSeconds)).length });
      } catch (error) {
        results.push({ ...q, query, series: 0, error: String(error) });
      }
    }
  }
  return results;
}

/** The dashboard's default time range (`now-6h` → 21600), as Grafana opens it. */
function rangeSeconds(json: Readonly<Record<string, unknown>>): number {
  const from = (json.time as { from?: string } | undefined)?.from ?? 'now-6h';
  const match = /^now-(\d+)([smhdw])$/.exec(from);
  if (!match) return 21600;
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[match[2] as 's']!;
}

export const describePanel = (r: PanelResult): string => `${r.dashboard} / ${r.panel} [${r.refId}]: ${r.error ?? 'no data'} — ${r.query}`;
