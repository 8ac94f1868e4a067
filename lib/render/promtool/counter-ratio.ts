import type { CounterRatioSignal } from '../../core/alert.js';
import { renderSelector } from '../../promql/selector.js';
import { combine, increasesAt, mapPossible, matchesAll, ratesAt, sum, type SeriesStore } from './prom-eval.js';
import { piecewise, type InputSeriesModel, type Labels, type Phase } from './series.js';
import {
  compare, intervalsUntil, perIntervalTotal, SCENARIO_MARGIN, silentCheckTimes,
  type ResultSample, type Scenario, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';
import { labelsExcludedBy, labelsSelectedBy, otherJobLabels, requireLabelsSelectedBy, withInstance } from './selector-labels.js';

/**
 * `(sum(rate(<numerator>[w])) or 0 * sum(rate(<denominator>[w]))) / sum(rate(<denominator>[w])) > threshold` (or `<`), for any two counter
 * selectors: two metrics (`tickets_escalated_total{job}` over `tickets_created_total{job}`) or one metric
 * with different matchers (`http_requests_total{job,status=~"401|403"}` over `http_requests_total{job}`).
 *
 * Data: N events per interval counted by the denominator (N a power of ten large enough that 2% of the
 * threshold is at least 10 events), k of them counted by the numerator, k/N just past the threshold
 * (breaching) or just short of it (healthy). Label values come from the selectors' matchers
 * (selector-labels.ts: `=~"401|403"` gives "401", `!~"2.."` gives "500"); a selector no constructed
 * value satisfies is refused with the alert's name.
 * - Same metric: the numerator's series is built to match the denominator's matchers as well, so its k
 *   events are among the denominator's N, and the other N - k go to a series the denominator selects and
 *   the numerator does not (status="200" beside status="401"). If no series can match both, the
 *   numerator's events are outside the denominator and it gets all N on its own series.
 * - Two metrics: the numerator's counter grows by k, the denominator's by N.
 * - Beside them, a series of another job (`job="<job>-other"`) grows by N per interval in every scenario
 *   and must be left out: for `>` a copy of the numerator's series (counted, it would push the ratio
 *   up), for `<` a copy of the denominator's (counted, it would push it down). Left out when the
 *   selectors have no `job` to change.
 * Every counter starts at 0 at t=0.
 *
 * Timing (as for error ratios): at t=0 each range holds a single sample, so rate() returns nothing and
 * neither does the ratio. From t=interval every range holds at least two samples; since every counter
 * starts at 0, Prometheus' zero-point rule stops all of them from being extrapolated before t=0 (and
 * once the window is full, every range starts and ends on a sample), so every rate is
 * `increase / window` with the same factor and the ratio is exactly k/N from t=interval on. The
 * condition therefore first holds at t=interval and the alert fires at interval + `for`.
 *
 * Minimum volume (`minEvents` = m, rendered `<ratio> <cmp> t and on() sum(increase(<denominator>[w])) >= m`):
 * the window must be a whole number P of evaluation intervals (checked), and N is raised by powers of
 * ten until a full window holds P × N >= m events. By the same argument as above, increase() is never
 * extrapolated here (factor exactly 1: zero point at t=0 while the window reaches before it, ranges
 * starting and ending on a sample once it is full), so the denominator's increase is exactly j × N at
 * t = j × interval (j <= P) and P × N from then on, for good. The breaching and healthy scenarios so
 * hold at least m events in the window at every check. The condition first holds once both parts do:
 * at t = ceil(m / N) × interval (at least one interval), and the alert fires `for` later.
 * Low volume (when m > 1): the ratio far past the threshold (100% of the events for `>`, bounded below
 * by 2 × threshold for two metrics; 0% for `<`), but only L = m - 1 denominator events per window, all
 * at once in one interval, (0, interval], and again every window (every P intervals); any P consecutive
 * intervals hold exactly one burst, so increase() is exactly L < m from t=interval on and the alert
 * stays silent. (With m = 1, fewer events means none: that is the idle scenario.)
 *
 * Idle: every counter flat (no events in the denominator): 0/0 is NaN, which no comparison matches, so
 * neither `>` nor `<` fires. A numerator without any series (never incremented) counts as 0 events
 * (`or 0 * <denominator>`), so a `<` alert fires on it; series-absent.ts tests that shape.
 */
export const counterRatioScenarios: ScenarioBuilder<'counterRatio'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const t = signal.threshold.value;
  const { comparator } = signal;
  const data = ratioSeries(signal, ctx);
  if (comparator === '<' && t === 0) throw new Error(`${alert.name}: a ratio is never below 0, so the alert could never fire`);
  if (data.numeratorCounted && t * (1 + SCENARIO_MARGIN) >= 1) {
    throw new Error(`${alert.name}: a threshold of ${signal.threshold} leaves no room above it for the test data: ` +
      `every event of ${renderSelector(signal.numerator)} is also one of ${renderSelector(signal.denominator)}`);
  }
  const windowMs = signal.window.seconds * 1000;
  const minEvents = signal.minEvents;
  if (minEvents !== undefined) {
    if (!Number.isInteger(minEvents) || minEvents < 1) throw new Error(`${alert.name}: minEvents must be a positive whole number, got ${minEvents}`);
    if (windowMs % intervalMs !== 0) {
      throw new Error(`${alert.name}: the window ${signal.window} is not a whole number of evaluation intervals (${ctx.platform.evaluationInterval}); ` +
        'increase() would be extrapolated and the minimum volume could not be tested exactly');
    }
  }
  const p = windowMs / intervalMs;
  let n = t > 0 ? perIntervalTotal(t) : 1000;
  // A full window must hold at least minEvents events of the denominator.
  while (minEvents !== undefined && p * n < minEvents) n *= 10;
  const above = t > 0 ? Math.round(t * (1 + SCENARIO_MARGIN) * n) : 1;
  const below = Math.round(t * (1 - SCENARIO_MARGIN) * n);
  const [breaching, healthy] = comparator === '>' ? [above, below] : [below, above];
  // j × N events of the denominator at t = j × interval: enough from j = ceil(minEvents / N) on.
  const conditionTrueAt = Math.max(1, Math.ceil((minEvents ?? 0) / n)) * intervalMs;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt, windowMs);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const evaluate = (store: SeriesStore, at: number): ResultSample[] => evaluateCounterRatio(store, at, signal, ctx);
  const counter = (metric: string, labels: Labels, perInterval: number, flat: boolean): InputSeriesModel =>
    flat
      ? piecewise(metric, labels, perInterval * 60, [{ perInterval: 0, intervals }])
      : piecewise(metric, labels, 0, [{ perInterval, intervals }]);
  const traffic = (k: number, flat: boolean): InputSeriesModel[] => [
    counter(signal.numerator.metric, data.numerator, k, flat),
    counter(signal.denominator.metric, data.denominator, data.numeratorCounted ? n - k : n, flat),
    ...(data.other ? [counter(data.other.metric, data.other.labels, n, false)] : []),
  ];
  /** A counter from 0 that grows by `events` at once in (0, interval], and again every window. */
  const bursts = (metric: string, labels: Labels, events: number): InputSeriesModel => {
    if (events === 0) return counter(metric, labels, 0, false);
    const phases: Phase[] = [];
    for (let done = 0; done < intervals; done += p) {
      phases.push({ perInterval: events, intervals: 1 }, { perInterval: 0, intervals: Math.min(p, intervals - done) - 1 });
    }
    return piecewise(metric, labels, 0, phases);
  };
  const lowVolume = (k: number, total: number): InputSeriesModel[] => [
    bursts(signal.numerator.metric, data.numerator, k),
    bursts(signal.denominator.metric, data.denominator, data.numeratorCounted ? total - k : total),
    ...(data.other ? [counter(data.other.metric, data.other.labels, n, false)] : []),
  ];
  const display = signal.threshold.toString();
  const [past, short] = comparator === '>' ? ['above', 'below'] : ['below', 'above'];
  const ratioText = `${renderSelector(signal.numerator)} / ${renderSelector(signal.denominator)}`;

  const scenarios: Scenario[] = [
    {
      name: `${alert.name} fires when ${ratioText} is just ${past} ${display} for ${alert.for.text}`,
      series: traffic(breaching, false),
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt },
    },
    {
      // With a threshold of 0 ("any event"), the healthy ratio is 0: no events in the numerator.
      name: healthy === 0 ? `${alert.name} stays silent when the ratio is 0%` : `${alert.name} stays silent when the ratio is just ${short} ${display}`,
      series: traffic(healthy, false),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent without events in the denominator (0/0 is NaN, not a ratio)`,
      series: traffic(Math.round(t * n), true),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
  if (minEvents !== undefined && minEvents > 1) {
    const few = minEvents - 1;
    // Far past the threshold: every event (at least twice the threshold for two metrics) for `>`, none for `<`.
    const k = comparator === '<' ? 0 : data.numeratorCounted ? few : Math.max(few, Math.ceil(2 * t * few));
    scenarios.push({
      name: `${alert.name} stays silent when the ratio is ${percent(k / few)} but ${renderSelector(signal.denominator)} ` +
        `counts only ${few} events within ${signal.window.text} (fewer than ${minEvents})`,
      series: lowVolume(k, few),
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    });
  }
  return scenarios;
};

const percent = (value: number): string => `${Number((value * 100).toPrecision(4))}%`;

export interface RatioSeries {
  /** Labels of the numerator's series. */
  readonly numerator: Labels;
  /** Labels of the denominator's series that the numerator does not select. */
  readonly denominator: Labels;
  /** Whether the denominator also selects the numerator's series (same metric): its events are among the N. */
  readonly numeratorCounted: boolean;
  /** Another job's series, which neither selector may select. */
  readonly other?: { readonly metric: string; readonly labels: Labels };
}

export function ratioSeries(signal: CounterRatioSignal, ctx: ScenarioContext): RatioSeries {
  const { numerator: num, denominator: den } = signal;
  const name = ctx.alert.name;
  const sameMetric = num.metric === den.metric;
  const selectors = [num, den];
  const workloads = ctx.stack.service.workloads;
  const numeratorOwn = (sameMetric ? labelsSelectedBy(num, den) : undefined) ?? requireLabelsSelectedBy(name, num);
  const numerator = withInstance(numeratorOwn, selectors, workloads);
  const numeratorCounted = sameMetric && matchesAll(numerator, den.matchers);
  let denominator: Labels | undefined;
  if (numeratorCounted) {
    denominator = labelsExcludedBy(numerator, den.matchers, num.matchers);
    if (!denominator) {
      throw new Error(`${name}: cannot build a series that ${renderSelector(den)} selects and ${renderSelector(num)} does not; ` +
        'the numerator would count every event of the denominator');
    }
  } else {
    denominator = withInstance(requireLabelsSelectedBy(name, den), selectors, workloads);
    if (sameMetric && matchesAll(denominator, num.matchers)) {
      denominator = labelsExcludedBy(denominator, den.matchers, num.matchers);
      if (!denominator) throw new Error(`${name}: cannot build a series that ${renderSelector(den)} selects and ${renderSelector(num)} does not`);
    }
  }
  // Counted by mistake, another job's numerator events push the ratio up, its denominator events push it down.
  const [metric, copied] = signal.comparator === '>' ? [num.metric, numerator] : [den.metric, denominator];
  const otherLabels = otherJobLabels(copied, selectors.filter((s) => s.metric === metric));
  return { numerator, denominator, numeratorCounted, ...(otherLabels && { other: { metric, labels: otherLabels } }) };
}

export function evaluateCounterRatio(store: SeriesStore, at: number, signal: CounterRatioSignal, ctx: ScenarioContext): ResultSample[] {
  const windowMs = signal.window.seconds * 1000;
  const denominator = sum(ratesAt(store, store.select(signal.denominator.metric, ...signal.denominator.matchers), at, windowMs));
  // `or 0 * <denominator>`: a numerator without series counts as 0 events while the denominator has a rate.
  const numerator = sum(ratesAt(store, store.select(signal.numerator.metric, ...signal.numerator.matchers), at, windowMs)) ?? (denominator && mapPossible(denominator, (v) => 0 * v));
  if (!numerator || !denominator) return [];
  const ratio = combine(numerator, denominator, (a, b) => a / b);
  if (!compare(ratio, signal.comparator, signal.threshold.value, ctx.alert.name)) return [];
  if (signal.minEvents !== undefined) {
    // `and on() sum(increase(<denominator>[w])) >= minEvents`: the left side survives only while the right has a sample.
    const increases = increasesAt(store, store.select(signal.denominator.metric, ...signal.denominator.matchers), at, windowMs);
    const volume = sum(increases);
    if (!volume) return [];
    const enough = volume.alternatives.map((v) => v >= signal.minEvents!);
    if (enough.some((e) => e !== enough[0])) {
      throw new Error(`${ctx.alert.name}: the scenario's volume ${volume.value} is too close to minEvents ${signal.minEvents} to compare reliably`);
    }
    if (!enough[0]) return [];
  }
  return [{ labels: {}, value: ratio }];
}
