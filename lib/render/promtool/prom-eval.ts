import type { Matcher } from '../../promql/selector.js';
import { expandSeries, type InputSeriesModel, type Labels } from './series.js';

/**
 * Just enough of Prometheus 2.42's PromQL engine to predict, to the last bit, what the alert expressions
 * return on the scenarios' input series: instant and range selection, `rate()` with its extrapolation,
 * `sum`, and `histogram_quantile`'s bucket interpolation. The scenario builders use it to find when an
 * alert's condition first holds and what `$value` the annotations will show; promtool then checks both
 * independently, so a mistake here makes the generated tests fail rather than pass silently.
 *
 * Times are integer milliseconds since the start of the test (promtool's t=0), as in Prometheus.
 */

/** Prometheus' default lookback for instant selectors (promtool uses the default). */
export const LOOKBACK_MS = 5 * 60 * 1000;

export interface LoadedSeries {
  readonly metric: string;
  readonly labels: Labels;
  /** Sample i is at t = i × interval; undefined where promtool has `_`. */
  readonly samples: readonly (number | undefined)[];
}

/**
 * A value whose last bits may depend on float summation order. promtool loads input series in map order,
 * so `sum()` over three or more inexact values can differ between runs; `alternatives` lists every outcome.
 */
export interface Possible {
  readonly value: number;
  readonly alternatives: readonly number[];
}

export const exactly = (value: number): Possible => ({ value, alternatives: [value] });

export function combine(a: Possible, b: Possible, op: (x: number, y: number) => number): Possible {
  const outcomes = new Set<number>();
  for (const x of a.alternatives) for (const y of b.alternatives) outcomes.add(op(x, y));
  return { value: op(a.value, b.value), alternatives: [...outcomes] };
}

export function mapPossible(a: Possible, op: (x: number) => number): Possible {
  return { value: op(a.value), alternatives: [...new Set(a.alternatives.map(op))] };
}

export class SeriesStore {
  private readonly loaded: readonly LoadedSeries[];

  constructor(series: readonly InputSeriesModel[], readonly intervalMs: number) {
    this.loaded = series.map((s) => ({ metric: s.metric, labels: dropEmpty(s.labels), samples: expandSeries(s) }));
  }

  /** Series whose name is `metric` and whose labels satisfy every matcher (regexes fully anchored). */
  select(metric: string, ...matchers: readonly Matcher[]): LoadedSeries[] {
    return this.loaded.filter((s) => s.metric === metric && matchers.every((m) => matches(s.labels[m.label] ?? '', m)));
  }

  /** The instant-selector value at `t`: the newest sample no older than the lookback. */
  instant(series: LoadedSeries, t: number): number | undefined {
    for (let i = Math.floor(t / this.intervalMs); i >= 0; i--) {
      const at = i * this.intervalMs;
      if (at < t - LOOKBACK_MS) return undefined;
      const v = series.samples[i];
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Samples in the range [t - window, t] (both ends included in Prometheus 2.x). */
  range(series: LoadedSeries, t: number, windowMs: number): { t: number; v: number }[] {
    const out: { t: number; v: number }[] = [];
    const last = Math.min(Math.floor(t / this.intervalMs), series.samples.length - 1);
    for (let i = Math.max(0, Math.ceil((t - windowMs) / this.intervalMs)); i <= last; i++) {
      const v = series.samples[i];
      if (v !== undefined) out.push({ t: i * this.intervalMs, v });
    }
    return out;
  }

  /** `rate(series[window])` at `t`, or undefined when the range holds fewer than two samples. */
  rate(series: LoadedSeries, t: number, windowMs: number): number | undefined {
    return this.extrapolated(series, t, windowMs, true);
  }

  /** `increase(series[window])` at `t`, or undefined when the range holds fewer than two samples. */
  increase(series: LoadedSeries, t: number, windowMs: number): number | undefined {
    return this.extrapolated(series, t, windowMs, false);
  }

  /**
   * {@link extrapolatedRate} of {@link range}, read straight from the samples: the scenarios evaluate
   * thousands of windows per service, and the same float operations need no array of points.
   */
  private extrapolated(series: LoadedSeries, t: number, windowMs: number, isRate: boolean): number | undefined {
    const { samples } = series;
    const last = Math.min(Math.floor(t / this.intervalMs), samples.length - 1);
    let count = 0;
    let firstT = 0;
    let firstV = 0;
    let lastT = 0;
    let prev = 0;
    let resetValues: number[] | undefined; // counter resets are rare: no array unless there is one
    for (let i = Math.max(0, Math.ceil((t - windowMs) / this.intervalMs)); i <= last; i++) {
      const v = samples[i];
      if (v === undefined) continue;
      if (count === 0) {
        firstT = i * this.intervalMs;
        firstV = v;
      } else if (v < prev) {
        (resetValues ??= []).push(prev);
      }
      prev = v;
      lastT = i * this.intervalMs;
      count++;
    }
    if (count < 2) return undefined;
    // As extrapolatedRate: the difference first, then each value before a reset, in time order.
    let result = prev - firstV;
    if (resetValues) for (const before of resetValues) result += before;
    return extrapolate(result, firstT, firstV, lastT, count, t - windowMs, t, windowMs, isRate);
  }
}

function dropEmpty(labels: Labels): Labels {
  // Plain labels without an empty value are kept as they are (read only here), not copied.
  if (Object.getPrototypeOf(labels) === Object.prototype && !Object.values(labels).includes('')) return labels;
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
}

const KEPT_PATTERNS = 1024;
const anchored = new Map<string, RegExp>();

/** PromQL regex matchers are fully anchored; the patterns used here mean the same in RE2 and JavaScript. */
function fullMatch(pattern: string, value: string): boolean {
  let regex = anchored.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`);
    if (anchored.size >= KEPT_PATTERNS) anchored.clear(); // a few patterns per service: bounded across 10,000
    anchored.set(pattern, regex);
  }
  return regex.test(value);
}

function matches(value: string, m: Matcher): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return fullMatch(m.value, value);
    case '!~':
      return !fullMatch(m.value, value);
  }
}

/**
 * Prometheus 2.42 `extrapolatedRate` for a float counter, with its exact float operations: the increase
 * (corrected for resets) is extrapolated towards the range boundaries when the first/last sample lies
 * within 1.1 average sample intervals of them (else by half an interval), never below the counter's zero
 * point, and scaled by `(extrapolated / sampled) / range`.
 */
export function extrapolatedRate(
  points: readonly { t: number; v: number }[], rangeStart: number, rangeEnd: number, windowMs: number, isRate = true,
): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  let result = last.v - first.v;
  let prev = first.v;
  for (const p of points.slice(1)) {
    if (p.v < prev) result += prev;
    prev = p.v;
  }
  return extrapolate(result, first.t, first.v, last.t, points.length, rangeStart, rangeEnd, windowMs, isRate);
}

/** The extrapolation of {@link extrapolatedRate}, from the increase `result` (resets corrected) of `count` points. */
function extrapolate(
  result: number, firstT: number, firstV: number, lastT: number, count: number, rangeStart: number, rangeEnd: number, windowMs: number, isRate: boolean,
): number {
  let durationToStart = (firstT - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (count - 1);
  if (result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
  let factor = extrapolateToInterval / sampledInterval;
  // increase() is the same extrapolation without the division by the range.
  if (isRate) factor /= windowMs / 1000;
  return result * factor;
}

/**
 * Prometheus 2.42 `sum_over_time`: Kahan summation with Neumaier's improvement, in time order
 * (`kahanSumInc` in promql/functions.go); promtool agrees, e.g. `1e16 1 -1e16` sums to 1, not 0.
 */
export function kahanSum(values: readonly number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += (sum - t) + v;
    else c += (v - t) + sum;
    sum = t;
  }
  if (sum === Infinity || sum === -Infinity) return sum;
  return sum + c;
}

/** {@link kahanSum} built one value at a time: `result()` is kahanSum of the defined values added so far. */
export class KahanSum {
  private sum = 0;
  private c = 0;
  private count = 0;

  add(v: number | undefined): void {
    if (v === undefined) return;
    const t = this.sum + v;
    if (Math.abs(this.sum) >= Math.abs(v)) this.c += (this.sum - t) + v;
    else this.c += (v - t) + this.sum;
    this.sum = t;
    this.count++;
  }

  /** undefined when no value was defined. */
  result(): number | undefined {
    if (this.count === 0) return undefined;
    if (this.sum === Infinity || this.sum === -Infinity) return this.sum;
    return this.sum + this.c;
  }
}

/**
 * {@link kahanSum} of every prefix of a sequence, built one value at a time: `sumUpTo(i)` is exactly
 * `kahanSum` of the defined values among the first i + 1 (undefined values are skipped, as missing samples).
 */
export class KahanPrefix {
  private readonly sums: number[] = [];
  private readonly compensations: number[] = [];
  private readonly counts: number[] = [];

  get length(): number {
    return this.sums.length;
  }

  push(v: number | undefined): void {
    const n = this.sums.length;
    let sum = n === 0 ? 0 : this.sums[n - 1]!;
    let c = n === 0 ? 0 : this.compensations[n - 1]!;
    let count = n === 0 ? 0 : this.counts[n - 1]!;
    if (v !== undefined) {
      const t = sum + v;
      if (Math.abs(sum) >= Math.abs(v)) c += (sum - t) + v;
      else c += (v - t) + sum;
      sum = t;
      count++;
    }
    this.sums.push(sum);
    this.compensations.push(c);
    this.counts.push(count);
  }

  /** undefined when none of the first i + 1 values is defined. */
  sumUpTo(i: number): number | undefined {
    if (this.counts[i] === 0) return undefined;
    const sum = this.sums[i]!;
    if (sum === Infinity || sum === -Infinity) return sum;
    return sum + this.compensations[i]!;
  }
}

/**
 * `rate(<series>[window])` at `t` of each series, the defined ones in series order. A module function,
 * not a closure made at every evaluation (under tsx every named closure costs a `__name` call).
 */
export function ratesAt(store: SeriesStore, series: readonly LoadedSeries[], t: number, windowMs: number): number[] {
  const out: number[] = [];
  for (const s of series) {
    const v = store.rate(s, t, windowMs);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** `increase(<series>[window])` at `t` of each series, the defined ones in series order. */
export function increasesAt(store: SeriesStore, series: readonly LoadedSeries[], t: number, windowMs: number): number[] {
  const out: number[] = [];
  for (const s of series) {
    const v = store.increase(s, t, windowMs);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** Whether a series' labels satisfy every matcher, as in a PromQL selector (a missing label is ""). */
export function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => matches(labels[m.label] ?? '', m));
}

/**
 * `sum()` of these values. Prometheus adds in input order, and promtool's input order is random, so
 * every order is tried: up to two values the sum is exact whatever the order, beyond that the outcomes
 * may differ in the last bit and all of them are kept.
 */
export function sum(values: readonly number[]): Possible | undefined {
  if (values.length === 0) return undefined;
  if (values.length > 7) throw new Error(`sum() of ${values.length} series: keep scenarios to at most 7 series per sum`);
  const outcomes = new Set<number>();
  for (const order of permutations(values)) outcomes.add(order.reduce((a, b) => a + b));
  return { value: values.reduce((a, b) => a + b), alternatives: [...outcomes] };
}

function permutations(values: readonly number[]): number[][] {
  if (values.length <= 1) return [[...values]];
  const out: number[][] = [];
  values.forEach((v, i) => {
    for (const rest of permutations([...values.slice(0, i), ...values.slice(i + 1)])) out.push([v, ...rest]);
  });
  return out;
}

export interface Bucket {
  readonly upperBound: number;
  readonly count: number;
}

/** Prometheus 2.42 `bucketQuantile` (classic histograms): linear interpolation inside the bucket. */
export function bucketQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upperBound !== Infinity) return NaN;
  // coalesceBuckets: same upper bound → counts added.
  const buckets: { upperBound: number; count: number }[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  // ensureMonotonic
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i]!.count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
