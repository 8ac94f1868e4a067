import type { PlatformConfig } from '../../core/platform.js';
import type { Slo, SloTier } from '../../core/slo.js';
import type { ServiceStack } from '../../core/stack.js';
import { roundFloat } from '../../core/units.js';
import { eq, num } from '../../promql/selector.js';
import { parseVectorSelector, type ParsedVectorSelector } from '../../promql/syntax.js';
import { errorBudget } from '../../slo/define-slo.js';
import { SLO_RECORDS } from '../../slo/names.js';
import {
  burnRateAlert, missedIterationsAlert, missedIterationsSelector, percent, SLO_BASE_WINDOW, SLO_OUTAGE_HISTORY, sloAlertName, sloGroupNames, sloLabels,
  sloMetaAlertName, sloSeries,
} from '../../slo/rules.js';
import { KahanPrefix, KahanSum, kahanSum, matchesAll, SeriesStore, type LoadedSeries, type Possible } from './prom-eval.js';
import { AlertSimulation, expectedAlert, parseInterval } from './resolve.js';
import { ceilToInterval, compare, durationText, SCENARIO_MARGIN, type ResultSample } from './scenario.js';
import { piecewise, seriesSelectorText, seriesValuesText, type InputSeriesModel, type Labels } from './series.js';
import type { PromtoolAlertTest, PromtoolExprTest, PromtoolTestGroup } from './test-file.js';

/**
 * promtool proofs of the SLO engine (lib/slo/rules.ts): per SLO, traffic that burns the error budget at
 * a constant multiple ("burn") of the sustainable rate from t=0, one scenario per burn-rate tier:
 *
 * - for each tier, fastest first, a burn just above its factor (×1.04, rounded up to three significant
 *   digits: 15x for 14.4, 6.24x for 6, 3.12x for 3, 1.04x for 1 with a 30d period) must fire it, with
 *   exact labels and annotations, not before `interval + for` and at that time — while every faster tier
 *   (higher factor) stays silent: 6.24x pages through page-slow and not page-fast, 3.12x opens a ticket
 *   and pages nobody. A factor moved up by 5% breaks its scenario. Every tier but the fastest also gets a
 *   burn well inside it, 7/6 of its factor (the Workbook's examples: 7x for page-slow, 3.5x for
 *   ticket-fast), which must fire that tier and no faster one;
 * - a burn below every factor (0.9x the slowest) fires nothing, and no traffic at all (0/0 = NaN) fires
 *   nothing, checked at the time each tier would have fired;
 * - every scenario with traffic also checks the budget recordings: budget remaining = 1 - burn.
 *
 * Traffic: 100 requests per second (per interval: 100 × interval seconds), a share `burn × budget` of
 * them bad; every counter starts at 0 at t=0. Timing, worked out: rate() needs two samples, so the 5m
 * base recordings exist from t=interval on, and because every counter starts at zero at the same time
 * (Prometheus' zero-point rule stops all extrapolation before t=0), the recorded error and total rates
 * carry exactly the scenario's error share at every evaluation. Every window's ratio of sums of them is
 * therefore that share from t=interval on, however little of the window is filled; each tier's
 * condition first holds at t=interval and the alert fires at interval + `for` (rounded up to whole
 * intervals). The emulation below replays the recordings, `sum_over_time` (Kahan summation, as 2.42)
 * and the alert state machine, and must agree, or synth stops.
 *
 * Windows are not filled (15x fires after 3m, not after the 1h window has seen it): a constant burn
 * gives the same ratio in every window, so the scenarios stay a few hours long and promtool fast;
 * filling a 3d window at a 1m interval means 4320+ evaluations, each summing thousands of samples.
 *
 * promtool evaluates every rule group at the test file's `evaluation_interval` (1m), whatever the
 * group's own `interval`, in the order of the file's `group_eval_order`, which lists the short SLO group
 * before the long one: the long group's ticket alerts then read short windows recorded at the same time,
 * as they would one minute later in production.
 */
export function sloTestGroups(stack: ServiceStack, platform: PlatformConfig): PromtoolTestGroup[] {
  const slos = stack.slos ?? [];
  if (slos.length === 0) return [];
  const taken = new Set(stack.alerts.map((a) => a.name));
  for (const slo of slos) {
    for (const tier of slo.tiers) {
      const name = sloAlertName(stack.service, slo, tier);
      if (taken.has(name)) throw new Error(`${stack.service.name}: SLO alert ${name} has the name of another alert of the service`);
      taken.add(name);
    }
  }
  return [
    ...slos.flatMap((slo) => sloScenarios(stack, platform, slo).map((scenario) => resolveSloScenario(stack, platform, slo, scenario))),
    ...missedIterationsTestGroups(stack, platform),
  ];
}

/** One SLO scenario: traffic, and what each burn-rate alert must do. */
export interface SloScenario {
  readonly name: string;
  readonly series: readonly InputSeriesModel[];
  /** Tiers that must fire; their condition first holds at t=interval (see above), or at `conditionTrueAt`. */
  readonly fires: readonly SloTier[];
  /** When the fired tiers' condition first holds. @default the interval */
  readonly conditionTrueAt?: number;
  /** Tiers that must stay silent (neither pending nor firing) at `checkAt`. */
  readonly silent: readonly SloTier[];
  readonly checkAt: readonly number[];
  /** Error ratio over the budget, constant from the start; undefined without traffic. */
  readonly burn?: number;
  /** Evaluation time at which the budget recordings are checked (scenarios with traffic). */
  readonly budgetAt?: number;
  /** Also check the constant recordings (objective, error budget) there. */
  readonly constants?: boolean;
}

/** Requests per second of the scenarios' traffic. */
export const SLO_SCENARIO_RPS = 100;

export function sloScenarios(stack: ServiceStack, platform: PlatformConfig, slo: Slo): SloScenario[] {
  const intervalMs = parseInterval(platform);
  const budget = errorBudget(slo);
  const perInterval = SLO_SCENARIO_RPS * (intervalMs / 1000);
  const tiers = [...slo.tiers].sort((a, b) => b.factor - a.factor);
  const wouldFireAt = (tier: SloTier): number => intervalMs + ceilToInterval(tier.for.seconds * 1000, intervalMs);
  const where = `${stack.service.name}: SLO ${slo.name}`;
  const traffic = trafficModel(stack, slo, where);
  const share = (burn: number): string => `${percent(burn * budget)} ${badShare(slo)}`;
  const scenarios: SloScenario[] = [];

  tiers.forEach((tier, i) => {
    // Just above the factor proves the threshold; 7/6 of it (the Workbook's 7x for the 6x tier, 3.5x for
    // the 3x tier) shows a burn well inside the tier still fires that tier and no faster one.
    // The extra burn is left out where it would reach the next faster tier or leave no good events.
    const inside = niceCeil((tier.factor * 7) / 6);
    const next = tiers[i - 1];
    const insideFits = next !== undefined && inside < next.factor * (1 - 2 * SCENARIO_MARGIN) && inside * budget <= 0.98;
    const burns = [...new Set([niceCeil(tier.factor * (1 + 2 * SCENARIO_MARGIN)), ...(insideFits ? [inside] : [])])];
    burns.forEach((burn, b) => {
      const faster = tiers.slice(0, i);
      for (const f of faster) {
        if (burn >= f.factor * (1 - 2 * SCENARIO_MARGIN)) {
          throw new Error(`${where}: tiers ${f.id} (${num(f.factor)}x) and ${tier.id} (${num(tier.factor)}x) are too close to prove one fires without the other`);
        }
      }
      if (burn * budget > 0.98) {
        throw new Error(`${where}: a ${burn}x burn of a ${percent(budget)} error budget leaves no room for good events in the test data`);
      }
      const firesAt = wouldFireAt(tier);
      const checkAt = unique([...faster.map(wouldFireAt).filter((t) => t < firesAt), firesAt]);
      const alert = sloAlertName(stack.service, slo, tier);
      const verb = tier.notify === 'page' ? 'pages' : 'opens a ticket';
      const silence = faster.length > 0 ? ` while ${faster.map((f) => f.id).join(' and ')} stay${faster.length === 1 ? 's' : ''} silent` : '';
      const base = `A ${burn}x burn of the ${slo.name} error budget (${share(burn)}) ${verb} via ${alert} after ${durationText(firesAt)}${silence}`;
      const series = (style: LeStyle) => traffic({ bad: roundFloat(burn * budget * perInterval), total: perInterval, intervals: firesAt / intervalMs, flat: false, style });
      scenarios.push({ name: base, series: series('python'), fires: [tier], silent: faster, checkAt, burn, budgetAt: firesAt });
      if (i === 0 && b === 0 && slo.sli.kind === 'latency') {
        // The le regex must match Go / JavaScript clients too (le="5" rather than Python's le="5.0").
        scenarios.push({ name: `${base}, with buckets written as Go and JavaScript clients do`, series: series('go'), fires: [tier], silent: [], checkAt: [], burn, budgetAt: firesAt });
      }
    });
  });

  const slowest = tiers[tiers.length - 1];
  const calm = niceFloor((slowest?.factor ?? 1) * 0.9);
  const checkAt = tiers.length > 0 ? unique(tiers.map(wouldFireAt)) : [10 * intervalMs];
  const end = checkAt[checkAt.length - 1]!;
  scenarios.push({
    name: `A ${calm}x burn of the ${slo.name} error budget (${share(calm)}) fires no burn-rate alert`,
    series: traffic({ bad: roundFloat(calm * budget * perInterval), total: perInterval, intervals: end / intervalMs, flat: false, style: 'python' }),
    fires: [],
    silent: tiers,
    checkAt,
    burn: calm,
    budgetAt: end,
    constants: true,
  });
  if (slo.sli.kind === 'availability') {
    // Clients create a status series at its first request: before the first 5xx there is no 5xx series.
    const at = 10 * intervalMs;
    scenarios.push({
      name: `Traffic without a single 5xx yet leaves the ${slo.name} error budget untouched (no 5xx series means 0% errors, not no data)`,
      series: traffic({ bad: 0, total: perInterval, intervals: at / intervalMs, flat: false, style: 'python' })
        .filter((s) => !/^5/.test(s.labels.status ?? '')),
      fires: [],
      silent: [],
      checkAt: [],
      burn: 0,
      budgetAt: at,
    });
  }
  scenarios.push(...outageScenarios(stack, slo, tiers, intervalMs, wouldFireAt));
  scenarios.push({
    name: `No traffic fires no burn-rate alert of the ${slo.name} SLO (0/0 is NaN, not an error ratio)` +
      (slo.sli.outage ? `, while every target of ${slo.sli.outage.job} is up` : ''),
    series: traffic({ bad: roundFloat(budget * perInterval), total: perInterval, intervals: end / intervalMs, flat: true, style: 'python' }),
    fires: [],
    silent: tiers,
    checkAt,
  });
  return scenarios;
}

/**
 * SLIs with an outage term (lib/slo/rules.ts, outageRateExpr): no target of the job left in Prometheus,
 * or every target `up == 0`, and no request counted at all. Both recordings take the outage rate at
 * once (it needs no rate() over two samples): with no history yet it is the floor, one a minute, so
 * every window's ratio is 1 from t=0 on and the fastest tier fires at its `for`; budget remaining is
 * 1 - 1 / budget. Another job's healthy target must not hide the outage.
 */
function outageScenarios(stack: ServiceStack, slo: Slo, tiers: readonly SloTier[], intervalMs: number, wouldFireAt: (tier: SloTier) => number): SloScenario[] {
  const outage = slo.sli.outage;
  const fastest = tiers[0];
  if (!outage || !fastest) return [];
  const holdMs = ceilToInterval(fastest.for.seconds * 1000, intervalMs);
  const intervals = Math.max(holdMs, wouldFireAt(fastest)) / intervalMs;
  const instance = upInstance(stack, outage.job);
  const up = (job: string, value: number): InputSeriesModel => piecewise('up', { job, instance }, value, [{ perInterval: 0, intervals }]);
  const alert = sloAlertName(stack.service, slo, fastest);
  const burn = roundFloat(1 / errorBudget(slo));
  const common = { fires: [fastest], silent: [], checkAt: [], conditionTrueAt: 0, burn, budgetAt: holdMs };
  return [
    {
      name: `No target of ${outage.job} left and no request counted: the outage burns the ${slo.name} error budget and ${alert} fires after ${durationText(holdMs)}`,
      series: [up(`${outage.job}-other`, 1)],
      ...common,
    },
    {
      name: `Every target of ${outage.job} down (up == 0) and no request counted: the outage burns the ${slo.name} error budget and ${alert} fires after ${durationText(holdMs)}`,
      series: [up(outage.job, 0)],
      ...common,
    },
  ];
}

function upInstance(stack: ServiceStack, job: string): string {
  return `10.0.0.12:${stack.service.workloads.find((w) => w.job === job)?.port ?? 80}`;
}

export type LeStyle = 'python' | 'go';

export interface TrafficOptions {
  /** Bad events per interval. */
  readonly bad: number;
  /** All events per interval. */
  readonly total: number;
  readonly intervals: number;
  /** Counters that do not move (no traffic), held at the value they would have reached after an hour. */
  readonly flat: boolean;
  readonly style: LeStyle;
}

export type Traffic = (options: TrafficOptions) => InputSeriesModel[];

function counter(metric: string, labels: Labels, perInterval: number, o: TrafficOptions): InputSeriesModel {
  return o.flat
    ? piecewise(metric, labels, roundFloat(perInterval * 60), [{ perInterval: 0, intervals: o.intervals }])
    : piecewise(metric, labels, 0, [{ perInterval: roundFloat(perInterval), intervals: o.intervals }]);
}

/** The SLI's input series, per kind: realistic HTTP series for availability and latency, derived from the selectors for ratio SLIs. */
export function trafficModel(stack: ServiceStack, slo: Slo, where: string): Traffic {
  const requests = requestTrafficModel(stack, slo, where);
  const outage = slo.sli.outage;
  if (!outage) return requests;
  // Healthy targets throughout: the requests alone decide (an outage is outageScenarios' case).
  return (o) => [...requests(o), piecewise('up', { job: outage.job, instance: upInstance(stack, outage.job) }, 1, [{ perInterval: 0, intervals: o.intervals }])];
}

function requestTrafficModel(stack: ServiceStack, slo: Slo, where: string): Traffic {
  const { sli } = slo;
  const job = sli.job ?? 'invalid';
  const port = stack.service.workloads.find((w) => w.job === job)?.port ?? 80;
  const http = { job, instance: `10.0.0.12:${port}`, handler: '/api/v1/example', method: 'POST' };
  switch (sli.kind) {
    case 'availability':
      // 1% 404s (client errors count as good), bad events split 4:1 into 500s and 503s.
      return (o) => [
        counter('http_requests_total', { ...http, status: '200' }, o.total - o.bad - o.total / 100, o),
        counter('http_requests_total', { ...http, status: '404' }, o.total / 100, o),
        counter('http_requests_total', { ...http, status: '500' }, o.bad * 0.8, o),
        counter('http_requests_total', { ...http, status: '503' }, o.bad * 0.2, o),
      ];
    case 'latency': {
      const histogram = sli.histogram!;
      const { buckets } = histogram;
      const index = buckets.indexOf(histogram.threshold.seconds);
      if (index < 0) throw new Error(`${where}: threshold ${histogram.threshold.secondsText} is not a bucket bound of ${histogram.metric}`);
      const below = buckets[index - 1];
      const above = buckets[index + 1];
      // Half of the good requests are also under the bound below; half of the slow ones under the bound above.
      return (o) => {
        const good = o.total - o.bad;
        const bucket = (bound: number, count: number): InputSeriesModel =>
          counter(`${histogram.metric}_bucket`, { ...http, le: leText(bound, o.style) }, count, o);
        return [
          ...(below !== undefined ? [bucket(below, good / 2)] : []),
          bucket(histogram.threshold.seconds, good),
          ...(above !== undefined ? [bucket(above, good + o.bad / 2)] : []),
          bucket(Infinity, o.total),
          counter(`${histogram.metric}_count`, http, o.total, o),
        ];
      };
    }
    case 'ratio':
      return ratioTraffic(slo, where);
  }
}

/** `le` as the client writes it: Python's prometheus_client `5.0`, Go and JavaScript clients `5`. */
function leText(bound: number, style: LeStyle): string {
  if (bound === Infinity) return '+Inf';
  return style === 'python' && Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}

/**
 * Series for a ratio SLI, from its selectors: the partial selector (bad or good) gets one series with
 * label values satisfying its matchers; when that series is also selected by `total` (same metric), a
 * second series selected by `total` but not by the partial selector carries the other events.
 */
function ratioTraffic(slo: Slo, where: string): Traffic {
  const partialText = slo.sli.bad ?? slo.sli.good!;
  const partial = parseVectorSelector(partialText);
  const total = parseVectorSelector(slo.sli.total);
  if (!partial || !total) throw new Error(`${where}: the SLI selectors must be plain vector selectors`);
  const partialLabels = labelsSatisfying(partial, where);
  const partOfTotal = partial.metric === total.metric && matchesAll(partialLabels, total.matchers);
  const otherLabels = labelsSatisfying(total, where);
  if (partOfTotal && matchesAll(otherLabels, partial.matchers) && partial.metric === total.metric) {
    throw new Error(`${where}: found no series that '${slo.sli.total}' selects and '${partialText}' does not`);
  }
  return (o) => {
    const partialCount = slo.sli.bad !== undefined ? o.bad : o.total - o.bad;
    return partOfTotal
      ? [counter(partial.metric, partialLabels, partialCount, o), counter(total.metric, otherLabels, o.total - partialCount, o)]
      : [counter(partial.metric, partialLabels, partialCount, o), counter(total.metric, otherLabels, o.total, o)];
  };
}

/** Label values satisfying every matcher (regexes: the first of a few simple candidates that matches). */
function labelsSatisfying(selector: ParsedVectorSelector, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of selector.matchers) {
    if (m.op === '=') labels[m.label] = m.value;
  }
  for (const m of selector.matchers) {
    if (m.op !== '=~' || m.label in labels) continue;
    const value = regexCandidates(m.value).find((c) => c !== '' && matchesAll({ [m.label]: c }, [m]));
    if (value === undefined) throw new Error(`${where}: no label value for ${m.label}=~"${m.value}" in the test data; write the selector with '=' matchers`);
    labels[m.label] = value;
  }
  for (const m of selector.matchers) {
    if ((m.op === '!=' || m.op === '!~') && !matchesAll(labels, [m])) throw new Error(`${where}: the matchers on ${m.label} contradict each other`);
  }
  return labels;
}

function regexCandidates(pattern: string): string[] {
  const first = pattern.split('|')[0] ?? '';
  const simple = (p: string): string[] => {
    const stripped = p.replace(/[()^$]/g, '');
    return [
      stripped.replace(/\.\*/g, '').replace(/\\(.)/g, '$1').replace(/\./g, '0').replace(/[?*+]/g, ''),
      stripped.replace(/\\(.)/g, '$1').replace(/\.[*+?]|\.\{\d+(,\d*)?\}/g, 'x').replace(/\./g, '0').replace(/[?*+]/g, ''),
      stripped.replace(/\\(.)/g, '$1').replace(/\./g, 'x').replace(/[?*+]/g, ''),
      stripped.replace(/\\d/g, '0').replace(/\\(.)/g, '$1').replace(/\.[*+]/g, 'x').replace(/\./g, '0').replace(/[?*+]/g, ''),
    ];
  };
  return [...simple(first), ...simple(pattern), 'x', '0'];
}

/** The emulated recordings of one SLO on a scenario's series (lib/slo/rules.ts, evaluated as Prometheus 2.42 does). */
export class SloEmulation {
  private readonly errorsAt = new Map<number, number | undefined>();
  private readonly totalAt = new Map<number, number | undefined>();
  private readonly partial?: ParsedVectorSelector;
  private readonly total: ParsedVectorSelector;

  constructor(private readonly store: SeriesStore, private readonly slo: Slo, private readonly where: string) {
    const partial = slo.sli.bad ?? slo.sli.good;
    const total = parseVectorSelector(slo.sli.total);
    if (!total) throw new Error(`${where}: '${slo.sli.total}' is not a plain vector selector`);
    this.total = total;
    if (partial !== undefined) this.partial = parseVectorSelector(partial);
  }

  /** `slo:sli_errors:rate5m` at t (errorsRateExpr). */
  errors(t: number): number | undefined {
    // Every evaluation reads these a few times: one lookup when known.
    const known = this.errorsAt.get(t);
    if (known !== undefined || this.errorsAt.has(t)) return known;
    if (this.inOutage(t)) this.errorsAt.set(t, this.totalRate(t));
    if (!this.errorsAt.has(t)) {
      const total = this.totalRate(t);
      const part = this.partial ? this.sumOfRates(this.partial, t) : undefined;
      let value: number | undefined;
      if (this.slo.sli.bad !== undefined) value = part ?? (total === undefined ? undefined : 0 * total);
      else if (this.slo.sli.kind === 'latency') value = total === undefined || part === undefined ? undefined : total - part;
      else {
        const good = part ?? (total === undefined ? undefined : 0 * total);
        value = total === undefined || good === undefined ? undefined : total - good;
      }
      this.errorsAt.set(t, value);
    }
    return this.errorsAt.get(t);
  }

  /** `slo:sli_total:rate5m` at t. */
  totalRate(t: number): number | undefined {
    const known = this.totalAt.get(t);
    if (known !== undefined || this.totalAt.has(t)) return known;
    this.totalAt.set(t, this.inOutage(t) ? this.outageRate(t) : this.sumOfRates(this.total, t));
    return this.totalAt.get(t);
  }

  /** `max by (job) (up{job}) == 0 or absent(up{job})` at t, for SLIs with an outage term. */
  private inOutage(t: number): boolean {
    const outage = this.slo.sli.outage;
    if (!outage) return false;
    this.upSeries ??= this.store.select('up', eq('job', outage.job));
    const values = this.upSeries.map((s) => this.store.instant(s, t)).filter((v): v is number => v !== undefined);
    return values.length === 0 || Math.max(...values) === 0;
  }

  private upSeries?: LoadedSeries[];

  /**
   * `clamp_min(sum by () (avg_over_time(<total rate>[1d])) or on() vector(0), 1 / 60)`: the recorded total
   * rates before t (the rule's own sample at t is not written yet), averaged, at least one a minute.
   */
  private outageRate(t: number): number {
    const step = this.store.intervalMs;
    const recorded: number[] = [];
    for (let i = Math.max(0, Math.ceil((t - SLO_OUTAGE_HISTORY.seconds * 1000) / step)); i * step < t; i++) {
      const v = this.totalRate(i * step);
      if (v !== undefined) recorded.push(v);
    }
    const average = recorded.length === 0 ? 0 : kahanSum(recorded) / recorded.length;
    return Math.max(average, 1 / 60);
  }

  /** `slo:sli_error:ratio_rate<w>` (or the period ratio) at t: a ratio of sums of the recorded rates. */
  ratio(windowMs: number, t: number): number | undefined {
    if (windowMs === SLO_BASE_WINDOW.seconds * 1000) {
      const errors = this.errors(t);
      const total = this.totalRate(t);
      return errors === undefined || total === undefined ? undefined : errors / total;
    }
    const step = this.store.intervalMs;
    const first = Math.max(0, Math.ceil((t - windowMs) / step));
    const last = Math.floor(t / step);
    // Windows reaching back to t=0 (every long window in these hours-long scenarios) are prefixes of
    // one running Kahan sum: the same additions in the same order as summing them anew, so the same bits.
    if (first === 0) return this.prefixRatio(last);
    this.recordUpTo(last);
    const e = this.errorsSteps.windowSum(first, last);
    const n = this.totalsSteps.windowSum(first, last);
    return e === undefined || n === undefined ? undefined : e / n;
  }

  /** errors() and totalRate() at every evaluation, by index, with their runs of equal values. */
  private readonly errorsSteps = new RecordedSteps();
  private readonly totalsSteps = new RecordedSteps();

  private recordUpTo(last: number): void {
    for (let i = this.errorsSteps.length; i <= last; i++) {
      this.errorsSteps.push(this.errors(i * this.store.intervalMs));
      this.totalsSteps.push(this.totalRate(i * this.store.intervalMs));
    }
  }

  private readonly errorsPrefix = new KahanPrefix();
  private readonly totalsPrefix = new KahanPrefix();

  /** The window [0, last × interval] from the running sums, extended as far as needed. */
  private prefixRatio(last: number): number | undefined {
    const step = this.store.intervalMs;
    for (let i = this.errorsPrefix.length; i <= last; i++) {
      this.errorsPrefix.push(this.errors(i * step));
      this.totalsPrefix.push(this.totalRate(i * step));
    }
    const errors = this.errorsPrefix.sumUpTo(last);
    const totals = this.totalsPrefix.sumUpTo(last);
    return errors === undefined || totals === undefined ? undefined : errors / totals;
  }

  /** The tier's alert expression at t: long-window ratio > threshold and short-window ratio > threshold. */
  alertSamples(tier: SloTier, t: number, labels: Labels): ResultSample[] {
    const long = this.ratio(tier.longWindow.seconds * 1000, t);
    const short = this.ratio(tier.shortWindow.seconds * 1000, t);
    if (long === undefined || short === undefined) return [];
    // `(14.4 * 0.001)` as Prometheus multiplies the two literals.
    const threshold = this.thresholdOf(tier);
    const value = this.nearly(long);
    if (!compare(value, '>', threshold, this.where) || !compare(this.nearly(short), '>', threshold, this.where)) return [];
    return [{ labels: this.sampleLabels(tier, labels), value }];
  }

  private readonly nearlyOf = new Map<number, Possible>();

  /**
   * {@link nearly}, the same object for the same ratio: a constant burn reads the same ratios at every
   * evaluation, and AlertSimulation expands a sample it saw last without looking it up again.
   */
  private nearly(value: number): Possible {
    // Zero is left uncached: a Map keys -0 and 0 alike.
    if (value === 0) return nearly(value);
    let possible = this.nearlyOf.get(value);
    if (possible === undefined) {
      possible = nearly(value);
      this.nearlyOf.set(value, possible);
    }
    return possible;
  }

  private readonly labelsOfTier = new Map<SloTier, { readonly of: Labels; readonly labels: Labels }>();

  /** The alert sample's labels, the same object at every evaluation (AlertSimulation keys its expansions by them). */
  private sampleLabels(tier: SloTier, labels: Labels): Labels {
    const known = this.labelsOfTier.get(tier);
    if (known?.of === labels) return known.labels;
    const sample = { __name__: SLO_RECORDS.errorRatio(tier.longWindow), ...labels };
    this.labelsOfTier.set(tier, { of: labels, labels: sample });
    return sample;
  }

  private readonly thresholds = new Map<SloTier, number>();

  /** `(factor * budget)` as Prometheus multiplies the two literals of the rule, once per tier. */
  private thresholdOf(tier: SloTier): number {
    let threshold = this.thresholds.get(tier);
    if (threshold === undefined) {
      threshold = Number(num(tier.factor)) * Number(num(errorBudget(this.slo)));
      this.thresholds.set(tier, threshold);
    }
    return threshold;
  }

  private readonly selected = new Map<ParsedVectorSelector, LoadedSeries[]>();

  private sumOfRates(selector: ParsedVectorSelector, t: number): number | undefined {
    let series = this.selected.get(selector);
    if (!series) {
      series = this.store.select(selector.metric, ...selector.matchers);
      this.selected.set(selector, series);
    }
    // The defined rates added in series order, from the first (as `reduce` without an initial value).
    let total: number | undefined;
    for (const s of series) {
      const rate = this.store.rate(s, t, SLO_BASE_WINDOW.seconds * 1000);
      if (rate !== undefined) total = total === undefined ? rate : total + rate;
    }
    return total;
  }
}

/**
 * One recording at every evaluation (undefined where it has no sample), for `sum_over_time` over windows
 * of it: kahanSum of the defined values in the window, in time order. A constant burn records the same
 * rate at almost every evaluation, and kahanSum of k copies of one value is the k-th prefix of a running
 * sum of copies, the same additions in the same order: such windows cost a lookup instead of k additions.
 */
class RecordedSteps {
  private readonly values: (number | undefined)[] = [];
  /** Where the run of equal defined values ending at i starts (i + 1 when values[i] is undefined). */
  private readonly runStarts: number[] = [];
  private readonly copies = new Map<number, KahanPrefix>();

  get length(): number {
    return this.values.length;
  }

  push(v: number | undefined): void {
    const i = this.values.length;
    const previous = i > 0 ? this.values[i - 1] : undefined;
    this.runStarts.push(v === undefined ? i + 1 : previous !== undefined && Object.is(previous, v) ? this.runStarts[i - 1]! : i);
    this.values.push(v);
  }

  /** kahanSum of the defined values among [first, last]; undefined when there is none. */
  windowSum(first: number, last: number): number | undefined {
    const v = this.values[last];
    // Zero is left to the loop: a Map keys -0 and 0 alike.
    if (v !== undefined && v !== 0 && this.runStarts[last]! <= first) {
      let copies = this.copies.get(v);
      if (!copies) {
        copies = new KahanPrefix();
        this.copies.set(v, copies);
      }
      for (let k = copies.length; k <= last - first; k++) copies.push(v);
      return copies.sumUpTo(last - first);
    }
    const sum = new KahanSum();
    for (let i = first; i <= last; i++) sum.add(this.values[i]);
    return sum.result();
  }
}

/**
 * A value known up to float noise: `sum by ()` adds series in promtool's (random) order, so the last
 * bits may differ between runs. Comparisons and annotations must come out the same anywhere in ±1e-9.
 */
function nearly(value: number): Possible {
  return Number.isNaN(value) ? { value, alternatives: [value] } : { value, alternatives: [value, value * (1 - 1e-9), value * (1 + 1e-9)] };
}

function resolveSloScenario(stack: ServiceStack, platform: PlatformConfig, slo: Slo, scenario: SloScenario): PromtoolTestGroup {
  const intervalMs = parseInterval(platform);
  const { service } = stack;
  const where = `${service.name}: SLO ${slo.name}: scenario "${scenario.name}"`;
  const store = new SeriesStore(scenario.series, intervalMs);
  const emulation = new SloEmulation(store, slo, where);
  const labels = sloLabels(service, slo);
  const tests = new TestCollector();

  const simulate = (tier: SloTier): { name: string; simulation: AlertSimulation } => {
    const rule = burnRateAlert(stack, slo, tier, platform);
    return {
      name: rule.alert,
      simulation: new AlertSimulation((t) => emulation.alertSamples(tier, t, labels), { alertName: rule.alert, rule, intervalMs, forMs: tier.for.seconds * 1000 }),
    };
  };

  for (const tier of scenario.fires) {
    const { name, simulation } = simulate(tier);
    const holdMs = ceilToInterval(tier.for.seconds * 1000, intervalMs);
    tests.provesFiring(name, simulation, scenario.conditionTrueAt ?? intervalMs, holdMs, intervalMs, where);
  }
  for (const tier of scenario.silent) {
    const { name, simulation } = simulate(tier);
    for (const t of scenario.checkAt) tests.provesSilent(name, simulation, t, where);
  }

  if (scenario.budgetAt !== undefined && scenario.burn !== undefined) {
    const t = scenario.budgetAt;
    const budget = Number(num(errorBudget(slo)));
    const period = emulation.ratio(slo.period.seconds * 1000, t);
    const remaining = period === undefined ? undefined : 1 - period / budget;
    const expected = roundFloat(1 - scenario.burn);
    if (remaining === undefined || Math.abs(remaining - expected) > 1e-9) {
      throw new Error(`${where}: the error budget remaining is ${remaining} at ${durationText(t)} by emulation, not 1 - ${scenario.burn} = ${expected}`);
    }
    // promtool 2.42 compares sample values exactly (no fuzzy_compare): check closeness in PromQL, expecting 1.
    const minus = expected < 0 ? `+ ${num(-expected)}` : `- ${num(expected)}`;
    tests.expr(`abs(${sloSeries(SLO_RECORDS.budgetRemaining, service, slo)} ${minus}) < bool 1e-06`, t, [{ labels: seriesSelectorText('', labels), value: 1 }]);
    if (scenario.constants) {
      tests.expr(sloSeries(SLO_RECORDS.objective, service, slo), t, [{ labels: seriesSelectorText(SLO_RECORDS.objective, labels), value: slo.objective.value }]);
      tests.expr(sloSeries(SLO_RECORDS.errorBudget, service, slo), t, [{ labels: seriesSelectorText(SLO_RECORDS.errorBudget, labels), value: budget }]);
    }
  }

  return {
    name: scenario.name,
    interval: platform.evaluationInterval,
    input_series: scenario.series.map((s) => ({ series: seriesSelectorText(s.metric, s.labels), values: seriesValuesText(s) })),
    alert_rule_test: tests.alerts,
    promql_expr_test: tests.exprs,
  };
}

/** Alert and expression tests of one promtool test group, each (alert or expression, time) once. */
class TestCollector {
  readonly alerts: PromtoolAlertTest[] = [];
  readonly exprs: PromtoolExprTest[] = [];
  private readonly seen = new Set<string>();

  /**
   * The alert's condition first holds at `conditionTrueAt` and it fires `holdMs` later (both checked
   * against the emulation): not pending one evaluation before, pending then; not firing at the last
   * evaluation before `for` has elapsed, firing with exact labels and annotations at the first after.
   */
  provesFiring(name: string, simulation: AlertSimulation, conditionTrueAt: number, holdMs: number, intervalMs: number, where: string): void {
    const actual = simulation.firstTimeWhere((alerts) => alerts.length > 0, conditionTrueAt + holdMs);
    if (actual !== conditionTrueAt) {
      throw new Error(`${where}: ${name}'s condition first holds at ${show(actual)} by emulation, not at ${durationText(conditionTrueAt)} as worked out`);
    }
    const firesAt = simulation.firstTimeWhere((alerts) => alerts.some((a) => a.state === 'firing'), conditionTrueAt + holdMs);
    if (firesAt !== conditionTrueAt + holdMs) {
      throw new Error(`${where}: ${name} first fires at ${show(firesAt)} by emulation, not at ${durationText(conditionTrueAt + holdMs)}`);
    }
    if (conditionTrueAt - intervalMs >= 0) this.alertsSeries(name, simulation, conditionTrueAt - intervalMs);
    this.alertsSeries(name, simulation, conditionTrueAt);
    if (firesAt - intervalMs >= 0) this.alertTest(name, simulation, firesAt - intervalMs);
    this.alertTest(name, simulation, firesAt);
  }

  provesSilent(name: string, simulation: AlertSimulation, t: number, where: string): void {
    const alerts = simulation.at(t);
    if (alerts.length > 0) throw new Error(`${where}: ${name} is ${alerts[0]!.state} at ${durationText(t)} by emulation, but must stay silent`);
    this.alertTest(name, simulation, t);
    this.alertsSeries(name, simulation, t);
  }

  expr(expr: string, t: number, samples: PromtoolExprTest['exp_samples']): void {
    if (this.once(`expr ${expr} ${t}`)) this.exprs.push({ expr, eval_time: durationText(t), exp_samples: samples });
  }

  private alertTest(name: string, simulation: AlertSimulation, t: number): void {
    if (!this.once(`alert ${name} ${t}`)) return;
    this.alerts.push({ eval_time: durationText(t), alertname: name, exp_alerts: simulation.at(t).filter((a) => a.state === 'firing').map(expectedAlert) });
  }

  private alertsSeries(name: string, simulation: AlertSimulation, t: number): void {
    this.expr(`ALERTS{alertname=${JSON.stringify(name)}}`, t, simulation.at(t).map((a) => ({
      labels: seriesSelectorText('ALERTS', { ...a.labels, alertname: name, alertstate: a.state }),
      value: 1,
    })));
  }

  private once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

/**
 * The meta-alert: `sum by (rule_group) (increase(prometheus_rule_group_iterations_missed_total{rule_group=~".*;(<slo groups>)"}[1h])) > 0`.
 * Prometheus labels the counter `rule_group="<rule file>;<group>"`; the operator picks the file name, so
 * the data uses one as it writes them. The SLO-long group's counter steps from 0 to 1 at 10 intervals:
 * increase() over the hour is exactly 1 from then on (the zero-point rule: no extrapolation before a
 * counter's zero), so the alert (for: 0s) fires at once. Another group skipping evaluations does not count.
 */
function missedIterationsTestGroups(stack: ServiceStack, platform: PlatformConfig): PromtoolTestGroup[] {
  const intervalMs = parseInterval(platform);
  const { service } = stack;
  const names = sloGroupNames(service);
  const rule = missedIterationsAlert(stack, platform);
  const alertName = sloMetaAlertName(service);
  const file = `/etc/prometheus/rules/prometheus-kube-prometheus-stack-prometheus-rulefiles-0/${service.namespace}-${service.name}-0d7f8a4e.yaml`;
  const stepAt = 10;
  const intervals = 20;
  const prometheus = { job: 'prometheus-k8s', instance: '10.0.0.2:9090' };
  const series = (stepping: string): InputSeriesModel[] => [names.short, names.long, `${service.name}-other`].map((group) =>
    piecewise('prometheus_rule_group_iterations_missed_total', { ...prometheus, rule_group: `${file};${group}` }, 0, group === stepping
      ? [{ perInterval: 0, intervals: stepAt - 1 }, { perInterval: 1, intervals: 1 }, { perInterval: 0, intervals: intervals - stepAt }]
      : [{ perInterval: 0, intervals }]));
  const matcher = parseVectorSelector(missedIterationsSelector(service));
  if (!matcher) throw new Error(`${service.name}: cannot read the selector of ${alertName}`);
  const evaluate = (store: SeriesStore, t: number): ResultSample[] => {
    const byGroup = new Map<string, number[]>();
    for (const s of store.select(matcher.metric, ...matcher.matchers)) {
      const increase = store.increase(s, t, 3600_000);
      if (increase !== undefined) byGroup.set(s.labels.rule_group!, [...(byGroup.get(s.labels.rule_group!) ?? []), increase]);
    }
    return [...byGroup].flatMap(([group, values]) => {
      const total = values.reduce((a, b) => a + b);
      return total > 0 ? [{ labels: { rule_group: group }, value: { value: total, alternatives: [total] } }] : [];
    });
  };
  const group = (name: string, stepping: string, fires: boolean): PromtoolTestGroup => {
    const input = series(stepping);
    const store = new SeriesStore(input, intervalMs);
    const simulation = new AlertSimulation((t) => evaluate(store, t), { alertName, rule, intervalMs, forMs: 0 });
    const tests = new TestCollector();
    const at = stepAt * intervalMs;
    if (fires) tests.provesFiring(alertName, simulation, at, 0, intervalMs, `${service.name}: ${name}`);
    else for (const t of [at, intervals * intervalMs]) tests.provesSilent(alertName, simulation, t, `${service.name}: ${name}`);
    return {
      name,
      interval: platform.evaluationInterval,
      input_series: input.map((s) => ({ series: seriesSelectorText(s.metric, s.labels), values: seriesValuesText(s) })),
      alert_rule_test: tests.alerts,
      promql_expr_test: tests.exprs,
    };
  };
  return [
    group(`${alertName} fires when rule group ${names.long} skips an evaluation`, names.long, true),
    group(`${alertName} stays silent when only a rule group other than the SLO groups skips evaluations`, `${service.name}-other`, false),
  ];
}

/** Rounds up to three significant digits: 14.976 → 15, 6.24 → 6.24, 3.4944 → 3.5. */
export function niceCeil(x: number): number {
  const step = 10 ** Math.floor(Math.log10(x)) / 100;
  return roundFloat(Math.ceil(roundFloat(x / step)) * step);
}

/** Rounds down to two significant digits: 0.9 → 0.9, 0.2097 → 0.2. */
export function niceFloor(x: number): number {
  const step = 10 ** Math.floor(Math.log10(x)) / 10;
  return roundFloat(Math.floor(roundFloat(x / step)) * step);
}

/** `of requests failing`, as a continuation of a percentage. */
function badShare(slo: Slo): string {
  switch (slo.sli.kind) {
    case 'availability':
      return 'of requests failing';
    case 'latency':
      return `of requests slower than ${slo.sli.histogram?.threshold.secondsText ?? 'the threshold'}`;
    case 'ratio':
      return 'bad events';
  }
}

function unique(times: readonly number[]): number[] {
  return [...new Set(times)].sort((a, b) => a - b);
}

function show(t: number | undefined): string {
  return t === undefined ? 'never' : durationText(t);
}
