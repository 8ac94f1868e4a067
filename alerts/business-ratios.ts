import type { AlertSpec, RunbookEntry, SeriesSelector } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import { Ratio, type DurationText, type PercentText } from '../lib/core/units.js';
import { eq, renderSelector } from '../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';
import { minEventsOption, shareThreshold } from './pack-support.js';
import { twoLevelAlerts, type TwoLevel } from './two-level.js';

/** One side of a business ratio: a counter of the workload's job, optionally narrowed by exact label values. */
export interface RatioCounter {
  /** A counter in the service's metric catalog, e.g. `tickets_escalated_total`. */
  readonly metric: string;
  /** Extra exact-match label values, e.g. `{ channel: 'telegram' }`; each label must be one of the metric's. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What is measured: the share `numerator / denominator` of two counters of one workload over a window. */
export interface BusinessRatioOptions {
  /** The workload whose job exports both counters. */
  readonly workload: string;
  /** The events counted, e.g. tickets escalated. */
  readonly numerator: RatioCounter;
  /** What they are a share of, e.g. tickets created. */
  readonly denominator: RatioCounter;
  /** Rate window of both counters. @default '1h' */
  readonly window?: DurationText;
  /** The ratio as people name it, for texts: e.g. `'escalation rate'`. */
  readonly what: string;
  /** Rule group. @default 'business' */
  readonly group?: string;
  /**
   * Minimum volume: the alert fires only while the denominator counted at least this many events within
   * the window, e.g. `10` tickets created per hour, so that 1 escalation out of 3 tickets at night does not
   * read as a 33% escalation rate. A positive whole number. @default undefined (no minimum: any volume)
   */
  readonly minEvents?: number;
}

/**
 * One threshold on the ratio: exactly one of `above` (e.g. escalations above 30%) or `below` (e.g.
 * resolutions below 60%).
 */
export interface BusinessRatioThreshold extends CommonAlertOptions {
  /** Fixed alert name, service-prefixed. */
  readonly name: string;
  /** Fires while the ratio is above this percentage (below 100%: a share never exceeds it). */
  readonly above?: PercentText;
  /** Fires while the ratio is below this percentage (above 0%: a share is never below it). */
  readonly below?: PercentText;
}

export type BusinessRatioAlertOptions = BusinessRatioOptions & BusinessRatioThreshold;

export interface BusinessRatioLevelsOptions extends BusinessRatioOptions {
  /** Warning and critical thresholds, both `above` or both `below`; the critical one mutes the warning. */
  readonly levels: TwoLevel<BusinessRatioThreshold>;
  /** Labels that must match for the critical alert to mute the warning. @default ['service'] */
  readonly equal?: readonly string[];
}

/** Stands in for a threshold that was not given correctly (already reported); synth never writes it. */
const FALLBACK_THRESHOLD = ((parsed) => {
  if (!parsed.ok) throw new Error('fallback threshold must parse');
  return parsed.value;
})(Ratio.of(0.5));

const THRESHOLD_ALLOWED = "exactly one of 'above' or 'below', a percentage such as '30%'";

/**
 * A business ratio of two counters of one workload, over a window, above or below a threshold:
 *
 *   sum(rate(<numerator>{job}[w])) / sum(rate(<denominator>{job}[w])) > t   (or < t)
 *
 * e.g. escalation rate = tickets_escalated_total / tickets_created_total above 30% over 1h, or resolution
 * rate = tickets_resolved_total / tickets_created_total below 60%. Both counters are selected by the
 * workload's `job`, so the rules work on Kubernetes and on plain hosts alike. With no events in the
 * denominator the ratio is 0/0 = NaN and the alert stays silent, above or below: a quiet night is not an
 * incident. By default the ratio has no minimum volume: with a handful of events one event moves it a
 * lot, which is what the window (default 1h) smooths. With `minEvents` it has one:
 *
 *   <ratio> > t and on() sum(increase(<denominator>{job}[w])) >= minEvents
 *
 * so the alert stays silent while fewer events than that were counted within the window (the value
 * query, which dashboards plot, stays the ratio).
 *
 * Problems go to `service.issues`: a counter missing from the catalog, a label the metric does not
 * have, both or neither of `above` / `below`, a threshold of 0% or 100% (never crossed), a `minEvents`
 * that is not a positive whole number.
 */
export function businessRatioAlert(service: Service, options: BusinessRatioAlertOptions): AlertSpec {
  const { issues } = service;
  const name = alertName(service, options.name, 'BusinessRatio');
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  const at = `alerts.${name}`;
  const numerator = ratioSelector(service, `${at}.numerator`, workload.job, options.numerator);
  const denominator = ratioSelector(service, `${at}.denominator`, workload.job, options.denominator);
  const window = issues.duration(`${at}.window`, options.window ?? '1h');
  const { comparator, threshold } = ratioThreshold(service, at, options);
  const what = issues.nonEmpty(`${at}.what`, options.what);
  const minEvents = minEventsOption(service, `${at}.minEvents`, options.minEvents);
  const direction = comparator === '>' ? 'above' : 'below';
  const num = renderSelector(numerator);
  const den = renderSelector(denominator);
  return buildAlert(service, options, {
    name,
    group: options.group ?? 'business',
    signal: { kind: 'counterRatio', numerator, denominator, window, threshold, comparator, ...(minEvents !== undefined && { minEvents }) },
    summary: `${service.title}: ${what} ${direction} ${threshold}`,
    description: `The ${what} of ${service.title} over the last ${window.text} is {{ $value | humanizePercentage }} ` +
      `(${numerator.metric} / ${denominator.metric}; threshold: ${direction} ${threshold}).`,
    runbook: genericRunbook({ what, direction, threshold, window: window.text, num, den, ...(minEvents !== undefined && { minEvents }) }),
  });
}

/**
 * The same ratio at two levels (the service contract's warning / critical tables): a warning and a critical
 * alert on one signal, the critical one muting the warning through an Alertmanager inhibit rule.
 */
export function businessRatioAlerts(service: Service, options: BusinessRatioLevelsOptions): AlertSpec[] {
  const { levels, equal, ...ratio } = options;
  return twoLevelAlerts(service, { levels, ...(equal && { equal }) },
    (_level, threshold) => businessRatioAlert(service, { ...ratio, ...threshold }));
}

function ratioSelector(service: Service, field: string, job: string, given: RatioCounter): SeriesSelector {
  const counter: RatioCounter = service.issues.record(field, given) ? given : { metric: '' };
  const definition = service.metrics.find(counter.metric);
  const isCounter = service.issues.check(definition?.type === 'counter', `${field}.metric`, counter.metric,
    "a counter in the service's metric catalog (declare it in the service's metrics)");
  const labels = Object.entries(counter.labels ?? {});
  if (isCounter) {
    for (const [label, value] of labels) {
      service.issues.check(definition!.labels.includes(label), `${field}.labels.${label}`, label,
        `a label of ${counter.metric}: ${definition!.labels.join(', ')}`);
      service.issues.nonEmpty(`${field}.labels.${label}`, value);
    }
  }
  return { metric: counter.metric, matchers: [eq('job', job), ...labels.filter(([label]) => label !== 'job').map(([label, value]) => eq(label, value))] };
}

function ratioThreshold(service: Service, at: string, options: BusinessRatioThreshold): { comparator: '>' | '<'; threshold: Ratio } {
  const { issues } = service;
  const given = { above: options.above, below: options.below };
  if (!issues.check((options.above === undefined) !== (options.below === undefined), `${at}.above`, given, THRESHOLD_ALLOWED)) {
    return { comparator: '>', threshold: FALLBACK_THRESHOLD };
  }
  if (options.above !== undefined) return { comparator: '>', threshold: shareThreshold(service, `${at}.above`, options.above) };
  // Percentages are above 0% by construction ('0%' is refused), so a `below` threshold can always be crossed.
  return { comparator: '<', threshold: issues.ratioFromPercent(`${at}.below`, options.below) };
}

function genericRunbook(t: { what: string; direction: string; threshold: Ratio; window: string; num: string; den: string; minEvents?: number }): RunbookEntry {
  const volume = t.minEvents === undefined
    ? 'with a handful of events one event moves it a lot, so check the volume before acting.'
    : `it fires only once \`${t.den}\` counted at least ${t.minEvents} events in the ${t.window}, so a handful of events at a quiet hour does not page.`;
  return {
    meaning: `The ${t.what} — \`${t.num}\` over \`${t.den}\` in the last ${t.window} — is ${t.direction} ${t.threshold}. ` +
      'The service may be up and fast while failing at its job: this watches the outcome, not the machinery.',
    why: `A ratio of two counters over ${t.window}: long enough to smooth single events, short enough to see a change within the hour. ` +
      `With no events in the denominator the ratio is undefined and the alert stays silent; ${volume}`,
    diagnose: [
      `Look at both sides: \`sum(rate(${t.num}[${t.window}]))\` and \`sum(rate(${t.den}[${t.window}]))\` — did the numerator change, or the denominator?`,
      `Check the volume: \`sum(increase(${t.den}[${t.window}]))\`; a few events make the ratio jumpy.`,
      'Compare the start of the change with the latest deploys, configuration changes and model or prompt updates.',
    ],
    act: [
      'If the change started with a release or a configuration change, roll it back.',
      'Tell the team that owns the business process; the cause is often outside the code (a campaign, a new customer, an upstream change).',
    ],
  };
}
