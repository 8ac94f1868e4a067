import type { AlertSpec, RunbookEntry } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import type { AlertLevel } from '../lib/core/severity.js';
import type { DurationText } from '../lib/core/units.js';

/** Options every alert of every pack accepts. */
export interface CommonAlertOptions {
  /** Fixed alert name; must start with the service's `alertPrefix`. Each pack documents its default. */
  readonly name?: string;
  /** How long the condition must hold before the alert fires. */
  readonly for: DurationText;
  readonly level: AlertLevel;
  /** Service-specific runbook text; each given field replaces the pack's generic one. */
  readonly runbook?: Partial<RunbookEntry>;
}

/** Resolves and checks the alert name: fixed names are service-prefixed PascalCase (the service contract). */
export function alertName(service: Service, given: string | undefined, suffix: string): string {
  const name = given ?? `${service.alertPrefix}${suffix}`;
  const field = `alerts.${String(name)}.name`;
  const ok = service.issues.check(typeof name === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(name), field, name, 'a PascalCase alert name');
  // A refused alertPrefix is reported once, at the service, not again at every alert.
  if (ok && !service.issues.issues.some((i) => i.field === 'alertPrefix')) {
    service.issues.check(name.startsWith(service.alertPrefix), field, name, `a name starting with the service prefix '${service.alertPrefix}'`);
  }
  return typeof name === 'string' ? name : 'Invalid';
}

/** Builds the spec, merging the pack's generic runbook text with the stack's service-specific text. */
export function buildAlert(
  service: Service,
  options: CommonAlertOptions,
  parts: Omit<AlertSpec, 'for' | 'level' | 'runbook'> & { readonly runbook: RunbookEntry },
): AlertSpec {
  return {
    ...parts,
    for: service.issues.duration(`alerts.${parts.name}.for`, options.for),
    // Checked at run time too: a level from JavaScript (or cast) may be missing or outside the vocabulary.
    level: service.issues.alertLevel(`alerts.${parts.name}.level`, options.level),
    runbook: { ...parts.runbook, ...options.runbook },
  };
}
