import type { BurnRateTier } from './burn-rate-policy.js';
import type { RunbookLevel, Severity } from './severity.js';
import type { Duration, DurationText, Ratio } from './units.js';

/**
 * What counts as a good event. Availability and latency SLIs use the standard HTTP metrics of a job;
 * a ratio SLI takes any pair of counter selectors (good/total or bad/total).
 */
export type SliSpec =
  | { readonly kind: 'availability'; readonly workload: string }
  | {
    readonly kind: 'latency'; readonly workload: string;
    /** Requests faster than this are good; must be a bucket bound of the histogram. */
    readonly threshold: `${number}${'ms' | 's'}`;
    /** @default 'http_request_duration_seconds' */
    readonly metric?: string;
  }
  | {
    readonly kind: 'ratio'; readonly good?: string; readonly bad?: string; readonly total: string;
    /**
     * The workload whose outage the events cannot see: while it has no healthy target, time counts as
     * bad events (see {@link SliOutage}). Availability SLIs always watch their own workload. @default none
     */
    readonly outageOf?: string;
  };

/** Per-SLO change to one burn-rate tier (ids from SRE_WORKBOOK_TIERS). */
export interface BurnRateOverride {
  /** `false` drops the tier's alert (its windows are still recorded). @default true */
  readonly enabled?: boolean;
  /** @default the tier's severity (page tiers critical, ticket tiers warning) */
  readonly severity?: Severity;
  /** `'0s'` for none. @default the tier's `for` (2m, 15m, 1h, 3h) */
  readonly for?: DurationText;
}

export interface SloSpec {
  /** Kebab-case, unique per service: `availability`, `latency`. */
  readonly name: string;
  readonly description: string;
  readonly sli: SliSpec;
  /** Percentage of good events, e.g. `'99.9%'`; above 0 and below 100. */
  readonly objective: `${number}%`;
  /** @default '30d' */
  readonly period?: '30d' | '28d' | '7d';
  /** Extra labels on the SLO's rules and alerts. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Per-SLO changes to the burn-rate tiers (ids from SRE_WORKBOOK_TIERS). */
  readonly burnRates?: Readonly<Record<string, BurnRateOverride>>;
  /** Service-specific steps for the runbook, added to the generic burn-rate advice. */
  readonly runbook?: { readonly diagnose?: readonly string[]; readonly act?: readonly string[] };
}

/**
 * The SLI as counter selectors (no range, no rate): `total` and exactly one of `good` or `bad`.
 * Error ratio over a window w = sum(rate(bad[w])) / sum(rate(total[w])), or 1 - good/total.
 */
export interface Sli {
  readonly kind: SliSpec['kind'];
  readonly good?: string;
  readonly bad?: string;
  readonly total: string;
  /** Scrape job of the HTTP metrics (availability and latency SLIs). */
  readonly job?: string;
  /**
   * Availability SLIs (and ratio SLIs with `outageOf`): while the job has no healthy target, the events
   * stop (nothing answers, nothing counts a request), so the ratio would be 0/0 and burn nothing. The
   * rules then record bad events at the usual rate instead (lib/slo/rules.ts, `outageRateExpr`).
   */
  readonly outage?: SliOutage;
  /** Latency SLIs: the histogram, the threshold (one of its bucket bounds) and all its bounds. */
  readonly histogram?: { readonly metric: string; readonly threshold: Duration; readonly buckets: readonly number[] };
}

/** The scrape job whose "no healthy target" (`max by (job) (up) == 0 or absent(up)`) counts as an outage. */
export interface SliOutage {
  readonly job: string;
}

/** A burn-rate tier as one SLO uses it: factor scaled to the SLO's period, overrides applied. */
export interface SloTier extends BurnRateTier {
  /** Burn rate that fires the tier: `budgetConsumed × period / longWindow` (14.4 for 2% of 30d in 1h). */
  readonly factor: number;
  readonly for: Duration;
  /**
   * Runbook level kept as the `sev` label, in the service's vocabulary. @default from the severity, see
   * `sloTierLevel` in lib/slo/define-slo.ts (critical → level 2, warning → 3, info → 4: SEV-2 or P2, ...)
   */
  readonly sev?: RunbookLevel;
}

export interface Slo {
  readonly name: string;
  readonly description: string;
  readonly sli: Sli;
  readonly objective: Ratio;
  readonly period: Duration;
  readonly labels: Readonly<Record<string, string>>;
  /** Enabled tiers with their factor scaled to the period. */
  readonly tiers: readonly SloTier[];
  /** Service-specific runbook steps (from the spec). @default none */
  readonly runbook?: { readonly diagnose: readonly string[]; readonly act: readonly string[] };
}
