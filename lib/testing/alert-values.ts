import type { PercentText } from '../core/units.js';

/**
 * The value an alert's signal takes in a test scenario, keyed by what the signal measures, e.g.
 * `{ p95: '2.5s' }` for a latency alert or `{ burn: 15 }` for an SLO burn-rate alert. One key per value:
 *
 * | signal (alert pack) | key | meaning |
 * | --- | --- | --- |
 * | target down | `up` | `0`, `1`, or `'absent'` (no `up` series for the job) |
 * | 5xx error ratio | `errors` | share of responses that are 5xx, e.g. `'1.5%'` |
 * | latency quantile | `p95`, `p99`, ... | the quantile of the request-duration histogram, e.g. `'2.5s'`, `'800ms'` |
 * | CPU / memory of the limit | `cpu`, `memory` | use per pod relative to its container limit, up to `'100%'` |
 * | low throughput | `perHour` | the business counter's rate while requests are served |
 * | counter ratio | `ratio` | numerator events among denominator events, e.g. `'12%'` |
 * | gauge | `value` | the aggregated gauge |
 * | counter increase | `increase` | events within the alert's window |
 * | SLO burn rate | `burn` | error ratio over the error budget: `15` is 15x the sustainable rate |
 */
export type AlertValue =
  | { readonly up: 0 | 1 | 'absent' }
  | { readonly errors: PercentText }
  | { readonly [quantile: `p${number}`]: LatencyText }
  | { readonly cpu: PercentText }
  | { readonly memory: PercentText }
  | { readonly perHour: number }
  | { readonly ratio: PercentText }
  | { readonly value: number }
  | { readonly increase: number }
  | { readonly burn: number };

/** A latency as people write it: `'2.5s'`, `'800ms'`. */
export type LatencyText = `${number}${'ms' | 's'}`;

/**
 * How the client library that exports the service's metrics writes them: Python's prometheus_client
 * writes histogram bounds as floats (`le="5.0"`), the Go and JavaScript (prom-client) clients as the
 * shortest number (`le="5"`). @default 'python'
 */
export type ClientLibrary = 'python' | 'go' | 'javascript';

/** The single key and value of an {@link AlertValue}, checked against what the alert measures. */
export function valueEntry(alertName: string, value: AlertValue, allowed: string): [string, unknown] {
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) {
    throw new Error(`${alertName}: give exactly one value, such as ${allowed}; got ${show(value)}`);
  }
  return entries[0]!;
}

export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value !== 'object' || value === null) return String(value);
  return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : String(v)}`).join(', ')} }`;
}

/** `'1.5%'` → 0.015; `'0%'` and `'100%'` are allowed (a scenario may have no errors at all). */
export function parsePercentValue(alertName: string, key: string, input: unknown, max = 1): number {
  const match = typeof input === 'string' ? /^(\d+(?:\.\d+)?)%$/.exec(input) : null;
  const ratio = match ? Number(match[1]) / 100 : NaN;
  if (!match || ratio > max) {
    throw new Error(`${alertName}: ${key}: ${show(input)} is invalid; allowed: a percentage from 0% to ${max * 100}%, such as '1.5%'`);
  }
  return ratio;
}

/** `'2.5s'` / `'800ms'` → seconds. */
export function parseLatency(alertName: string, key: string, input: unknown): number {
  const match = typeof input === 'string' ? /^(\d+(?:\.\d+)?)(ms|s)$/.exec(input) : null;
  if (!match) throw new Error(`${alertName}: ${key}: ${show(input)} is invalid; allowed: a latency such as '2.5s' or '800ms'`);
  return match[2] === 'ms' ? Number(match[1]) / 1000 : Number(match[1]);
}

export function parseCount(alertName: string, key: string, input: unknown, what: string, integer: boolean): number {
  if (typeof input !== 'number' || !Number.isFinite(input) || input < 0 || (integer && !Number.isInteger(input))) {
    throw new Error(`${alertName}: ${key}: ${show(input)} is invalid; allowed: ${what}`);
  }
  return input;
}
