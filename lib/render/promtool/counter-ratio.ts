import type { CounterRatioSignal } from '../../core/alert.js';
import { renderSelector } from '../../promql/selector.js';
import { combine, matchesAll, sum, type SeriesStore } from './prom-eval.js';
import { piecewise, type InputSeriesModel, type Labels } from './series.js';
import {
  compare, intervalsUntil, perIntervalTotal, SCENARIO_MARGIN, silentCheckTimes,
  type ResultSample, type ScenarioBuilder, type ScenarioContext,
} from './scenario.js';
import { labelsExcludedBy, labelsSelectedBy, otherJobLabels, requireLabelsSelectedBy, withInstance } from './selector-labels.js';

/**
 * `sum(rate(<numerator>[w])) / sum(rate(<denominator>[w])) > threshold` (or `<`), for any two counter
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
 * Idle: every counter flat (no events in the denominator): 0/0 is NaN, which no comparison matches, so
 * neither `>` nor `<` fires. (A numerator series that does not exist at all also returns nothing: `<`
 * alerts never fire on a numerator that is not exported.)
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
  const n = t > 0 ? perIntervalTotal(t) : 1000;
  const above = t > 0 ? Math.round(t * (1 + SCENARIO_MARGIN) * n) : 1;
  const below = Math.round(t * (1 - SCENARIO_MARGIN) * n);
  const [breaching, healthy] = comparator === '>' ? [above, below] : [below, above];
  const conditionTrueAt = intervalMs;
  const firesAt = conditionTrueAt + holdMs;
  const checks = silentCheckTimes(ctx, firesAt, signal.window.seconds * 1000);
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
  const display = signal.threshold.toString();
  const [past, short] = comparator === '>' ? ['above', 'below'] : ['below', 'above'];
  const ratioText = `${renderSelector(signal.numerator)} / ${renderSelector(signal.denominator)}`;

  return [
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
};

interface RatioSeries {
  /** Labels of the numerator's series. */
  readonly numerator: Labels;
  /** Labels of the denominator's series that the numerator does not select. */
  readonly denominator: Labels;
  /** Whether the denominator also selects the numerator's series (same metric): its events are among the N. */
  readonly numeratorCounted: boolean;
  /** Another job's series, which neither selector may select. */
  readonly other?: { readonly metric: string; readonly labels: Labels };
}

function ratioSeries(signal: CounterRatioSignal, ctx: ScenarioContext): RatioSeries {
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

function evaluateCounterRatio(store: SeriesStore, at: number, signal: CounterRatioSignal, ctx: ScenarioContext): ResultSample[] {
  const windowMs = signal.window.seconds * 1000;
  const rates = (series: ReturnType<SeriesStore['select']>): number[] =>
    series.map((s) => store.rate(s, at, windowMs)).filter((v): v is number => v !== undefined);
  const numerator = sum(rates(store.select(signal.numerator.metric, ...signal.numerator.matchers)));
  const denominator = sum(rates(store.select(signal.denominator.metric, ...signal.denominator.matchers)));
  if (!numerator || !denominator) return [];
  const ratio = combine(numerator, denominator, (a, b) => a / b);
  return compare(ratio, signal.comparator, signal.threshold.value, ctx.alert.name) ? [{ labels: {}, value: ratio }] : [];
}
