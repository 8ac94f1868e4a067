import type { SeriesSelector } from '../lib/core/alert.js';
import type { MetricType } from '../lib/core/metric-catalog.js';
import type { Service } from '../lib/core/service.js';
import type { Ratio } from '../lib/core/units.js';
import type { Matcher } from '../lib/promql/selector.js';

/**
 * Small helpers shared by the dependency packs (authentication, LLM providers, Redis, Qdrant): the same
 * checks with the same messages, so a stack author reads one wording whatever pack complained.
 */

/** `'OpenAI'` → `OpenAI`, `'session cache'` → `SessionCache`: the part of default alert names taken from a title. */
export function namePart(title: string): string {
  return String(title ?? '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** A title that yields a PascalCase name part (letters first), e.g. `'OpenAI'` or `'session cache'`. */
export function checkTitle(service: Service, field: string, title: unknown): string {
  const ok = typeof title === 'string' && /^[A-Z]/.test(namePart(title));
  service.issues.check(ok, field, title, "a title starting with a letter, such as 'OpenAI' or 'session cache' (alert names are built from it)");
  return ok ? (title as string) : 'Invalid';
}

/** A Prometheus label value the pack selects on (`job`, `provider`); empty would select every series. */
export function checkLabelValue(service: Service, field: string, value: unknown): string {
  return service.issues.nonEmpty(field, value);
}

/**
 * A share threshold for a counter ratio, written as a percentage below 100%: a ratio of a subset to its
 * whole never exceeds 1, so `> 100%` could never fire.
 */
export function shareThreshold(service: Service, field: string, input: unknown): Ratio {
  const ratio = service.issues.ratioFromPercent(field, input);
  service.issues.check(ratio.value < 1, field, input,
    "a share below 100%, such as '5%': the ratio of a subset of events to all of them never exceeds 100%, so the alert could never fire");
  return ratio;
}

/** A number of events for a counter-increase threshold: 0 (any event) or more. */
export function eventCount(service: Service, field: string, input: unknown): number {
  const ok = typeof input === 'number' && Number.isFinite(input) && input >= 0;
  service.issues.check(ok, field, input, 'a number of events, 0 or more (0 fires on any event)');
  return ok ? (input as number) : 0;
}

/**
 * The minimum volume of a counter ratio (`CounterRatioSignal.minEvents`): a positive whole number of
 * denominator events within the window, or undefined (no minimum). A bad value is reported and dropped.
 */
export function minEventsOption(service: Service, field: string, input: unknown): number | undefined {
  if (input === undefined) return undefined;
  const ok = typeof input === 'number' && Number.isInteger(input) && input > 0;
  service.issues.check(ok, field, input,
    'a positive whole number of events in the window, such as 10: the alert fires only once the denominator counted that many');
  return ok ? (input as number) : undefined;
}

/** The metric must be in the service's catalog with this type (how to add it is in `hint`). */
export function requireMetric(service: Service, field: string, metric: string, type: MetricType, hint: string): void {
  service.issues.check(service.metrics.find(metric)?.type === type, field, metric, `a ${type} in the service's metric catalog (${hint})`);
}

export function series(metric: string, ...matchers: readonly Matcher[]): SeriesSelector {
  return { metric, matchers };
}
