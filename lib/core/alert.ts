import type { AlertLevel } from './severity.js';
import type { Duration, Ratio } from './units.js';
import type { Workload } from './service.js';

/**
 * What an alert measures, as data. The PromQL expression (lib/promql/signals), the promtool scenarios
 * that prove the threshold (lib/render/promtool), the dashboard threshold line and the runbook sentence
 * are all derived from the signal, so they cannot drift apart. New kinds of alert add a variant here.
 */
export type Signal = TargetDownSignal | ErrorRatioSignal | LatencyQuantileSignal | ResourceUtilisationSignal | LowThroughputSignal;

/** `up == 0` or the target missing altogether (SERVICES.md: a missing target counts as down). */
export interface TargetDownSignal {
  readonly kind: 'targetDown';
  readonly job: string;
}

/** Share of 5xx responses among all responses, above `threshold`. No traffic (0/0 = NaN) never fires. */
export interface ErrorRatioSignal {
  readonly kind: 'errorRatio';
  readonly job: string;
  readonly threshold: Ratio;
  readonly window: Duration;
}

/** A quantile of a latency histogram above `threshold`, which must be one of the histogram's buckets. */
export interface LatencyQuantileSignal {
  readonly kind: 'latencyQuantile';
  /** Histogram base name, e.g. `http_request_duration_seconds`. */
  readonly metric: string;
  readonly job: string;
  /** e.g. 0.95 for p95. */
  readonly quantile: number;
  readonly threshold: Duration;
  readonly window: Duration;
  /** The histogram's bucket bounds (from the metric catalog), used to build test data. */
  readonly buckets: readonly number[];
}

/** Per-pod CPU or memory use relative to the container **limit**, above `threshold`. */
export interface ResourceUtilisationSignal {
  readonly kind: 'resourceUtilisation';
  readonly resource: 'cpu' | 'memory';
  readonly namespace: string;
  readonly workload: Workload;
  readonly threshold: Ratio;
  /** Rate window for CPU; memory is a gauge and ignores it. */
  readonly window: Duration;
}

/**
 * A business counter growing slower than `minPerHour` while the service is receiving HTTP traffic,
 * so an idle service (night, maintenance) does not page.
 */
export interface LowThroughputSignal {
  readonly kind: 'lowThroughput';
  /** Counter name, e.g. `documents_generated_total`. */
  readonly metric: string;
  readonly job: string;
  readonly minPerHour: number;
  readonly window: Duration;
}

/** The runbook section of one alert, written by people; the threshold and PromQL are added from the signal. */
export interface RunbookEntry {
  /** What is happening when this fires, in one or two sentences. */
  readonly meaning: string;
  /** Why the threshold and `for` are what they are. */
  readonly why: string;
  /** Diagnosis steps, in order. Shell / PromQL in backticks. */
  readonly diagnose: readonly string[];
  /** What to do first to limit the impact. */
  readonly act: readonly string[];
}

export interface AlertSpec {
  /** Fixed PascalCase name, e.g. `HarveyHighLatency`. */
  readonly name: string;
  /** Rule group suffix, e.g. `availability` → group `harvey-backend-availability`. */
  readonly group: string;
  readonly signal: Signal;
  readonly for: Duration;
  readonly level: AlertLevel;
  /** Short static sentence (Go template allowed: `{{ $labels.pod }}`). */
  readonly summary: string;
  /** Longer text; may show the value with `{{ $value | humanizePercentage }}` and friends. */
  readonly description: string;
  readonly runbook: RunbookEntry;
}
