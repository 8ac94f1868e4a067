import type { AlertSpec, Signal } from '../../core/alert.js';
import type { PlatformConfig } from '../../core/platform.js';
import type { ServiceStack } from '../../core/stack.js';
import { Duration } from '../../core/units.js';
import type { AlertingRule } from '../prometheus/rule-types.js';
import type { Possible, SeriesStore } from './prom-eval.js';
import type { InputSeriesModel, Labels } from './series.js';

/**
 * How far the test data sits from a threshold, relative to it: "just above 5%" is 5.1%, "just below" 4.9%.
 * Small enough that a threshold moved by a few percent breaks a test, large enough that neither the
 * data's rounding nor Prometheus' float arithmetic can land on the threshold.
 */
export const SCENARIO_MARGIN = 0.02;

/** One sample of the alert expression's result: the labels it carries (with `__name__` where PromQL keeps it). */
export interface ResultSample {
  readonly labels: Labels;
  readonly value: Possible;
}

/** The scenario must make the alert fire; `conditionTrueAt` is when its expression first returns a sample. */
export interface FiresExpectation {
  readonly kind: 'fires';
  /** Worked out by the builder from the data (documented there); the emulation must agree. */
  readonly conditionTrueAt: number;
}

/** The scenario must keep the alert silent (neither pending nor firing) at these evaluation times. */
export interface SilentExpectation {
  readonly kind: 'silent';
  readonly checkAt: readonly number[];
}

export interface Scenario {
  /** A sentence naming the promtool test group. */
  readonly name: string;
  readonly series: readonly InputSeriesModel[];
  /** The alert expression (threshold comparison included) at `t`, emulated on the scenario's series. */
  evaluate(store: SeriesStore, t: number): readonly ResultSample[];
  readonly expectation: FiresExpectation | SilentExpectation;
}

export interface ScenarioContext {
  readonly stack: ServiceStack;
  readonly platform: PlatformConfig;
  readonly alert: AlertSpec;
  /** The rule exactly as `ruleGroupsFor` renders it (labels and annotations still templated). */
  readonly rule: AlertingRule;
  /** Evaluation interval = input sample interval, in ms. */
  readonly intervalMs: number;
  /** The alert's `for` in ms. */
  readonly forMs: number;
  /** `for` rounded up to whole evaluation intervals: an alert fires this long after its condition first holds. */
  readonly holdMs: number;
}

/** Builds the scenarios that prove one kind of signal; one implementation per kind, dispatched by `kind`. */
export type ScenarioBuilder<K extends Signal['kind']> = (signal: Extract<Signal, { kind: K }>, ctx: ScenarioContext) => Scenario[];

/** Rounds a duration up to whole evaluation intervals. */
export function ceilToInterval(ms: number, intervalMs: number): number {
  return Math.ceil(ms / intervalMs) * intervalMs;
}

/** Where silent scenarios are checked: when the breaching one fires, and again well after. */
export function silentCheckTimes(ctx: ScenarioContext, firesAt: number, windowMs = 0): number[] {
  return [firesAt, firesAt + ceilToInterval(Math.max(ctx.holdMs, windowMs, ctx.intervalMs), ctx.intervalMs)];
}

/** Number of sample intervals needed to cover `untilMs`. */
export function intervalsUntil(untilMs: number, intervalMs: number): number {
  return Math.ceil(untilMs / intervalMs);
}

/** `5m`, `1h30m`, `0s`: promtool's duration notation. */
export function durationText(ms: number): string {
  return ms === 0 ? '0s' : Duration.ofSeconds(ms / 1000).text;
}

/** Keeps the value only when every float outcome agrees on the comparison; the margin guarantees it. */
export function compare(value: Possible, op: '>' | '<', threshold: number, what: string): boolean {
  let first: boolean | undefined;
  for (const v of value.alternatives) {
    const outcome = op === '>' ? v > threshold : v < threshold;
    if (first === undefined) first = outcome;
    else if (outcome !== first) throw new Error(`${what}: the scenario's value ${value.value} is too close to the threshold ${threshold} to compare reliably`);
  }
  return first ?? false;
}

/** `p95`, `p99`, `p99.9` */
export function quantileName(quantile: number): string {
  return `p${Number((quantile * 100).toPrecision(12))}`;
}

/** Smallest power of ten, at least `min`, for which `share × margin × n` is at least `resolution` events. */
export function perIntervalTotal(share: number, resolution = 10, min = 1000): number {
  let n = min;
  while (share * SCENARIO_MARGIN * n < resolution) n *= 10;
  return n;
}
