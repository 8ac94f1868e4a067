import { IssueCollector } from './issues.js';
import {
  DNS_LABEL_ALLOWED, IMAGE_REPOSITORY_ALLOWED, IMAGE_TAG_ALLOWED, isDnsLabel, isImageRepository, isImageTag, isLabelKey, isLabelValue,
  LABEL_KEY_ALLOWED, LABEL_VALUE_ALLOWED, redactUrlCredentials,
} from './kubernetes-syntax.js';
import { LEVEL_SEVERITIES, RUNBOOK_LEVELS, SEV3, SEVERITIES, type AlertLevel, type RunbookLevel, type Severity } from './severity.js';
import { CpuQuantity, Duration, MemoryQuantity, Percent, Ratio, type Parsed } from './units.js';

/**
 * Typed field parsers bound to one service's issue collector. A bad value is recorded (service, field,
 * value, allowed) and replaced by a harmless fallback so that every other field is still checked.
 * Fallbacks never reach dist/: synth stops when the collector holds any issue.
 */
export class FieldParser extends IssueCollector {
  duration(field: string, input: unknown): Duration {
    return this.take(field, input, Duration.parse(input), FALLBACK.duration);
  }

  /** A latency threshold, which may be fractional: `'2.5s'`. */
  latency(field: string, input: unknown): Duration {
    return this.take(field, input, Duration.parseThreshold(input), FALLBACK.duration);
  }

  /** A percentage written as `'5%'`, used as a ratio in PromQL (0.05). */
  ratioFromPercent(field: string, input: unknown): Ratio {
    return this.take(field, input, Ratio.parsePercent(input), FALLBACK.ratio);
  }

  percent(field: string, input: unknown): Percent {
    return this.take(field, input, Percent.parse(input), FALLBACK.percent);
  }

  cpu(field: string, input: unknown): CpuQuantity {
    return this.take(field, input, CpuQuantity.parse(input), FALLBACK.cpu);
  }

  memory(field: string, input: unknown): MemoryQuantity {
    return this.take(field, input, MemoryQuantity.parse(input), FALLBACK.memory);
  }

  integer(field: string, input: unknown, min: number, max: number): number {
    const ok = typeof input === 'number' && Number.isInteger(input) && input >= min && input <= max;
    this.check(ok, field, input, `an integer from ${min} to ${max}`);
    return ok ? (input as number) : min;
  }

  positiveNumber(field: string, input: unknown): number {
    const ok = typeof input === 'number' && Number.isFinite(input) && input > 0;
    this.check(ok, field, input, 'a finite number greater than 0');
    return ok ? (input as number) : 1;
  }

  /** Lower-case DNS label (RFC 1123), the shape Kubernetes names, namespaces and our file names need. */
  dnsLabel(field: string, input: unknown): string {
    const ok = isDnsLabel(input);
    this.check(ok, field, input, DNS_LABEL_ALLOWED);
    return ok ? input : 'invalid';
  }

  boolean(field: string, input: unknown, fallback: boolean): boolean {
    if (input === undefined) return fallback;
    this.check(typeof input === 'boolean', field, input, 'true or false');
    return typeof input === 'boolean' ? input : fallback;
  }

  /** A plain object (not an array, not null); `undefined` when it is not (reported unless `optional` and missing). */
  record(field: string, input: unknown, optional = false, allowed = 'an object'): Readonly<Record<string, unknown>> | undefined {
    if (isRecord(input)) return input;
    if (!(optional && input === undefined)) this.report(field, input, allowed);
    return undefined;
  }

  /** An array; `[]` when it is not (reported unless `optional` and missing). */
  list(field: string, input: unknown, optional = false): readonly unknown[] {
    if (Array.isArray(input)) return input;
    if (!(optional && input === undefined)) this.report(field, input, 'a list (an array)');
    return [];
  }

  /**
   * Kubernetes labels (keys and values) as selectors and metadata need them: a bad key is reported at
   * `field` with the key, a bad value at `field.<key>`. Only the valid pairs are returned.
   */
  labels(field: string, input: unknown): Record<string, string> {
    const record = this.record(field, input) ?? {};
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) {
      const keyOk = this.check(isLabelKey(key), field, key, LABEL_KEY_ALLOWED);
      const valueOk = this.check(isLabelValue(value), `${field}.${key}`, value, LABEL_VALUE_ALLOWED);
      if (keyOk && valueOk) out[key] = value as string;
    }
    return out;
  }

  /**
   * Labels selecting pods: at least one label, since an empty selector selects every pod of the
   * namespace; that choice is written out as `'all-pods'`.
   */
  podLabels(field: string, input: unknown, namespace: string): Readonly<Record<string, string>> | 'all-pods' {
    if (input === ALL_PODS) return ALL_PODS;
    if (isRecord(input) && Object.keys(input).length === 0) {
      this.report(field, input, `at least one label selecting the pods, or '${ALL_PODS}' to select every pod of namespace '${namespace}'`);
      return {};
    }
    return this.labels(field, input);
  }

  /** Credentials in a URL-shaped repository are redacted in the report (it is printed and logged). */
  imageRepository(field: string, input: unknown): string {
    const ok = isImageRepository(input);
    this.check(ok, field, typeof input === 'string' ? redactUrlCredentials(input) : input, IMAGE_REPOSITORY_ALLOWED);
    return ok ? input : 'invalid';
  }

  imageTag(field: string, input: unknown): string {
    const ok = isImageTag(input);
    this.check(ok, field, input, IMAGE_TAG_ALLOWED);
    return ok ? input : 'invalid';
  }

  /**
   * A Prometheus `job`: any UTF-8 is a valid label value, but a job is typed into selectors, relabelings
   * and URLs by people, so quotes, braces, backslashes, whitespace and control characters are refused.
   */
  jobName(field: string, input: unknown): string {
    const ok = typeof input === 'string' && JOB_NAME.test(input);
    this.check(ok, field, input, JOB_NAME_ALLOWED);
    return ok ? (input as string) : 'invalid';
  }

  /** A title shown in dashboards and written into alert texts, which are Go templates: one line, no `{{ }}`. */
  title(field: string, input: unknown): string {
    const ok = typeof input === 'string' && input.trim() !== '' && !/[\u0000-\u001f\u007f]|\{\{|\}\}/.test(input) && input.length <= 100;
    this.check(ok, field, input, "a one-line title of at most 100 characters, without control characters, '{{' or '}}' (it is written into alert templates)");
    return ok ? (input as string) : 'Invalid';
  }

  /**
   * An alert's severity and runbook level, from the severity vocabulary (see LEVEL_SEVERITIES). Each part
   * is reported on its own; the fallback keeps the rest of the pack working until synth refuses to write.
   */
  alertLevel(field: string, input: unknown): AlertLevel {
    const level = this.record(field, input, false, 'an alert level { severity, sev } such as SEV1, SEV2_WARNING or P3 (lib/core/severity.ts)');
    if (!level) return SEV3;
    const severity = this.oneOf(`${field}.severity`, level.severity, SEVERITIES);
    const sev = this.oneOf(`${field}.sev`, level.sev, RUNBOOK_LEVELS);
    if (severity !== level.severity || sev !== level.sev) return SEV3;
    const paired = this.check(LEVEL_SEVERITIES[sev].includes(severity), field, { severity, sev },
      `a severity matching the runbook level: ${LEVEL_PAIRS}`);
    return paired ? { severity, sev } : SEV3;
  }

  pascalCase(field: string, input: unknown): string {
    const ok = typeof input === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(input);
    this.check(ok, field, input, 'a PascalCase identifier such as "HarveyHighLatency"');
    return ok ? (input as string) : 'Invalid';
  }

  nonEmpty(field: string, input: unknown): string {
    const ok = typeof input === 'string' && input.trim() !== '';
    this.check(ok, field, input, 'a non-empty string');
    return ok ? (input as string) : '';
  }

  oneOf<T extends string>(field: string, input: unknown, allowed: readonly T[]): T {
    const ok = typeof input === 'string' && (allowed as readonly string[]).includes(input);
    this.check(ok, field, input, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return ok ? (input as T) : allowed[0]!;
  }

  /** A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved). */
  promLabelName(field: string, input: unknown): string {
    const ok = typeof input === 'string' && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(input) && !input.startsWith('__');
    this.check(ok, field, input, 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)');
    return ok ? (input as string) : 'invalid';
  }

  private take<T>(field: string, input: unknown, parsed: Parsed<T>, fallback: T): T {
    if (parsed.ok) return parsed.value;
    this.report(field, input, parsed.allowed);
    return fallback;
  }
}

/** The explicit "every pod of the namespace" choice of a pod selector. */
export const ALL_PODS = 'all-pods';

const JOB_NAME = /^[A-Za-z0-9_.:\/-]{1,128}$/;
const JOB_NAME_ALLOWED = "a Prometheus job name: 1 to 128 characters from A-Z, a-z, 0-9, '_', '-', '.', ':' and '/' " +
  '(no quotes, braces, backslashes, spaces or control characters: people type it into selectors)';

const LEVEL_PAIRS = (Object.entries(LEVEL_SEVERITIES) as [RunbookLevel, readonly Severity[]][])
  .map(([sev, severities]) => `${sev} ${severities.join(' or ')}`).join(', ');

export function isRecord(input: unknown): input is Readonly<Record<string, unknown>> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

const FALLBACK = {
  duration: Duration.ofSeconds(60),
  ratio: unwrap(Ratio.of(0.5)),
  percent: unwrap(Percent.parse('50%')),
  cpu: unwrap(CpuQuantity.parse('1')),
  memory: unwrap(MemoryQuantity.parse('1Gi')),
};

function unwrap<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error('fallback unit must parse');
  return parsed.value;
}
