import type { BurnRateTier } from './burn-rate-policy.js';
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
  | { readonly kind: 'ratio'; readonly good?: string; readonly bad?: string; readonly total: string };

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
  readonly burnRates?: Readonly<Record<string, { readonly enabled?: boolean; readonly severity?: 'critical' | 'warning' | 'info'; readonly for?: DurationText }>>;
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
}

export interface SloTier extends BurnRateTier {
  readonly factor: number;
  readonly for: Duration;
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
}
