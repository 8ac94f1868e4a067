/**
 * Validation problems are collected, never thrown one at a time: a platform team fixing a stack wants
 * every mistake in one run. Each issue names the service, the field, the bad value and what is allowed.
 */
export interface ValidationIssue {
  /** Service name, e.g. `harvey-backend` (or `<project>` for project-wide settings). */
  readonly service: string;
  /** Dotted path to the field, e.g. `workloads.harvey-backend.autoscaling.maxReplicas`. */
  readonly field: string;
  /** The offending value, as the user wrote it. */
  readonly value: unknown;
  /** What would have been accepted. */
  readonly allowed: string;
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.service}: ${issue.field}: ${formatValue(issue.value)} is invalid; allowed: ${issue.allowed}`;
}

/**
 * The value as the user wrote it. JSON would print `NaN` and `Infinity` as `null`, so non-finite numbers
 * (also inside objects and lists) are written as JavaScript writes them.
 */
export function formatValue(value: unknown): string {
  // Control characters escaped (`\n`), so one issue stays one line.
  if (typeof value === 'string') return `'${value.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))}'`;
  if (value === undefined) return '(missing)';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function' || typeof value === 'symbol') return `(${typeof value})`;
  try {
    const marked = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `${NON_FINITE}${v}${NON_FINITE}` : v));
    return marked === undefined ? String(value) : marked.replace(NON_FINITE_JSON, '$1');
  } catch {
    return String(value);
  }
}

const NON_FINITE = '\u0000';
const NON_FINITE_JSON = /"\\u0000(-?Infinity|NaN)\\u0000"/g;

/** Thrown once, at the end, when any issue was collected. Issues are grouped by service in the message. */
export class ModelValidationError extends Error {
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(formatIssues(issues));
    this.name = 'ModelValidationError';
  }
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  const byService = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    const list = byService.get(issue.service) ?? [];
    list.push(issue);
    byService.set(issue.service, list);
  }
  const lines = [`${issues.length} validation error${issues.length === 1 ? '' : 's'}:`];
  for (const [service, list] of [...byService.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${service}:`);
    for (const issue of list) lines.push(`    - ${formatIssue(issue).slice(service.length + 2)}`);
  }
  return lines.join('\n');
}

/**
 * Collects issues for one service. Parsers given a bad value record an issue and return a harmless
 * fallback, so the rest of the definition is still checked; synth refuses to write when any issue exists.
 */
export class IssueCollector {
  private readonly collected: ValidationIssue[] = [];

  constructor(readonly service: string) {}

  report(field: string, value: unknown, allowed: string): void {
    this.collected.push({ service: this.service, field, value, allowed });
  }

  /** Records an issue when `ok` is false; returns `ok` so callers can branch on it. */
  check(ok: boolean, field: string, value: unknown, allowed: string): boolean {
    if (!ok) this.report(field, value, allowed);
    return ok;
  }

  get issues(): readonly ValidationIssue[] {
    return this.collected;
  }
}
