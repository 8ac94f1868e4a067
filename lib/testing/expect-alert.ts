import { DEFAULT_PLATFORM, type PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { Duration, type DurationText } from '../core/units.js';
import { alertTestFiles, RULE_FILE, TEST_FILE, type AlertClaim, type AlertTestFiles } from './alert-test.js';
import { alertUnderTest, type AlertUnderTest } from './alert-under-test.js';
import { show, type AlertValue, type ClientLibrary } from './alert-values.js';
import { runPromtoolTests, type PromtoolOptions } from './promtool.js';
import { promtoolTimeoutMs } from './promtool-timeout.js';

export interface ExpectAlertOptions {
  /** The platform the stack is synthesized with (its evaluation interval, its runbook URLs). @default DEFAULT_PLATFORM */
  readonly platform?: PlatformConfig;
  /** How the service's client library writes its metrics (histogram `le` labels). @default 'python' */
  readonly client?: ClientLibrary;
  /** Which promtool to run. */
  readonly promtool?: Pick<PromtoolOptions, 'promtool'>['promtool'];
}

/** What a passing check resolves to. */
export interface AlertCheckResult {
  /** The claim as a sentence, the name of the promtool test group. */
  readonly sentence: string;
  readonly ok: boolean;
  /** promtool's output (its got/expected on failure). */
  readonly output: string;
  readonly ruleFile: string;
  readonly testFile: string;
}

/** A failed claim: the message holds the sentence, the rule and promtool's got/expected output. */
export class AlertExpectationError extends Error {
  constructor(readonly result: AlertCheckResult, rule: string) {
    super(`${result.sentence}: promtool test rules failed.\n  rule: ${rule}\n${indent(failureText(result.output))}`);
    this.name = 'AlertExpectationError';
  }
}

/**
 * Assertions on one alert of a stack, each proven by real promtool on the stack's own rendered rules:
 *
 *   await expectAlert(stack, 'PaymentsHighLatency').toFire({ p95: '2.5s' }).after('5m');
 *   await expectAlert(stack, 'PaymentsHighLatency').toStaySilent({ p95: '1.9s' });
 *   await expectAlert(stack, 'PaymentsAvailabilityBurnRatePageFast').toFire({ burn: 15 });
 *
 * Each assertion is a thenable: awaiting it runs promtool and rejects with an {@link AlertExpectationError}
 * showing promtool's got/expected when the claim is false. `.check()` resolves with the result instead,
 * `.files()` returns the generated promtool files. Names, values and the stack are checked at once (a
 * clear error, thrown synchronously).
 */
export function expectAlert(stack: ServiceStack, alertName: string, options: ExpectAlertOptions = {}): AlertAssertions {
  const platform = options.platform ?? DEFAULT_PLATFORM;
  const target = alertUnderTest(stack, alertName, platform);
  const run: RunContext = { target, platform, client: options.client ?? 'python', ...(options.promtool !== undefined && { promtool: options.promtool }) };
  return {
    toFire: (value) => new FiringCheck(run, value),
    toStaySilent: (value) => new AlertCheck(run, value, { kind: 'silent' }),
  };
}

export interface AlertAssertions {
  /** The alert fires (after its `for`) while its signal holds this value; `.after(d)` also pins the delay. */
  toFire(value: AlertValue): FiringCheck;
  /** The alert is neither pending nor firing while its signal holds this value. */
  toStaySilent(value: AlertValue): AlertCheck;
}

interface RunContext {
  readonly target: AlertUnderTest;
  readonly platform: PlatformConfig;
  readonly client: ClientLibrary;
  readonly promtool?: string;
}

export class AlertCheck implements PromiseLike<AlertCheckResult> {
  private readonly generated: AlertTestFiles;

  constructor(protected readonly run: RunContext, protected readonly value: AlertValue, claim: AlertClaim) {
    this.generated = alertTestFiles(run.target, value, claim, run.client, run.platform.evaluationInterval);
  }

  /** The generated promtool rule and test files (YAML) and the claim's sentence. */
  files(): AlertTestFiles {
    return this.generated;
  }

  /** promtool's stop-after time for this check, in ms; also a safe test-runner timeout. */
  get timeoutMs(): number {
    return promtoolTimeoutMs(this.generated.steps, this.run.target.groups.reduce((n, g) => n + g.rules.length, 0));
  }

  /** Runs promtool; resolves with the result whether or not the claim holds. */
  async check(): Promise<AlertCheckResult> {
    const { ruleFile, testFile, sentence } = this.generated;
    const result = await runPromtoolTests({ [RULE_FILE]: ruleFile, [TEST_FILE]: testFile }, TEST_FILE, {
      timeoutMs: this.timeoutMs,
      ...(this.run.promtool !== undefined && { promtool: this.run.promtool }),
    });
    return { sentence, ok: result.ok, output: result.output, ruleFile, testFile };
  }

  then<T = AlertCheckResult, E = never>(
    onfulfilled?: ((value: AlertCheckResult) => T | PromiseLike<T>) | null,
    onrejected?: ((reason: unknown) => E | PromiseLike<E>) | null,
  ): Promise<T | E> {
    return this.check()
      .then((result) => {
        if (!result.ok) throw new AlertExpectationError(result, `${this.run.target.rule.expr} for ${this.run.target.rule.for}`);
        return result;
      })
      .then(onfulfilled, onrejected);
  }

  toString(): string {
    return `expectAlert(${this.run.target.name}) with ${show(this.value)}`;
  }
}

export class FiringCheck extends AlertCheck {
  constructor(run: RunContext, value: AlertValue) {
    super(run, value, { kind: 'fires' });
  }

  /**
   * It fires exactly this long after its condition first holds (pending then), and not one evaluation
   * sooner: the alert's `for`, rounded up to the evaluation interval.
   */
  after(duration: DurationText | '0s'): AlertCheck {
    const parsed = duration === '0s' ? { ok: true as const, value: Duration.ofSeconds(0) } : Duration.parse(duration);
    if (!parsed.ok) throw new Error(`${this.run.target.name}: after: '${String(duration)}' is invalid; allowed: ${parsed.allowed}, or '0s'`);
    return new AlertCheck(this.run, this.value, { kind: 'fires', afterMs: parsed.value.seconds * 1000 });
  }
}

/** promtool's failure report without its blank lines and header. */
function failureText(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Unit Testing:'));
  return lines.join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
