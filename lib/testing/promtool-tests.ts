import { formatIssues } from '../core/issues.js';
import { DEFAULT_PLATFORM, type PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { ruleGroupsFor } from '../render/prometheus/rule-groups.js';
import { parseInterval } from '../render/promtool/resolve.js';
import { promtoolTestsFor } from '../render/promtool/test-file.js';
import { promtoolTestFileYaml } from '../render/promtool/test-file-yaml.js';
import { toYaml } from '../render/yaml.js';
import type { PromtoolOptions } from './promtool.js';
import { proveAll } from './promtool-split.js';
import { evaluationSteps, promtoolTimeoutMs } from './promtool-timeout.js';

const RULE_FILE = 'prometheus-rules.yaml';
const TEST_FILE = 'prometheus-rules.test.yaml';

export interface PromtoolTestsOptions {
  /** @default DEFAULT_PLATFORM */
  readonly platform?: PlatformConfig;
  readonly promtool?: PromtoolOptions['promtool'];
}

export interface PromtoolTestsResult {
  readonly ok: boolean;
  /** Names of the test groups promtool reports as failed (empty when all pass). */
  readonly failures: readonly string[];
  /** Number of test groups (scenarios) run. */
  readonly scenarios: number;
  readonly output: string;
}

/**
 * The promtool tests synth generates for a stack (every alert at its threshold, every SLO tier), as
 * files and a runner. The timeout scales with the work: one evaluation of every rule per evaluation
 * step of every scenario. Give it to your test too, rather than your runner's default:
 *
 *   const proofs = promtoolTests(paymentsApi, { platform });
 *   it(`passes its ${proofs.scenarios} generated promtool tests`, { timeout: proofs.timeoutMs }, async () => {
 *     expect((await proofs.run()).failures).toEqual([]);
 *   });
 *
 * Awaiting the object itself runs it too (`const result = await promtoolTests(stack)`).
 */
export function promtoolTests(stack: ServiceStack, options: PromtoolTestsOptions = {}): PromtoolTestSuite {
  const issues = stack.service.issues.issues;
  if (issues.length > 0) throw new Error(`${stack.service.name} is not a valid service, so its promtool tests cannot be generated:\n${formatIssues(issues)}`);
  return new PromtoolTestSuite(stack, options.platform ?? DEFAULT_PLATFORM, options.promtool);
}

export class PromtoolTestSuite implements PromiseLike<PromtoolTestsResult> {
  readonly ruleFile: string;
  readonly testFile: string;
  /** Test groups (scenarios) in the file. */
  readonly scenarios: number;
  /** Evaluation steps over every scenario (each runs from 0 to its last eval_time). */
  readonly evaluationSteps: number;
  /** promtool's stop-after time in ms, also meant as the test's timeout. */
  readonly timeoutMs: number;

  constructor(stack: ServiceStack, platform: PlatformConfig, private readonly promtool: string | undefined) {
    const groups = ruleGroupsFor(stack, platform);
    const file = promtoolTestsFor(stack, platform, RULE_FILE);
    this.ruleFile = toYaml({ groups });
    this.testFile = promtoolTestFileYaml(file);
    this.scenarios = file.tests.length;
    this.evaluationSteps = evaluationSteps(file, parseInterval(platform));
    this.timeoutMs = promtoolTimeoutMs(this.evaluationSteps, groups.reduce((n, g) => n + g.rules.length, 0));
  }

  async run(): Promise<PromtoolTestsResult> {
    // Split as `oac test` runs it (./promtool-split.ts): a failure is reported from a run of the whole file.
    const [result] = await proveAll([{ files: { [RULE_FILE]: this.ruleFile, [TEST_FILE]: this.testFile }, testFile: TEST_FILE, timeoutMs: this.timeoutMs }], {
      cacheDir: false,
      ...(this.promtool !== undefined && { promtool: this.promtool }),
    });
    const { ok, output } = result!;
    const failures = failedTestGroups(output);
    // A failure promtool reports without a test name (a rule file it cannot load, a stop after the timeout) still fails.
    return { ok, failures: ok ? [] : failures.length > 0 ? failures : [output.trim()], scenarios: this.scenarios, output };
  }

  then<T = PromtoolTestsResult, E = never>(
    onfulfilled?: ((value: PromtoolTestsResult) => T | PromiseLike<T>) | null,
    onrejected?: ((reason: unknown) => E | PromiseLike<E>) | null,
  ): Promise<T | E> {
    return this.run().then(onfulfilled, onrejected);
  }
}

/** Names of the test groups promtool reports under FAILED. */
export function failedTestGroups(output: string): string[] {
  return [...new Set([...output.matchAll(/^\s+name: (.*),$/gm)].map((m) => m[1]!))];
}

