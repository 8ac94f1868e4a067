import type { LevelNumber, Severity } from './severity.js';
import { Duration } from './units.js';

/**
 * Multiwindow, multi-burn-rate alerting as data (Google SRE Workbook, "Alerting on SLOs", table 5-8).
 * A tier fires when the error rate over BOTH its long and its short window exceeds `factor` times the
 * error budget rate; the short window makes the alert reset quickly once the burn stops.
 */
export interface BurnRateTier {
  /** Stable id used in alert names and labels: `page-fast`, `page-slow`, `ticket-fast`, `ticket-slow`. */
  readonly id: string;
  /** Share of the whole period's error budget this tier lets burn before it fires (0.02 = 2%). */
  readonly budgetConsumed: number;
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  readonly severity: Severity;
  /**
   * The runbook level (1-4) of the tier's alerts, written in the service's vocabulary (`SEV-2` or `P2`).
   * Page tiers are level 2: a 14.4x burn of a 0.1% budget is serious, not an outage (1.44% errors); an
   * outage already pages as level 1 through the service's down and error-rate alerts. Tickets are level 3.
   */
  readonly level: LevelNumber;
  /** Alert label telling Alertmanager how to notify: `page` or `ticket` (ready for inhibition rules). */
  readonly notify: 'page' | 'ticket';
  /**
   * Default `for` of the tier's alert: about 1/24 of the long window (2m for 1h, rounded down from
   * 2.5m). Both windows already have to agree, so this only filters blips at the threshold (a scrape
   * gap, one bad deploy minute pushing the 5m window over); it delays detection by a small share of the
   * budget (2m at 14.4x of a 30d budget is 0.07% of it). Overridable per SLO, down to `0s`.
   */
  readonly for: Duration;
}

const d = (text: string): Duration => {
  const parsed = Duration.parse(text);
  if (!parsed.ok) throw new Error(`bad built-in duration ${text}`);
  return parsed.value;
};

/** The Workbook's defaults for a 30-day period: 14.4x, 6x (page), 3x, 1x (ticket). */
export const SRE_WORKBOOK_TIERS: readonly BurnRateTier[] = [
  { id: 'page-fast', budgetConsumed: 0.02, longWindow: d('1h'), shortWindow: d('5m'), severity: 'critical', level: 2, notify: 'page', for: d('2m') },
  { id: 'page-slow', budgetConsumed: 0.05, longWindow: d('6h'), shortWindow: d('30m'), severity: 'critical', level: 2, notify: 'page', for: d('15m') },
  { id: 'ticket-fast', budgetConsumed: 0.10, longWindow: d('1d'), shortWindow: d('2h'), severity: 'warning', level: 3, notify: 'ticket', for: d('1h') },
  { id: 'ticket-slow', budgetConsumed: 0.10, longWindow: d('3d'), shortWindow: d('6h'), severity: 'warning', level: 3, notify: 'ticket', for: d('3h') },
];

/**
 * The burn-rate factor of a tier for a period: burning `budgetConsumed` of the budget within the long
 * window. For 30 days this gives the Workbook's 14.4 / 6 / 3 / 1; shorter periods get smaller factors
 * (the same 2% of a 7-day budget is gone in 1h at 3.36x), so the alert still means "2% of the budget".
 */
export function burnRateFactor(tier: BurnRateTier, period: Duration): number {
  return Number(((tier.budgetConsumed * period.seconds) / tier.longWindow.seconds).toPrecision(12));
}
