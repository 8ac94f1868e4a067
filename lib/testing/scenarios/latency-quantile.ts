import type { LatencyQuantileSignal } from '../../core/alert.js';
import { quantileName } from '../../render/promtool/scenario.js';
import { piecewise } from '../../render/promtool/series.js';
import { parseLatency } from '../alert-values.js';
import { httpLabels, leText, type ValueContext, type ValueScenario } from './value-scenario.js';

const CLIENT_NAMES = { python: 'Python', go: 'Go', javascript: 'JavaScript' } as const;

/**
 * A request-duration histogram whose quantile is the chosen latency, as the client library writes it:
 * cumulative `_bucket` counters for every bound of the metric catalog plus `+Inf` (`le="2.0"` from
 * Python, `le="2"` from Go and JavaScript), `_count` and `_sum`, all from 0 at t=0.
 *
 * histogram_quantile interpolates linearly inside the bucket (lo, hi] holding the quantile's rank:
 * `lo + (hi - lo) × (q·N - c(lo)) / (c(hi) - c(lo))` for N requests with c(b) of them at most b. The
 * counts are chosen as whole numbers making that fraction exactly `(v - lo) / (hi - lo)`, so the
 * quantile reads v (to float precision) from t=interval on: every bucket's rate has the same
 * extrapolation factor (zero-point rule), which cancels out.
 */
export function latencyQuantileValue(signal: LatencyQuantileSignal, ctx: ValueContext, latency: unknown): ValueScenario {
  const key = quantileName(signal.quantile);
  const v = parseLatency(ctx.alert.name, key, latency);
  const bounds = [...signal.buckets].sort((a, b) => a - b);
  const largest = bounds[bounds.length - 1];
  if (largest === undefined || v <= 0 || v > largest) {
    throw new Error(`${ctx.alert.name}: ${key}: '${String(latency)}' is invalid; allowed: above 0 and at most ${largest}s, the largest finite bucket of ` +
      `${signal.metric} (histogram_quantile never returns more than that)`);
  }
  const hiIndex = bounds.findIndex((b) => b >= v);
  const hi = bounds[hiIndex]!;
  const lo = hiIndex === 0 ? 0 : bounds[hiIndex - 1]!;
  const counts = cumulativeCounts(ctx.alert.name, key, signal.quantile, v, lo, hi);
  const perBound = bounds.map((bound, i) => {
    if (i < hiIndex - 1) return Math.floor(counts.lo / 2 ** (hiIndex - 1 - i));
    if (i === hiIndex - 1) return counts.lo;
    if (i === hiIndex) return counts.hi;
    return counts.hi + Math.floor((counts.total - counts.hi) * (1 - 2 ** -(i - hiIndex)));
  });
  // Observations in each bucket, counted at its midpoint (above the largest bound: twice that bound).
  let previous = 0;
  let sum = 0;
  [...perBound, counts.total].forEach((c, i) => {
    const upper = bounds[i] ?? 2 * largest;
    const lower = i === 0 ? 0 : bounds[i - 1]!;
    sum += (c - previous) * (lower + upper) / 2;
    previous = c;
  });
  const labels = httpLabels(signal.job, ctx);
  return {
    description: `${key} = ${String(latency)} (${CLIENT_NAMES[ctx.client]} buckets, le="${leText(hi, ctx.client)}")`,
    readyAt: ctx.intervalMs,
    windowMs: signal.window.seconds * 1000,
    series: (intervals) => [
      ...[...bounds, Infinity].map((bound, i) =>
        piecewise(`${signal.metric}_bucket`, { ...labels, le: leText(bound, ctx.client) }, 0, [{ perInterval: perBound[i] ?? counts.total, intervals }])),
      piecewise(`${signal.metric}_count`, labels, 0, [{ perInterval: counts.total, intervals }]),
      piecewise(`${signal.metric}_sum`, labels, 0, [{ perInterval: Math.round(sum * 1000) / 1000, intervals }]),
    ],
  };
}

/** Whole counts per interval: N requests, c(lo) at most lo, c(hi) at most hi, with (qN - c(lo)) / (c(hi) - c(lo)) = (v - lo) / (hi - lo). */
function cumulativeCounts(alert: string, key: string, q: number, v: number, lo: number, hi: number): { total: number; lo: number; hi: number } {
  // The fraction as a ratio of whole microseconds, reduced.
  let a = Math.round((v - lo) * 1e6);
  let b = Math.round((hi - lo) * 1e6);
  const g = gcd(a, b);
  a /= g;
  b /= g;
  if (lo === 0 && a / b < q) {
    // In the first bucket histogram_quantile returns hi × rank / c(hi), and c(hi) <= N.
    throw new Error(`${alert}: ${key}: ${v}s is invalid; allowed: at least ${Number((q * hi).toPrecision(6))}s (${q} × ${hi}s): ` +
      `inside the first bucket (0, ${hi}s] histogram_quantile returns ${hi}s × ${q}N / c(${hi}s), and c(${hi}s) is at most N`);
  }
  for (const scale of [1, a]) {
    for (let total = 10_000 * scale; total <= 1e10; total *= 10) {
      const rank = q * total;
      if (!Number.isInteger(rank)) continue;
      if (lo === 0) {
        // The first bucket starts at 0 and histogram_quantile subtracts nothing: c(hi) = rank × b / a.
        if (rank % a !== 0 || (rank / a) * b > total) continue;
        return { total, lo: 0, hi: (rank / a) * b };
      }
      // D = k·b requests in (lo, hi], A = k·a of them up to the rank: c(lo) = rank - A >= 0, c(hi) = c(lo) + D <= N.
      const kMax = Math.min(Math.floor(rank / a), b > a ? Math.floor((total - rank) / (b - a)) : Infinity);
      if (kMax < 1) continue;
      const k = Math.max(1, Math.floor(kMax / 2));
      const cLo = rank - k * a;
      return { total, lo: cLo, hi: cLo + k * b };
    }
  }
  throw new Error(`${alert}: cannot build a histogram whose quantile ${q} is exactly ${v}s between the buckets ${lo}s and ${hi}s`);
}

function gcd(x: number, y: number): number {
  return y === 0 ? x : gcd(y, x % y);
}
