/**
 * Input series for promtool tests, kept as data so the same numbers are written to the test file
 * (promtool's expanding notation) and fed to the PromQL emulation that predicts the alert's value.
 */
export type Labels = Readonly<Record<string, string>>;

/**
 * A run of samples in promtool notation. `ramp`: `start+stepxN`, i.e. N+1 samples, each the previous
 * plus `step` (promtool adds cumulatively in float64, and so does {@link expandSeries}). `gap`: `_xN`, N
 * missing samples.
 */
export type Segment =
  | { readonly kind: 'ramp'; readonly start: number; readonly step: number; readonly steps: number }
  | { readonly kind: 'gap'; readonly count: number };

export interface InputSeriesModel {
  readonly metric: string;
  /** Labels without `__name__`; an empty value means "no such label", as in PromQL. */
  readonly labels: Labels;
  readonly segments: readonly Segment[];
}

/** One rate of growth kept for `intervals` sample intervals. */
export interface Phase {
  /** Increase per sample interval (0 for a flat counter or a constant gauge). */
  readonly perInterval: number;
  readonly intervals: number;
}

/**
 * A counter (or gauge) starting at `start` at t=0 and then growing phase by phase: sample i is at
 * t = i × interval, and the series has 1 + Σ intervals samples. Each phase after the first starts
 * from the float value promtool will have computed, so the text and the emulation never disagree.
 */
export function piecewise(metric: string, labels: Labels, start: number, phases: readonly Phase[]): InputSeriesModel {
  const segments: Segment[] = [];
  let value = start;
  let first = true;
  for (const phase of phases) {
    if (phase.intervals <= 0) continue;
    if (first) {
      segments.push({ kind: 'ramp', start: value, step: phase.perInterval, steps: phase.intervals });
      first = false;
    } else {
      const next = value + phase.perInterval;
      segments.push({ kind: 'ramp', start: next, step: phase.perInterval, steps: phase.intervals - 1 });
    }
    value = lastValue(segments[segments.length - 1]!, value);
  }
  if (first) segments.push({ kind: 'ramp', start, step: 0, steps: 0 });
  return { metric, labels, segments };
}

/** A value held for `intervals` sample intervals (1 + intervals samples). */
export function constant(metric: string, labels: Labels, value: number, intervals: number): InputSeriesModel {
  return piecewise(metric, labels, value, [{ perInterval: 0, intervals }]);
}

function lastValue(segment: Segment, fallback: number): number {
  if (segment.kind === 'gap') return fallback;
  let v = segment.start;
  for (let i = 0; i < segment.steps; i++) v += segment.step;
  return v;
}

/** Sample values by index (undefined = no sample), exactly as promtool expands the notation. */
export function expandSeries(series: InputSeriesModel): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const segment of series.segments) {
    if (segment.kind === 'gap') {
      for (let i = 0; i < segment.count; i++) out.push(undefined);
      continue;
    }
    let v = segment.start;
    out.push(v);
    for (let i = 0; i < segment.steps; i++) {
      v += segment.step;
      out.push(v);
    }
  }
  return out;
}

/** `metric{a="b",...}` with label names sorted and empty labels left out. */
export function seriesSelectorText(metric: string, labels: Labels): string {
  const pairs = Object.keys(labels)
    .filter((name) => labels[name] !== '')
    .sort()
    .map((name) => `${name}=${quoteLabelValue(labels[name]!)}`);
  return `${metric}{${pairs.join(',')}}`;
}

/** promtool's `values:` text, e.g. `0+510x30` or `1000x30 _x5`. */
export function seriesValuesText(series: InputSeriesModel): string {
  return series.segments
    .map((s) => {
      if (s.kind === 'gap') return s.count === 1 ? '_' : `_x${s.count}`;
      if (s.steps === 0) return numberText(s.start);
      if (s.step === 0) return `${numberText(s.start)}x${s.steps}`;
      return `${numberText(s.start)}${s.step < 0 ? '-' : '+'}${numberText(Math.abs(s.step))}x${s.steps}`;
    })
    .join(' ');
}

/** Shortest text that reads back as the same float64 in Go (and in JavaScript). */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`series values must be finite, got ${value}`);
  return String(value);
}

/** A PromQL / promtool double-quoted label value. */
export function quoteLabelValue(value: string): string {
  // Most values hold nothing to escape: no three replacements for them.
  if (!TO_ESCAPE.test(value)) return `"${value}"`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const TO_ESCAPE = /[\\"\n]/;
