import type { ScenarioContext } from '../../render/promtool/scenario.js';
import type { InputSeriesModel } from '../../render/promtool/series.js';
import type { ClientLibrary } from '../alert-values.js';

/**
 * Input series in which an alert's signal takes one chosen value, shaped as the client library or
 * exporter writes them. Built by one function per signal kind (the files beside this one).
 */
export interface ValueScenario {
  /** What the series show, as the end of a sentence: `p95 = 2.5s`, `5xx = 1.5% of responses`. */
  readonly description: string;
  /**
   * From this evaluation time (ms) on, the alert expression reads the chosen value: every range it looks
   * at holds only data of the chosen value. Before, it may read less (a young rate window, a warm-up).
   */
  readonly readyAt: number;
  /** The longest range the expression reads (0 for instant gauges); silent checks reach that far past `readyAt`. */
  readonly windowMs: number;
  /** The series over `intervals` evaluation intervals (1 + intervals samples each). */
  series(intervals: number): InputSeriesModel[];
}

export interface ValueContext extends ScenarioContext {
  readonly client: ClientLibrary;
}

/** Labels of a request counter or histogram child, as an HTTP instrumentation library writes them. */
export function httpLabels(job: string, ctx: ScenarioContext): Record<string, string> {
  const port = ctx.stack.service.workloads.find((w) => w.job === job)?.port ?? 80;
  return { job, instance: `10.0.0.12:${port}`, handler: '/api/v1/payments', method: 'POST' };
}

/** `le` as the client writes it: Python `5.0`, Go and JavaScript `5`; `+Inf` for all. */
export function leText(bound: number, client: ClientLibrary): string {
  if (bound === Infinity) return '+Inf';
  return client === 'python' && Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}

/** Smallest power of ten, at least `min`, for which `share × n` is a whole number of events. */
export function wholeEventsTotal(share: number, min = 10_000): number {
  let n = min;
  while (n < 1e9 && Math.abs(share * n - Math.round(share * n)) > 1e-6) n *= 10;
  return n;
}
