/**
 * Units that cannot be confused. Input is written the way operators write it (`'5m'`, `'80%'`, `'500m'`,
 * `'1Gi'`); each field's type says which unit it takes, and parsing turns it into a distinct class, so a
 * CPU quantity of `'500m'` can never be used where a duration of `'500m'` (minutes) is expected.
 */

/** A Prometheus duration, e.g. `'30s'`, `'5m'`, `'1h30m'`. */
export type DurationText = `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'y'}` | `${number}h${number}m`;
/** A percentage, e.g. `'80%'`. */
export type PercentText = `${number}%`;
/** A Kubernetes CPU quantity: `'500m'` (millicores) or `'2'` (cores). */
export type CpuText = `${number}m` | `${number}`;
/** A Kubernetes memory quantity with a binary suffix, e.g. `'512Mi'`, `'4Gi'`. */
export type MemoryText = `${number}${'Ki' | 'Mi' | 'Gi' | 'Ti'}`;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly allowed: string };

const DURATION_UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 86400], ['w', 7 * 86400], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1], ['ms', 0.001],
];
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

export class Duration {
  private readonly brand = 'Duration' as const;
  private constructor(
    /** Canonical Prometheus text, e.g. `5m`. */
    readonly text: string,
    readonly seconds: number,
  ) {}

  static readonly ALLOWED = 'a positive Prometheus duration such as 30s, 5m, 1h or 1h30m (units ms, s, m, h, d, w, y)';

  static parse(input: unknown): Parsed<Duration> {
    if (typeof input !== 'string' || input === '') return { ok: false, allowed: Duration.ALLOWED };
    const match = DURATION_RE.exec(input);
    if (!match) return { ok: false, allowed: Duration.ALLOWED };
    let seconds = 0;
    DURATION_UNITS.forEach(([, factor], i) => {
      seconds += Number(match[i + 1] ?? 0) * factor;
    });
    if (seconds <= 0) return { ok: false, allowed: Duration.ALLOWED };
    return { ok: true, value: Duration.ofSeconds(seconds) };
  }

  static readonly THRESHOLD_ALLOWED = "a positive latency such as '500ms', '2.5s' or '5s' (a decimal number with unit ms, s, m or h)";

  /**
   * Latency thresholds may be fractional (`'2.5s'`, histogram bounds often are), which Prometheus
   * durations may not; they never appear as `for` or range windows, only as numbers in PromQL.
   */
  static parseThreshold(input: unknown): Parsed<Duration> {
    const match = typeof input === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(input) : null;
    if (!match) return { ok: false, allowed: Duration.THRESHOLD_ALLOWED };
    const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as 'ms' | 's' | 'm' | 'h'];
    const seconds = roundFloat(Number(match[1]) * factor);
    if (seconds <= 0) return { ok: false, allowed: Duration.THRESHOLD_ALLOWED };
    return { ok: true, value: Duration.ofSeconds(seconds) };
  }

  /** Seconds as people read a latency: `2.5s`, `0.5s`. */
  get secondsText(): string {
    return `${roundFloat(this.seconds)}s`;
  }

  /** Builds the canonical text (largest units first), so `'90s'` and `'1m30s'` are the same duration. */
  static ofSeconds(seconds: number): Duration {
    let rest = Math.round(seconds * 1000);
    let text = '';
    for (const [unit, factor] of DURATION_UNITS) {
      const ms = Math.round(factor * 1000);
      const count = Math.floor(rest / ms);
      if (count > 0) {
        text += `${count}${unit}`;
        rest -= count * ms;
      }
    }
    return new Duration(text || '0s', seconds);
  }

  plus(other: Duration): Duration {
    return Duration.ofSeconds(this.seconds + other.seconds);
  }

  times(factor: number): Duration {
    return Duration.ofSeconds(this.seconds * factor);
  }

  toString(): string {
    return this.text;
  }
}

/** A fraction in [0, 1], e.g. an error ratio of 0.05. */
export class Ratio {
  private readonly brand = 'Ratio' as const;
  private constructor(readonly value: number) {}

  static readonly ALLOWED = 'a ratio between 0 and 1, written as a percentage such as \'5%\'';

  static of(value: number): Parsed<Ratio> {
    if (!Number.isFinite(value) || value < 0 || value > 1) return { ok: false, allowed: Ratio.ALLOWED };
    return { ok: true, value: new Ratio(value) };
  }

  /** Parses `'5%'` (or `'0.1%'`) into the ratio 0.05. */
  static parsePercent(input: unknown): Parsed<Ratio> {
    const parsed = Percent.parse(input);
    return parsed.ok ? Ratio.of(parsed.value.value / 100) : { ok: false, allowed: Ratio.ALLOWED };
  }

  get percent(): number {
    return roundFloat(this.value * 100);
  }

  toString(): string {
    return `${this.percent}%`;
  }
}

/** A percentage in [0, 100] used where Kubernetes expects an integer-like percent (HPA targets). */
export class Percent {
  private readonly brand = 'Percent' as const;
  private constructor(readonly value: number) {}

  static readonly ALLOWED = 'a percentage between 0% and 100%, such as \'80%\'';

  static parse(input: unknown): Parsed<Percent> {
    if (typeof input !== 'string' || !/^\d+(\.\d+)?%$/.test(input)) return { ok: false, allowed: Percent.ALLOWED };
    const value = Number(input.slice(0, -1));
    if (value <= 0 || value > 100) return { ok: false, allowed: Percent.ALLOWED };
    return { ok: true, value: new Percent(value) };
  }

  get ratio(): number {
    return roundFloat(this.value / 100);
  }

  toString(): string {
    return `${this.value}%`;
  }
}

/** CPU in cores; rendered back as Kubernetes millicores. */
export class CpuQuantity {
  private readonly brand = 'CpuQuantity' as const;
  private constructor(readonly cores: number) {}

  static readonly ALLOWED = "a Kubernetes CPU quantity such as '250m' or '2' (cores), greater than zero";

  static parse(input: unknown): Parsed<CpuQuantity> {
    if (typeof input !== 'string' || !/^(\d+m|\d+(\.\d+)?)$/.test(input)) return { ok: false, allowed: CpuQuantity.ALLOWED };
    const cores = input.endsWith('m') ? Number(input.slice(0, -1)) / 1000 : Number(input);
    if (cores <= 0) return { ok: false, allowed: CpuQuantity.ALLOWED };
    return { ok: true, value: new CpuQuantity(cores) };
  }

  /** Kubernetes text, always in millicores for stable output: `'2000m'`. */
  get text(): string {
    return `${Math.round(this.cores * 1000)}m`;
  }

  toString(): string {
    return this.text;
  }
}

const MEMORY_FACTORS = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 } as const;

/** Memory in bytes; keeps the text it was written in (`'4Gi'`) for manifests. */
export class MemoryQuantity {
  private readonly brand = 'MemoryQuantity' as const;
  private constructor(readonly text: string, readonly bytes: number) {}

  static readonly ALLOWED = "a Kubernetes memory quantity with a binary suffix such as '512Mi' or '4Gi', greater than zero";

  static parse(input: unknown): Parsed<MemoryQuantity> {
    const match = typeof input === 'string' ? /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(input) : null;
    if (!match) return { ok: false, allowed: MemoryQuantity.ALLOWED };
    const bytes = Number(match[1]) * MEMORY_FACTORS[match[2] as keyof typeof MEMORY_FACTORS];
    if (bytes <= 0) return { ok: false, allowed: MemoryQuantity.ALLOWED };
    return { ok: true, value: new MemoryQuantity(input as string, bytes) };
  }

  toString(): string {
    return this.text;
  }
}

/** Removes binary float noise (0.07 * 100 = 7.000000000000001) from values shown to people. */
export function roundFloat(value: number): number {
  return Number(value.toPrecision(12));
}
