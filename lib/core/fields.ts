import { IssueCollector } from './issues.js';
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

  /** Lower-case DNS label (RFC 1123), the shape Kubernetes names and our file names need. */
  dnsLabel(field: string, input: unknown): string {
    const ok = typeof input === 'string' && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(input);
    this.check(ok, field, input, 'a lower-case DNS label: a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters');
    return ok ? (input as string) : 'invalid';
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

  private take<T>(field: string, input: unknown, parsed: Parsed<T>, fallback: T): T {
    if (parsed.ok) return parsed.value;
    this.report(field, input, parsed.allowed);
    return fallback;
  }
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
