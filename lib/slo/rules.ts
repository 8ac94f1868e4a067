import { SRE_WORKBOOK_TIERS } from '../core/burn-rate-policy.js';
import type { PlatformConfig } from '../core/platform.js';
import type { Service } from '../core/service.js';
import { runbookLevel } from '../core/severity.js';
import type { Slo, SloTier } from '../core/slo.js';
import type { ServiceStack } from '../core/stack.js';
import { Duration, roundFloat } from '../core/units.js';
import { eq, num, re, selector } from '../promql/selector.js';
import type { AlertingRule, RecordingRule, RuleGroup } from '../render/prometheus/rule-types.js';
import { runbookUrl } from '../render/runbook/anchor.js';
import { errorBudget, sloTierLevel } from './define-slo.js';
import { SLO_RECORDS } from './names.js';

/**
 * Prometheus rules of the SLO engine: recordings + multiwindow, multi-burn-rate alerts (SRE Workbook,
 * "Alerting on SLOs"), one set per SLO, in three groups per service:
 *
 * - `<service>-slo` (platform interval, 1m): per SLO the SLI's error and total RATES over the base window
 *   (5m), recorded separately, then the error ratio over every short window (5m, 30m, 1h, 2h, 6h) built
 *   from those two recordings, then the page alerts, which read only this group's fresh recordings.
 * - `<service>-slo-long` (5m): the 1d, 3d and whole-period error ratios, the error-budget metadata and
 *   the ticket alerts. Summing a day or a month of samples every minute would be wasted work, and tickets
 *   do not need minute resolution.
 * - `<service>-slo-meta`: an alert when either SLO group skips evaluations.
 *
 * Cost and accuracy. Only the two base recordings touch the raw series (5m of every matching series,
 * once per minute); every longer window is `sum_over_time` over ONE pre-aggregated series per SLO:
 *
 *   ratio(w) = sum_over_time(errors_rate5m[w]) / sum_over_time(total_rate5m[w])
 *
 * Each recorded rate is an average over its 5m, sampled every minute, so the sums of the two are each
 * proportional to the events in the window and their quotient is bad events / all events, weighted by
 * traffic — the SLI's definition. Averaging the 5m *ratios* instead (avg_over_time of ratio_rate5m)
 * would give a quiet 5 minutes (1 failure in 10 requests: 10%) as much weight as a busy one (0.1% of
 * 100 000), biasing every long window towards quiet periods when traffic is spiky; summing rates does not.
 * What it costs in accuracy:
 * - no window shorter than the base (5m) can be built, and each window w reaches 5m further back than w
 *   (its first recording looks back 5m);
 * - after a restart of Prometheus, or for a new SLO, the recordings start empty: until a window is full,
 *   its ratio covers only the time recorded so far (an error burst in the first minutes counts fully), and
 *   minutes when Prometheus was down are missing from every window rather than counted;
 * - the period ratio and budget remaining need the recordings retained for the whole period (30d);
 *   with a shorter retention they cover the retention only.
 * With no traffic every ratio is 0/0 = NaN, which no comparison matches: nothing fires — while the job
 * has healthy targets. Without any (availability SLIs, and ratio SLIs with `outageOf`), time counts as
 * failed requests at the usual rate (`outageRateExpr`), so a full outage burns the budget.
 */
export const SLO_BASE_WINDOW: Duration = Duration.ofSeconds(300);
/** Windows of at least this length are recorded in the long group. */
export const SLO_LONG_WINDOW_FROM: Duration = Duration.ofSeconds(86400);
/** Interval of the long group (never shorter than the platform's evaluation interval). */
export const SLO_LONG_GROUP_INTERVAL: Duration = Duration.ofSeconds(300);

export interface SloGroupNames {
  readonly short: string;
  readonly long: string;
  readonly meta: string;
}

export function sloGroupNames(service: Pick<Service, 'name'>): SloGroupNames {
  return { short: `${service.name}-slo`, long: `${service.name}-slo-long`, meta: `${service.name}-slo-meta` };
}

/** `<AlertPrefix><SloPascal>BurnRate<TierPascal>`, e.g. `HarveyAvailabilityBurnRatePageFast`. */
export function sloAlertName(service: Pick<Service, 'alertPrefix'>, slo: Pick<Slo, 'name'>, tier: Pick<SloTier, 'id'>): string {
  return `${service.alertPrefix}${pascal(slo.name)}BurnRate${pascal(tier.id)}`;
}

/** `<AlertPrefix>SloRuleGroupMissedIterations`. */
export function sloMetaAlertName(service: Pick<Service, 'alertPrefix'>): string {
  return `${service.alertPrefix}SloRuleGroupMissedIterations`;
}

/** Labels of every SLO series: `service`, `slo` and the SLO's own labels. */
export function sloLabels(service: Pick<Service, 'name'>, slo: Pick<Slo, 'name' | 'labels'>): Record<string, string> {
  return { service: service.name, slo: slo.name, ...slo.labels };
}

/** A recorded SLO series of one SLO: `slo:sli_error:ratio_rate1h{service="...",slo="..."}`. */
export function sloSeries(record: string, service: Pick<Service, 'name'>, slo: Pick<Slo, 'name'>): string {
  return selector(record, eq('service', service.name), eq('slo', slo.name));
}

/** Every window whose error ratio is recorded: the base and the windows of all Workbook tiers, shortest first. */
export function sloWindows(slo: Pick<Slo, 'tiers'>): Duration[] {
  const all = [SLO_BASE_WINDOW, ...SRE_WORKBOOK_TIERS.flatMap((t) => [t.shortWindow, t.longWindow]), ...slo.tiers.flatMap((t) => [t.shortWindow, t.longWindow])];
  const bySeconds = new Map(all.map((w) => [w.seconds, w]));
  return [...bySeconds.values()].sort((a, b) => a.seconds - b.seconds);
}

export const isLongWindow = (window: Duration): boolean => window.seconds >= SLO_LONG_WINDOW_FROM.seconds;
/** A tier is evaluated with the group that records its long window. */
export const isLongTier = (tier: Pick<SloTier, 'longWindow'>): boolean => isLongWindow(tier.longWindow);

/**
 * Per-second rate of bad events over the base window, from the SLI's selectors; during an outage
 * (`sli.outage`: no healthy target) the outage rate instead, see {@link outageRateExpr}.
 */
export function errorsRateExpr(service: Pick<Service, 'name'>, slo: Pick<Slo, 'name' | 'sli'>): string {
  return withOutage(service, slo, requestErrorsRateExpr(slo));
}

/** Per-second rate of all events over the base window (the outage rate during an outage). */
export function totalRateExpr(service: Pick<Service, 'name'>, slo: Pick<Slo, 'name' | 'sli'>): string {
  return withOutage(service, slo, `sum by () (rate(${slo.sli.total}[${SLO_BASE_WINDOW.text}]))`);
}

function requestErrorsRateExpr(slo: Pick<Slo, 'sli'>): string {
  const w = SLO_BASE_WINDOW.text;
  const rate = (s: string): string => `sum by () (rate(${s}[${w}]))`;
  const { sli } = slo;
  if (sli.bad !== undefined) {
    // A client creates the series of a label set only when it first counts one (prometheus_client does so
    // for `status="500"`): without any 5xx yet, `bad` has no series, and errors are 0 — not "no data" —
    // whenever there is traffic. Without traffic, both sides are empty and so is the result.
    return `${rate(sli.bad)} or 0 * ${rate(sli.total)}`;
  }
  if (sli.kind === 'latency') {
    // The `le` bucket and `_count` are series of the same histogram, exposed together: no fallback needed.
    return `${rate(sli.total)} - ${rate(sli.good!)}`;
  }
  return `${rate(sli.total)} - (${rate(sli.good!)} or 0 * ${rate(sli.total)})`;
}

/**
 * Events per second an outage counts as bad when nothing answers, as a floor: one a minute. An idle
 * service that goes down is down too (the runbooks' targets are uptime targets), and a new SLO has no
 * history to take the usual rate from.
 */
export const SLO_OUTAGE_MIN_RATE = '1 / 60';
/** How far back the usual request rate of an outage is taken from. */
export const SLO_OUTAGE_HISTORY: Duration = Duration.ofSeconds(86400);

/**
 * `max by (job) (up{job}) == 0 or absent(up{job})`: the job has no healthy target, the same condition
 * as the targetDown alert (a job with no target left at all counts as down).
 */
export function noHealthyTargetExpr(job: string): string {
  const up = selector('up', eq('job', job));
  return `(max by (job) (${up}) == 0 or absent(${up}))`;
}

/**
 * Why an outage needs its own term. A request-based SLI counts what the application itself records;
 * when no target answers, nothing is recorded, every rate is 0/0 and no budget burns, however long the
 * outage. So while the job has no healthy target (from `up`, which Prometheus writes for every target
 * whatever the application does, and absent counting as down), both recordings take the **usual
 * request rate** — the average of the SLO's own recorded total rate over the last day, at least
 * {@link SLO_OUTAGE_MIN_RATE} — as bad events: the requests that would have come in, all failed. Long
 * windows then weigh outage minutes like the minutes around them (a 10-minute outage of a service at
 * 20 req/s is 10 × 60 × 20 failed requests), where a constant would under- or over-weigh them.
 * `up` was chosen over the ingress controller's counters (`nginx_ingress_controller_requests`, which see
 * the 502/503 users get) because every service has `up` for every workload, with or without an ingress
 * (Harven runs on docker-compose); an SLO over ingress counters can be declared as a ratio SLI.
 * The outage wins over the request rates (`or on()`): for 5m after the last scrape the rates still
 * read the samples before it. A single replica down among healthy ones is not an outage: the others'
 * requests count as usual.
 */
export function outageRateExpr(service: Pick<Service, 'name'>, slo: Pick<Slo, 'name'>): string {
  const history = sloSeries(SLO_RECORDS.totalRate(SLO_BASE_WINDOW), service, slo);
  return `clamp_min(sum by () (avg_over_time(${history}[${rangeText(SLO_OUTAGE_HISTORY)}])) or on() vector(0), ${SLO_OUTAGE_MIN_RATE})`;
}

function withOutage(service: Pick<Service, 'name'>, slo: Pick<Slo, 'name' | 'sli'>, requests: string): string {
  const outage = slo.sli.outage;
  if (!outage) return requests;
  return `(${outageRateExpr(service, slo)} and on() ${noHealthyTargetExpr(outage.job)}) or on() (${requests})`;
}

/** The error ratio over `window` (the base window or longer), from the two base recordings. */
export function errorRatioExpr(service: Pick<Service, 'name'>, slo: Pick<Slo, 'name'>, window: Duration): string {
  const errors = sloSeries(SLO_RECORDS.errorsRate(SLO_BASE_WINDOW), service, slo);
  const total = sloSeries(SLO_RECORDS.totalRate(SLO_BASE_WINDOW), service, slo);
  if (window.seconds === SLO_BASE_WINDOW.seconds) return `${errors} / ${total}`;
  if (window.seconds < SLO_BASE_WINDOW.seconds) throw new Error(`an error ratio over ${window.text} cannot be built from ${SLO_BASE_WINDOW.text} rates`);
  return `sum_over_time(${errors}[${rangeText(window)}]) / sum_over_time(${total}[${rangeText(window)}])`;
}

/** Both windows' error ratio above `factor × budget`: `slo:sli_error:ratio_rate1h{...} > (14.4 * 0.001) and ...`. */
export function burnRateAlertExpr(service: Pick<Service, 'name'>, slo: Slo, tier: SloTier): string {
  const threshold = `(${num(tier.factor)} * ${num(errorBudget(slo))})`;
  const ratio = (w: Duration): string => sloSeries(SLO_RECORDS.errorRatio(w), service, slo);
  return `${ratio(tier.longWindow)} > ${threshold} and ${ratio(tier.shortWindow)} > ${threshold}`;
}

/** The error ratio a tier fires above: factor × (1 - objective). */
export function burnRateThreshold(slo: Slo, tier: SloTier): number {
  return roundFloat(tier.factor * errorBudget(slo));
}

/** How long the whole budget lasts at the tier's factor: `period / factor` (= longWindow / budgetConsumed). */
export function timeToExhaustion(slo: Slo, tier: SloTier): Duration {
  return Duration.ofSeconds(Math.round(slo.period.seconds / tier.factor));
}

export function sloRuleGroups(stack: ServiceStack, platform: PlatformConfig): RuleGroup[] {
  const slos = stack.slos ?? [];
  if (slos.length === 0) return [];
  const { service } = stack;
  const names = sloGroupNames(service);
  const short: (RecordingRule | AlertingRule)[] = [];
  const long: (RecordingRule | AlertingRule)[] = [];
  for (const slo of slos) {
    const labels = sloLabels(service, slo);
    const record = (name: string, expr: string): RecordingRule => ({ record: name, expr, labels });
    short.push(record(SLO_RECORDS.errorsRate(SLO_BASE_WINDOW), errorsRateExpr(service, slo)));
    short.push(record(SLO_RECORDS.totalRate(SLO_BASE_WINDOW), totalRateExpr(service, slo)));
    for (const window of sloWindows(slo)) {
      (isLongWindow(window) ? long : short).push(record(SLO_RECORDS.errorRatio(window), errorRatioExpr(service, slo, window)));
    }
    const budget = num(errorBudget(slo));
    long.push(
      record(SLO_RECORDS.periodErrorRatio, errorRatioExpr(service, slo, slo.period)),
      record(SLO_RECORDS.objective, `vector(${num(slo.objective.value)})`),
      record(SLO_RECORDS.errorBudget, `vector(${budget})`),
      // Bad events so far over the bad events the period allows: 1 untouched, 0 spent, negative overspent.
      record(SLO_RECORDS.budgetRemaining, `1 - ${sloSeries(SLO_RECORDS.periodErrorRatio, service, slo)} / ${budget}`),
    );
    for (const tier of slo.tiers) (isLongTier(tier) ? long : short).push(burnRateAlert(stack, slo, tier, platform));
  }
  return [
    { name: names.short, interval: platform.evaluationInterval, rules: short },
    { name: names.long, interval: longGroupInterval(platform), rules: long },
    { name: names.meta, interval: platform.evaluationInterval, rules: [missedIterationsAlert(stack, platform)] },
  ];
}

export function burnRateAlert(stack: ServiceStack, slo: Slo, tier: SloTier, platform: PlatformConfig): AlertingRule {
  const { service } = stack;
  const name = sloAlertName(service, slo, tier);
  const budget = errorBudget(slo);
  const threshold = percent(burnRateThreshold(slo, tier));
  const factor = num(tier.factor);
  return {
    alert: name,
    expr: burnRateAlertExpr(service, slo, tier),
    for: tier.for.text,
    labels: {
      severity: tier.severity,
      sev: sloTierLevel(tier),
      service: service.name,
      team: service.team,
      slo: slo.name,
      notify: tier.notify,
      ...slo.labels,
    },
    annotations: {
      summary: `${service.title} ${slo.name} SLO: error budget burning at over ${factor}x the sustainable rate`,
      description: `{{ $value | humanizePercentage }} of ${service.title} ${badEvents(slo)} over the last ${tier.longWindow.text}, ` +
        `and more than ${threshold} over the last ${tier.shortWindow.text}; the ${slo.name} SLO allows ${percent(budget)} ` +
        `(objective ${slo.objective} over ${humanDuration(slo.period)}). Burning the error budget over ${factor}x faster than ` +
        `sustainable spends ${percent(tier.budgetConsumed)} of it within ${tier.longWindow.text} and all of it within ` +
        `${humanDuration(timeToExhaustion(slo, tier))}.`,
      runbook_url: runbookUrl(platform.runbookBaseUrl, service.name, name),
    },
  };
}

/** What a bad event is, as a sentence end: `requests failed (5xx)`, `requests took longer than 5s`. */
export function badEvents(slo: Pick<Slo, 'sli'>): string {
  switch (slo.sli.kind) {
    case 'availability':
      return 'requests failed (5xx, or no healthy target)';
    case 'latency':
      return `requests took longer than ${slo.sli.histogram?.threshold.secondsText ?? 'the threshold'}`;
    case 'ratio':
      return 'events were bad';
  }
}

/** `rule_group` is `<rule file>;<group>` in Prometheus, and the operator names the file, so groups are matched by suffix. */
export function missedIterationsSelector(service: Pick<Service, 'name'>): string {
  const names = sloGroupNames(service);
  const groups = [names.short, names.long].map(escapeRegex).join('|');
  return selector('prometheus_rule_group_iterations_missed_total', re('rule_group', `.*;(${groups})`));
}

export function missedIterationsExpr(service: Pick<Service, 'name'>): string {
  return `sum by (rule_group) (increase(${missedIterationsSelector(service)}[1h])) > 0`;
}

export function missedIterationsAlert(stack: ServiceStack, platform: PlatformConfig): AlertingRule {
  const { service } = stack;
  const name = sloMetaAlertName(service);
  return {
    alert: name,
    expr: missedIterationsExpr(service),
    // Each skipped evaluation is a fact, not a flapping condition; `increase(...[1h])` keeps it for an hour.
    for: '0s',
    labels: { severity: 'warning', sev: runbookLevel(service.sevVocabulary ?? 'SEV', 3), service: service.name, team: service.team, notify: 'ticket' },
    annotations: {
      summary: `${service.title} SLO rule group {{ $labels.rule_group }} skipped evaluations`,
      description: `{{ $value | humanize }} evaluations of rule group {{ $labels.rule_group }} were skipped over the last hour, ` +
        `because one took longer than the group's interval. The SLO recordings of ${service.title} have gaps: error ratios, ` +
        'budget remaining and burn-rate alerts may be late or wrong until evaluations keep up again.',
      runbook_url: runbookUrl(platform.runbookBaseUrl, service.name, name),
    },
  };
}

function longGroupInterval(platform: PlatformConfig): string {
  const parsed = Duration.parse(platform.evaluationInterval);
  return parsed.ok && parsed.value.seconds > SLO_LONG_GROUP_INTERVAL.seconds ? parsed.value.text : SLO_LONG_GROUP_INTERVAL.text;
}

/** `page-fast` → `PageFast`, `availability` → `Availability`. */
export function pascal(kebab: string): string {
  return kebab.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** A ratio as people read it: 0.0144 → `1.44%`. */
export function percent(ratio: number): string {
  return `${roundFloat(ratio * 100)}%`;
}

/**
 * A duration for people, in days at most (Duration's canonical text uses weeks: 30d is `4w2d`):
 * `30d`, `2d 2h`, `43m 12s`.
 */
export function humanDuration(duration: Duration): string {
  let rest = Math.round(duration.seconds);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join(' ') || '0s';
}

/** A PromQL range in days when whole (`30d`, not `4w2d`), else Prometheus' canonical text. */
export function rangeText(duration: Duration): string {
  return duration.seconds % 86400 === 0 ? `${duration.seconds / 86400}d` : duration.text;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
