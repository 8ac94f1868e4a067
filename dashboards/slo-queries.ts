import type { Service } from '../lib/core/service.js';
import type { Slo, SloTier } from '../lib/core/slo.js';
import { Duration } from '../lib/core/units.js';
import { eq, selector } from '../lib/promql/selector.js';
import type { PanelQuery } from '../lib/render/grafana/types.js';
import { SLO_RECORDS } from '../lib/slo/names.js';

/** Window of the SLI panel when the SLO has no burn-rate tier (every tier disabled). */
export const DEFAULT_SLI_WINDOW = Duration.ofSeconds(3600);

/** A period as people write it, in days: `30d`, `28d` (Duration's canonical text would be `4w2d`, `4w`). */
export function periodText(period: Duration): string {
  const days = period.seconds / 86400;
  return Number.isInteger(days) ? `${days}d` : period.text;
}

/** One burn-rate series: a window and the tiers whose long window it is. */
export interface BurnWindow {
  readonly window: Duration;
  readonly tiers: readonly SloTier[];
}

/**
 * The PromQL of one SLO's panels. Everything reads the SLO engine's recordings (`SLO_RECORDS`), selected
 * by the labels every SLO recording carries: `{service="<service>",slo="<slo name>"}`. The dashboard
 * therefore shows exactly the numbers the burn-rate alerts evaluate, without repeating the SLI's PromQL.
 */
export interface SloQueries {
  /** The window of the SLI panel: the shortest long window of the SLO's tiers (1h for the Workbook tiers). */
  readonly sliWindow: Duration;
  /** Good events over `sliWindow`: `1 - slo:sli_error:ratio_rate1h{...}`. */
  readonly sli: PanelQuery[];
  /** Good events over the whole period: `1 - slo:sli_error:ratio_period{...}`. */
  readonly periodSli: PanelQuery[];
  /** Share of the period's error budget left: `slo:error_budget_remaining:ratio{...}`. */
  readonly budgetRemaining: PanelQuery[];
  /** One series per distinct long window, ascending: error ratio over the window / error budget. */
  readonly burnRates: PanelQuery[];
  readonly burnWindows: readonly BurnWindow[];
}

export function sloQueries(service: Service, slo: Slo): SloQueries {
  const labels = [eq('service', service.name), eq('slo', slo.name)];
  const record = (name: string): string => selector(name, ...labels);
  const burnWindows = burnWindowsOf(slo);
  const sliWindow = burnWindows[0]?.window ?? DEFAULT_SLI_WINDOW;
  return {
    sliWindow,
    sli: [{ expr: `1 - ${record(SLO_RECORDS.errorRatio(sliWindow))}`, legend: `SLI (${sliWindow.text})` }],
    periodSli: [{ expr: `1 - ${record(SLO_RECORDS.periodErrorRatio)}`, legend: `SLI (${periodText(slo.period)})` }],
    budgetRemaining: [{ expr: record(SLO_RECORDS.budgetRemaining), legend: 'budget remaining' }],
    // `on (service, slo)`: the error-ratio recordings may carry labels the budget recording does not.
    burnRates: (burnWindows.length > 0 ? burnWindows.map((b) => b.window) : [sliWindow]).map((window) => ({
      expr: `${record(SLO_RECORDS.errorRatio(window))} / on (service, slo) ${record(SLO_RECORDS.errorBudget)}`,
      legend: `burn rate (${window.text})`,
    })),
    burnWindows,
  };
}

/** The distinct long windows of the SLO's tiers, shortest first, each with the tiers that use it. */
export function burnWindowsOf(slo: Slo): BurnWindow[] {
  const byWindow = new Map<number, { window: Duration; tiers: SloTier[] }>();
  for (const tier of slo.tiers) {
    const entry = byWindow.get(tier.longWindow.seconds) ?? { window: tier.longWindow, tiers: [] };
    entry.tiers.push(tier);
    byWindow.set(tier.longWindow.seconds, entry);
  }
  return [...byWindow.values()].sort((a, b) => a.window.seconds - b.window.seconds);
}
