import type { AlertSpec, RunbookEntry } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import { Duration, type DurationText } from '../lib/core/units.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';

export interface HistogramLatencyOptions extends CommonAlertOptions {
  readonly workload: string;
  /** Histogram base name in the service's metric catalog. @default 'http_request_duration_seconds' */
  readonly metric?: string;
  /** @default 0.95 */
  readonly quantile?: number;
  /** Must be one of the histogram's bucket bounds, or the quantile is only a guess between two bounds. */
  readonly above: DurationText;
  /** @default '5m' */
  readonly window?: DurationText;
  /** @default '<Prefix>HighLatency' */
  readonly name?: string;
  /** Rule group. @default 'http' */
  readonly group?: string;
  /** What is being timed, for texts. @default 'request' */
  readonly subject?: string;
}

/** A quantile of any latency histogram above a bucket bound (HTTP requests, LLM calls, ...). */
export function histogramLatencyAlert(service: Service, options: HistogramLatencyOptions, runbook: RunbookEntry): AlertSpec {
  const { issues } = service;
  const name = alertName(service, options.name, 'HighLatency');
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  const metric = options.metric ?? 'http_request_duration_seconds';
  const given = options.quantile ?? 0.95;
  const quantileOk = issues.check(typeof given === 'number' && given > 0 && given < 1, `alerts.${name}.quantile`, given, 'a number strictly between 0 and 1, such as 0.95');
  const quantile = quantileOk ? given : 0.95;
  const threshold = issues.latency(`alerts.${name}.above`, options.above);
  const definition = service.metrics.find(metric);
  const buckets = definition?.type === 'histogram' ? definition.buckets ?? [] : [];
  // A threshold that did not parse is reported once, above, not again as "not a bucket bound".
  if (issues.check(buckets.length > 0, `alerts.${name}.metric`, metric, 'a histogram with buckets in the service\'s metric catalog')
    && Duration.parseThreshold(options.above).ok) {
    const onBound = issues.check(buckets.includes(threshold.seconds), `alerts.${name}.above`, options.above,
      `a bucket bound of ${metric}: ${buckets.map((b) => `${b}s`).join(', ')}`);
    // histogram_quantile never returns more than the largest finite bound, so `> largest` could never fire.
    if (onBound) {
      issues.check(threshold.seconds < buckets[buckets.length - 1]!, `alerts.${name}.above`, options.above,
        `a bucket bound below the largest one (${buckets[buckets.length - 1]}s) of ${metric}: histogram_quantile never returns more than the largest finite bound, so the alert could never fire`);
    }
  }
  const p = `p${Math.round(quantile * 100)}`;
  const subject = options.subject ?? 'request';
  return buildAlert(service, options, {
    name,
    group: options.group ?? 'http',
    signal: {
      kind: 'latencyQuantile', metric, job: workload.job, quantile, threshold,
      window: issues.duration(`alerts.${name}.window`, options.window ?? '5m'), buckets,
    },
    summary: `${service.title} ${subject} latency ${p} above ${threshold.secondsText}`,
    description: `${p} ${subject} latency of ${service.title} is ${quantileValueText(metric, buckets)} (threshold ${threshold.secondsText}).`,
    runbook,
  });
}

/**
 * `$value` as a duration, marked as a lower bound at the top bucket: histogram_quantile returns the
 * largest finite bound whenever the quantile falls in the `+Inf` bucket, so on buckets ending at 10 a
 * 15s fault reads 10s. The annotation then says `≥ 10s, the largest finite bucket of <metric>, so
 * possibly more`. Go compares `$value` (float64) only with a float literal, hence `10.0`.
 */
export function quantileValueText(metric: string, buckets: readonly number[]): string {
  const value = '{{ $value | humanizeDuration }}';
  const top = buckets[buckets.length - 1];
  if (top === undefined) return value;
  const literal = Number.isInteger(top) ? top.toFixed(1) : String(top);
  return `{{ if ge $value ${literal} }}≥ ${value}, the largest finite bucket of ${metric}, so possibly more{{ else }}${value}{{ end }}`;
}
