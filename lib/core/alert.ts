import type { AlertLevel } from './severity.js';
import type { Duration, Ratio } from './units.js';
import type { Workload } from './service.js';

/**
 * What an alert measures, as data. The PromQL expression (lib/promql/signals), the promtool scenarios
 * that prove the threshold (lib/render/promtool), the dashboard threshold line and the runbook sentence
 * are all derived from the signal, so they cannot drift apart. New kinds of alert add a variant here.
 */
export type Signal =
  | TargetDownSignal | InstanceDownSignal | ErrorRatioSignal | LatencyQuantileSignal | ResourceUtilisationSignal | LowThroughputSignal
  | CounterRatioSignal | GaugeThresholdSignal | CounterIncreaseSignal | QueueStalledSignal;

/** One label matcher of a PromQL selector; values are escaped when rendered (lib/promql/selector.ts). */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A metric with label matchers, e.g. `tickets_escalated_total{job="customer-support-api"}`. */
export interface SeriesSelector {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/**
 * The job has no healthy target: every target reports `up == 0`, or there is none at all (a missing
 * target counts as down). One replica out of several missing a scrape (a pod still starting, not ready
 * yet) is not this: see {@link InstanceDownSignal}.
 */
export interface TargetDownSignal {
  readonly kind: 'targetDown';
  readonly job: string;
}

/**
 * One target of the job reports `up == 0` (per instance, so the alert names it). Without `up` series
 * nothing fires: a job with no target at all is {@link TargetDownSignal}'s case.
 */
export interface InstanceDownSignal {
  readonly kind: 'instanceDown';
  readonly job: string;
}

/** Share of 5xx responses among all responses, above `threshold`. No traffic (0/0 = NaN) never fires. */
export interface ErrorRatioSignal {
  readonly kind: 'errorRatio';
  readonly job: string;
  readonly threshold: Ratio;
  readonly window: Duration;
  /**
   * Traffic floor: the alert fires only while the job served at least this many requests within the
   * window (`… and on() sum(increase(http_requests_total{job}[w])) >= minRequests`), so that one error
   * among 100 night-time requests does not read as a 1% error rate. The value query (dashboards,
   * threshold table) stays the ratio. @default undefined (no floor)
   */
  readonly minRequests?: number;
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
  /**
   * Handlers that are not traffic: kubelet probes (`/health`, `/ready`, ...) and the `/metrics` scrape
   * answer every few seconds on an idle service, so counting them as "serving requests" would make the
   * alert fire every quiet hour. Left out of the traffic guard with `handler!~"..."`. @default []
   */
  readonly excludeHandlers?: readonly string[];
}

/**
 * Share of one counter's events among another's over a window, e.g. 401/403 among all requests, tickets
 * escalated among tickets created, 429s among calls to an LLM provider. Fires above (or below) the
 * threshold; with no events in the denominator the ratio is NaN and never fires, and with `minEvents`
 * neither does a ratio over fewer events than that.
 */
export interface CounterRatioSignal {
  readonly kind: 'counterRatio';
  readonly numerator: SeriesSelector;
  readonly denominator: SeriesSelector;
  readonly window: Duration;
  readonly threshold: Ratio;
  readonly comparator: '>' | '<';
  /**
   * Minimum volume: the alert fires only while the denominator counted at least this many events within
   * the window (`… and on() sum(increase(<denominator>[w])) >= minEvents`), so that 1 escalated ticket
   * out of 3 at night does not read as a 33% escalation rate. A positive whole number; the value query
   * (dashboards, threshold table's threshold) stays the ratio. @default undefined (no minimum)
   */
  readonly minEvents?: number;
}

/**
 * A gauge aggregated over its series (`max`, `min` or `sum`, optionally `by` labels) compared with a
 * number: queue backlog, open connections, an exporter's `redis_up`.
 */
export interface GaugeThresholdSignal {
  readonly kind: 'gaugeThreshold';
  readonly series: SeriesSelector;
  readonly aggregation: 'max' | 'min' | 'sum';
  /** Labels kept by the aggregation (they become alert labels). @default [] */
  readonly by: readonly string[];
  readonly threshold: number;
  readonly comparator: '>' | '<';
  /** Grafana unit of the value, for dashboards: 'none', 'bytes', 'percentunit', 's'. */
  readonly unit: 'none' | 'bytes' | 'percentunit' | 's';
  /**
   * The aggregate's value while no series matches (`… or on() vector(absentAs)`), for gauges written per
   * entity and not at all without entities: rq-exporter's `rq_workers` with no registered worker is 0
   * workers. @default undefined (no series, no value: the alert cannot fire)
   */
  readonly absentAs?: number;
}

/** A counter that grew by more than `threshold` events within the window (failed jobs, timeouts, failed migrations). */
export interface CounterIncreaseSignal {
  readonly kind: 'counterIncrease';
  readonly series: SeriesSelector;
  readonly window: Duration;
  /** Fires when the increase is strictly above this; 0 means "any event". */
  readonly threshold: number;
  /** Labels kept by the `sum` (they become alert labels). @default [] */
  readonly by: readonly string[];
}

/**
 * Jobs wait in a queue and none was processed within the window: the queue is not consumed, whatever
 * the worker pods report (a worker process dead behind a live metrics endpoint, a worker hung, all
 * workers gone). `max by (<by>) (<backlog>) > 0 unless on(<by>) sum by (<by>) (increase(<processed>[w])) > 0`:
 * a processed counter that is flat *or absent* (its process gone) counts as nothing processed.
 */
export interface QueueStalledSignal {
  readonly kind: 'queueStalled';
  /** Gauge of jobs waiting, e.g. `rq_jobs{job="x-rq-exporter",status="queued"}`. */
  readonly backlog: SeriesSelector;
  /** Counter of jobs ended by the workers (any status), e.g. `x_jobs_processed_total`. */
  readonly processed: SeriesSelector;
  readonly window: Duration;
  /** Labels both sides share and the alert keeps, `['queue']` when the counter has a queue label. @default [] */
  readonly by: readonly string[];
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
  /**
   * Set on the warning half of a two-level threshold: Alertmanager mutes this alert while the named
   * critical alert fires for the same `equal` labels (rendered as an inhibit rule).
   */
  readonly inhibitedBy?: { readonly alert: string; readonly equal: readonly string[] };
}
