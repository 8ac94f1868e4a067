import { IssueCollector } from '../lib/core/issues.js';
import type { Service } from '../lib/core/service.js';
import type { Severity } from '../lib/core/severity.js';
import type { Slo } from '../lib/core/slo.js';
import type { DashboardModel } from '../lib/core/stack.js';
import { roundFloat } from '../lib/core/units.js';
import { num } from '../lib/promql/selector.js';
import { dashboardField, renderServiceDashboard } from '../lib/render/grafana/render-dashboard.js';
import type { PanelSpec, RowSpec, ThresholdLine } from '../lib/render/grafana/types.js';
import { SLO_RECORDS } from '../lib/slo/names.js';
import { periodText, sloQueries } from './slo-queries.js';

export interface SloDashboardOptions {
  readonly service: Service;
  /** The service's SLOs; each gets one row, in this order. At least one. */
  readonly slos: readonly Slo[];
  /** e.g. `Harvey Backend - SLOs`. */
  readonly title: string;
  /** At most 40 characters of A-Z, a-z, 0-9, `-` and `_`, e.g. `harvey-backend-slos`. */
  readonly uid: string;
}

/** Colour of a burn-rate tier's line: pages red, tickets orange. */
export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = { critical: 'red', warning: 'orange', info: 'blue' };

/**
 * "Are we keeping our promises?" One row per SLO, every number read from the SLO engine's recordings:
 *
 * - SLI over the short window (1h for the Workbook tiers) against the objective, drawn as a red line;
 * - SLI over the whole period and the error budget left, as stats (red once the objective is missed);
 * - the error budget left over time, with a red line at 0 (budget spent);
 * - the burn rate over each tier's long window (error ratio / error budget), each tier's factor drawn as a
 *   line (red for tiers that page, orange for tickets): 14.4 / 6 / 3 / 1 for the Workbook tiers on 30d.
 *
 * Problems (uid, title, no SLO, two SLOs with one name) are reported to `service.issues`, each naming the
 * field, value and what is allowed; synth then refuses to write and lists them with every other problem.
 */
export function sloDashboard(options: SloDashboardOptions): DashboardModel {
  const { service, slos } = options;
  const issues = new IssueCollector(service.name);
  const at = dashboardField(options.title);
  issues.check(slos.length > 0, `${at}.slos`, slos.map((s) => s.name), "at least one of the service's SLOs");
  slos.forEach((slo, i) => issues.check(slos.findIndex((other) => other.name === slo.name) === i, `${at}.slos[${i}].name`, slo.name,
    'a name no other SLO of the dashboard has (each SLO gets one row)'));

  const spec = {
    service: service.name,
    uid: options.uid,
    title: options.title,
    description: `Service level objectives of ${service.title}: SLI, error budget and burn rate per SLO, read from the SLO recording ` +
      `rules (${SLO_RECORDS.budgetRemaining} and friends, labelled service="${service.name}" and slo). ` +
      'Generated from code: change the stack, not this dashboard.',
    tags: [service.name, 'slo'],
    rows: slos.map((slo) => sloRow(service, slo)),
  };
  return renderServiceDashboard(service, spec, issues);
}

/** The row of one SLO: two lines of panels (SLI and the two stats, then budget and burn rate over time). */
export function sloRow(service: Service, slo: Slo): RowSpec {
  const q = sloQueries(service, slo);
  // Rounded: a ratio parsed from a percentage carries float noise (99.9 / 100 = 0.9990000000000001).
  const objective = roundFloat(slo.objective.value);
  const period = periodText(slo.period);
  const promise = `${slo.objective} of events good over ${period}`;
  const objectiveLine: ThresholdLine = { value: objective };
  const burnLines = slo.tiers.map((tier) => ({ value: tier.factor, color: SEVERITY_COLORS[tier.severity] }));
  const tierNames = slo.tiers.map((t) =>
    `${num(t.factor)}x ${t.id} (${t.longWindow.text} and ${t.shortWindow.text} windows, ${t.severity} ${t.for.seconds > 0 ? `after ${t.for.text}` : 'at once'})`);

  const panels: PanelSpec[] = [
    {
      title: `${slo.name}: SLI (${q.sliWindow.text})`, unit: 'percentunit', queries: q.sli, thresholds: [objectiveLine],
      // Zoomed so the objective sits in the upper part of the axis; a worse SLI still extends it down.
      softMin: Math.max(0, roundFloat(1 - 10 * (1 - objective))), softMax: 1,
      description: `${slo.description} Share of good events over the last ${q.sliWindow.text}. Red line: the objective, ${promise}.`,
    },
    {
      title: `${slo.name}: SLI (${period})`, unit: 'percentunit', queries: q.periodSli, visualization: 'stat', width: 6,
      baseColor: 'red', thresholds: [{ value: objective, color: 'green' }], softMin: 0,
      description: `Share of good events over the whole period (${period}); green while at or above the objective (${slo.objective}).`,
    },
    {
      title: `${slo.name}: error budget left`, unit: 'percentunit', queries: q.budgetRemaining, visualization: 'stat', width: 6,
      baseColor: 'red', thresholds: [{ value: 0, color: 'green' }], softMin: 0,
      description: `Share of the ${period} error budget (${roundFloat((1 - objective) * 100)}% of events) not yet spent; ` +
        'red once it is overspent (below 0).',
    },
    {
      title: `${slo.name}: error budget left over time`, unit: 'percentunit', queries: q.budgetRemaining,
      thresholds: [{ value: 0 }], softMin: 0, softMax: 1,
      description: `Share of the ${period} error budget not yet spent: 100% is untouched, below 0 is overspent. Red line: budget spent.`,
    },
    {
      title: `${slo.name}: burn rate`, unit: 'suffix:x', queries: q.burnRates, thresholds: burnLines,
      ...(burnLines.length > 0 && { softMax: Math.max(...burnLines.map((l) => l.value)) }),
      description: 'How fast the error budget burns: error ratio over the window divided by the error budget ' +
        `(1x spends exactly the budget in ${period}). ` +
        (tierNames.length > 0
          ? `Lines: ${tierNames.join(', ')}; a tier alerts when both its windows are above its line.`
          : 'No burn-rate alert is enabled for this SLO.'),
    },
  ];
  return { title: `${slo.name}: ${promise}`, panels };
}
