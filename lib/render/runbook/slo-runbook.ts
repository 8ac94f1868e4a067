import type { PlatformConfig } from '../../core/platform.js';
import type { Slo, SloTier } from '../../core/slo.js';
import type { ServiceStack } from '../../core/stack.js';
import { Duration } from '../../core/units.js';
import { num } from '../../promql/selector.js';
import { errorBudget, sloTierLevel } from '../../slo/define-slo.js';
import { SLO_RECORDS } from '../../slo/names.js';
import {
  burnRateAlertExpr, burnRateThreshold, errorsRateExpr, humanDuration, isLongTier, missedIterationsExpr, noHealthyTargetExpr, percent,
  SLO_OUTAGE_HISTORY,
  SLO_BASE_WINDOW, SLO_LONG_GROUP_INTERVAL, sloAlertName, sloGroupNames, sloMetaAlertName, sloSeries, timeToExhaustion, totalRateExpr,
} from '../../slo/rules.js';
import { headingAnchor } from './anchor.js';

/** Heading of an SLO's section: `SLO availability` (anchor `#slo-availability`). */
export function sloHeading(slo: Pick<Slo, 'name'>): string {
  return `SLO ${slo.name}`;
}

/**
 * The runbook part of a stack's SLOs: an overview table, one section per SLO (objective, error budget in
 * time, SLI, every tier with its factor, windows and budget consumed), one section per burn-rate alert
 * (what runbook_url points at) and one for the meta-alert. Empty without SLOs.
 */
export function sloRunbookSections(stack: ServiceStack, platform: PlatformConfig): string[] {
  const slos = stack.slos ?? [];
  if (slos.length === 0) return [];
  const { service } = stack;
  const lines: string[] = [
    '## Service level objectives',
    '',
    'Each SLO has an error budget: the share of events allowed to be bad over its period. Burn-rate alerts fire when ' +
    'the budget is being spent too fast, measured over a long and a short window at once (SRE Workbook, "Alerting on SLOs"): ' +
    'the long window proves the burn is significant, the short one that it is still going on, so the alert resolves within ' +
    'minutes of the burn stopping. A burn rate of 1x spends exactly the budget over the period.',
    '',
    '| SLO | Objective | Period | Error budget | Full outage allowed | Alerts |',
    '| --- | --- | --- | --- | --- | --- |',
    ...slos.map((slo) => `| [${slo.name}](#${headingAnchor(sloHeading(slo))}) | ${slo.objective} | ${humanDuration(slo.period)} | ` +
      `${percent(errorBudget(slo))} | ${humanDuration(outageAllowed(slo))} | ` +
      `${slo.tiers.map((t) => `[${t.id}](#${headingAnchor(sloAlertName(service, slo, t))})`).join(', ') || 'none'} |`),
    '',
  ];
  for (const slo of slos) {
    lines.push(...sloSection(stack, slo), '');
    for (const tier of slo.tiers) lines.push(...tierSection(stack, slo, tier), '');
  }
  lines.push(...metaSection(stack, platform));
  return lines;
}

/** How an SLI with an outage term counts a full outage (lib/slo/rules.ts, outageRateExpr). */
function outageSentence(job: string): string {
  return `- **Full outage:** while \`${job}\` has no healthy target (\`${noHealthyTargetExpr(job)}\`, the down alert's condition), ` +
    'nothing answers and the application records no requests, so every minute counts as failed requests at the usual rate ' +
    `(the recorded total rate averaged over the last ${SLO_OUTAGE_HISTORY.text}, at least one a minute): an outage burns the budget even at night. ` +
    'One replica down while others serve is not an outage: their requests count as usual.';
}

/** The whole budget spent as one full outage: 99.9% over 30d is 43m 12s. */
export function outageAllowed(slo: Slo): Duration {
  return Duration.ofSeconds(Math.round(slo.period.seconds * errorBudget(slo)));
}

function sloSection(stack: ServiceStack, slo: Slo): string[] {
  const { service } = stack;
  const budget = errorBudget(slo);
  const series = (record: string): string => sloSeries(record, service, slo);
  return [
    `## ${sloHeading(slo)}`,
    '',
    slo.description,
    '',
    `- **Objective:** ${slo.objective} of events good over a rolling ${humanDuration(slo.period)}.`,
    `- **Error budget:** ${percent(budget)} of events, i.e. ${humanDuration(outageAllowed(slo))} of full outage in ` +
    `${humanDuration(slo.period)} (or twice that at 50% errors). ${badEventSentence(slo)}`,
    `- **SLI:** ${slo.sli.bad !== undefined ? `bad events \`${slo.sli.bad}\`` : `good events \`${slo.sli.good}\``}, all events \`${slo.sli.total}\`.`,
    ...(slo.sli.outage ? [outageSentence(slo.sli.outage.job)] : []),
    ...(Object.keys(slo.labels).length ? [`- **Labels:** ${Object.entries(slo.labels).map(([k, v]) => `\`${k}="${v}"\``).join(', ')}`] : []),
    '',
    '### Burn-rate alerts',
    '',
    '| Alert | Notifies | Burn rate | Windows (long / short) | Error ratio above | For | Budget spent when it fires | Whole budget gone in |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...slo.tiers.map((t) => `| [${sloAlertName(service, slo, t)}](#${headingAnchor(sloAlertName(service, slo, t))}) | ` +
      `${t.notify} (${t.severity}, ${sloTierLevel(t)}) | ${num(t.factor)}x | ${t.longWindow.text} / ${t.shortWindow.text} | ` +
      `${percent(burnRateThreshold(slo, t))} | ${t.for.text} | ${percent(t.budgetConsumed)} | ${humanDuration(timeToExhaustion(slo, t))} |`),
    ...(slo.tiers.length === 0 ? ['| (all tiers disabled: the SLO is recorded, nothing alerts) | | | | | | | |'] : []),
    '',
    `A tier fires when the error ratio over both of its windows is above its burn rate times the ${percent(budget)} budget, ` +
    'and has been for its `for`. Faster tiers page, slower ones open a ticket; a fast burn fires the slower tiers too, later.',
    '',
    '### Recordings',
    '',
    `Every minute, the error and total rates over ${SLO_BASE_WINDOW.text} are recorded; each longer window's ratio is the sum of the ` +
    `recorded error rates over the sum of the recorded total rates (traffic-weighted). The 1d, 3d and ${humanDuration(slo.period)} ` +
    `ratios and the budget are recomputed every ${SLO_LONG_GROUP_INTERVAL.text}. After a Prometheus restart the windows fill up again; ` +
    `the ${humanDuration(slo.period)} ratio needs the recordings retained that long.`,
    '',
    '```promql',
    `# error budget left over the ${humanDuration(slo.period)} (1 untouched, 0 spent, negative overspent)`,
    series(SLO_RECORDS.budgetRemaining),
    '# error ratio over 1h (also 5m, 30m, 2h, 6h, 1d, 3d; the period: slo:sli_error:ratio_period)',
    series(SLO_RECORDS.errorRatio(Duration.ofSeconds(3600))),
    `# the recorded rates (${SLO_RECORDS.errorsRate(SLO_BASE_WINDOW)}, ${SLO_RECORDS.totalRate(SLO_BASE_WINDOW)})`,
    errorsRateExpr(service, slo),
    totalRateExpr(service, slo),
    '```',
    '',
    '### When the budget is burning',
    '',
    ...numbered([
      `Check how much budget is left: \`${series(SLO_RECORDS.budgetRemaining)}\`, and which windows are high: \`${series('slo:sli_error:ratio_rate5m')}\`, \`${series('slo:sli_error:ratio_rate1h')}\`.`,
      'Find what changed when the error ratio rose: a release, a dependency, traffic.',
      ...(slo.runbook?.diagnose ?? []),
      ...(slo.runbook?.act ?? []),
      'Afterwards: if the budget is spent, prioritise reliability work over features until it recovers (the error-budget policy of the team).',
    ]),
  ];
}

function tierSection(stack: ServiceStack, slo: Slo, tier: SloTier): string[] {
  const { service } = stack;
  const name = sloAlertName(service, slo, tier);
  const budget = errorBudget(slo);
  const threshold = percent(burnRateThreshold(slo, tier));
  const factor = num(tier.factor);
  const page = tier.notify === 'page';
  const sloLink = `[${sloHeading(slo)}](#${headingAnchor(sloHeading(slo))})`;
  return [
    `## ${name}`,
    '',
    `**Severity:** ${tier.severity} (${sloTierLevel(tier)}), notify: ${tier.notify} · **Fires when:** the ${slo.name} error ratio is above ` +
    `${threshold} (${factor} × the ${percent(budget)} budget) over both the last ${tier.longWindow.text} and the last ${tier.shortWindow.text}, for ${tier.for.text}`,
    '',
    '### What it means',
    '',
    `The ${slo.name} SLO (${slo.objective} over ${humanDuration(slo.period)}) is burning its error budget over ${factor}x faster than sustainable: ` +
    `${percent(tier.budgetConsumed)} of the ${humanDuration(slo.period)} budget is gone within ${tier.longWindow.text}, and all of it within ` +
    `${humanDuration(timeToExhaustion(slo, tier))} if nothing changes. Objective, budget and the other tiers: ${sloLink}.`,
    '',
    '### Threshold and why',
    '',
    `Tier \`${tier.id}\` of the SRE Workbook's multiwindow, multi-burn-rate alerts: ${percent(tier.budgetConsumed)} of the budget within ` +
    `${tier.longWindow.text} (burn rate ${factor}x for a ${humanDuration(slo.period)} period). The ${tier.shortWindow.text} window resets the alert ` +
    `soon after the burn stops; \`for: ${tier.for.text}\` filters blips at the threshold.` +
    (isLongTier(tier) ? ` Evaluated every ${SLO_LONG_GROUP_INTERVAL.text} with the long-window recordings.` : ''),
    '',
    '### Diagnose',
    '',
    ...numbered([
      `Budget left: \`${sloSeries(SLO_RECORDS.budgetRemaining, service, slo)}\``,
      `Is it still burning? \`${sloSeries(SLO_RECORDS.errorRatio(tier.shortWindow), service, slo)}\` (above ${threshold} means yes)`,
      ...(slo.runbook?.diagnose ?? []),
    ]),
    '',
    '### First actions',
    '',
    ...numbered([
      page
        ? `Act now: at this rate the whole budget lasts ${humanDuration(timeToExhaustion(slo, tier))}. Stop the burn first (roll back, fail over, shed load), investigate after.`
        : `No need to wake anyone: plan the fix in working hours, within days (the whole budget lasts ${humanDuration(timeToExhaustion(slo, tier))} at this rate).`,
      ...(slo.runbook?.act ?? []),
    ]),
    '',
    '### PromQL',
    '',
    '```promql',
    burnRateAlertExpr(service, slo, tier),
    '```',
  ];
}

function metaSection(stack: ServiceStack, platform: PlatformConfig): string[] {
  const { service } = stack;
  const groups = sloGroupNames(service);
  return [
    `## ${sloMetaAlertName(service)}`,
    '',
    `**Severity:** warning (SEV-3), notify: ticket · **Fires when:** rule group \`${groups.short}\` or \`${groups.long}\` skipped an evaluation in the last hour`,
    '',
    '### What it means',
    '',
    `An evaluation of an SLO rule group took longer than its interval (${platform.evaluationInterval} / ${SLO_LONG_GROUP_INTERVAL.text}), so Prometheus ` +
    'skipped the next one. The SLO recordings have gaps, the windows under-count, and burn-rate alerts may fire late.',
    '',
    '### Threshold and why',
    '',
    'Any skipped evaluation: the SLO rules are cheap by design (only the 5m rates read raw series), so one skip means Prometheus is overloaded.',
    '',
    '### Diagnose',
    '',
    ...numbered([
      `How long the groups take: \`prometheus_rule_group_last_duration_seconds{rule_group=~".*;${service.name}-slo.*"}\` against \`prometheus_rule_group_interval_seconds\``,
      'Prometheus load: `rate(prometheus_engine_query_duration_seconds_sum[5m])`, memory and CPU of the Prometheus pods.',
    ]),
    '',
    '### First actions',
    '',
    ...numbered([
      'Give Prometheus more CPU, or find the expensive rule groups (`topk(10, prometheus_rule_group_last_duration_seconds)`).',
      'Look at the SLO dashboard with care until it recovers: ratios over the gap are computed from fewer samples.',
    ]),
    '',
    '### PromQL',
    '',
    '```promql',
    missedIterationsExpr(service),
    '```',
  ];
}

function badEventSentence(slo: Slo): string {
  switch (slo.sli.kind) {
    case 'availability':
      return 'A request is bad when it is answered with a 5xx status.';
    case 'latency':
      return `A request is bad when it takes longer than ${slo.sli.histogram?.threshold.secondsText ?? 'the threshold'}.`;
    case 'ratio':
      return 'Bad events are those the SLI below counts as bad (or not as good).';
  }
}

function numbered(steps: readonly string[]): string[] {
  return steps.map((step, i) => `${i + 1}. ${step}`);
}
