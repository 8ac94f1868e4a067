import { parse } from 'yaml';
import type { ServiceStack } from '../core/stack.js';
import { RULE_FILE, RULE_TEST_FILE } from '../synth/service-artifacts.js';
import type { PooledPromtoolResult, PromtoolPoolOptions, PromtoolResult } from '../testing/promtool.js';
import { proveAll } from '../testing/promtool-split.js';
import { proveByShape, provenByKey, serviceIdentity, shapeKey } from '../testing/promtool-shapes.js';
import { evaluationIntervalMs, evaluationSteps, promtoolTimeoutMs } from '../testing/promtool-timeout.js';
import type { PromtoolTestFile } from '../render/promtool/test-file.js';

/** One service's generated promtool tests, as synth renders them. */
export interface ServiceTestFiles {
  readonly service: string;
  /** Contents of `prometheus-rules.yaml` and `prometheus-rules.test.yaml`. */
  readonly rules: string;
  readonly tests: string;
  /**
   * The service's own names (name, title, alert prefix in both cases, team, namespace, workloads, jobs), in that order:
   * services whose files differ only in them share one promtool run (lib/testing/promtool-shapes.ts).
   * Without them the service always runs on its own.
   */
  readonly identity?: readonly string[];
}

/** How a service's verdict was reached. */
export type ProofSource =
  | { readonly kind: 'promtool' }
  | { readonly kind: 'cache' }
  /** Its files are an exact renaming of `service`'s, which promtool proved (or the cache held). */
  | { readonly kind: 'renaming'; readonly service: string };

export interface ServiceTestResult {
  readonly service: string;
  readonly result: PromtoolResult;
  /** Test groups (`tests:` entries) and alert assertions (`exp_alerts` checks) in the file. */
  readonly groups: number;
  readonly assertions: number;
  /** promtool's run time for this service (0 from the cache or a renaming). */
  readonly seconds: number;
  readonly source: ProofSource;
}

/** The test files of every stack in `files` (paths relative to the output folder). */
export function serviceTestFiles(files: ReadonlyMap<string, string>, stacks: readonly ServiceStack[]): ServiceTestFiles[] {
  return stacks.flatMap(({ service }) => {
    const rules = files.get(`${service.name}/${RULE_FILE}`);
    const tests = files.get(`${service.name}/${RULE_TEST_FILE}`);
    const identity = serviceIdentity(service);
    return rules !== undefined && tests !== undefined ? [{ service: service.name, rules, tests, identity }] : [];
  });
}

/**
 * Runs `promtool test rules` for each service: the one place `oac test` runs promtool. Services whose
 * files are renamings of another's (same shape) are proven by one run, the first of them in the order
 * given; the others take its verdict. Every other service, and every member of a shape whose run failed
 * (so each failure is reported with promtool's own output), runs on its own. Each run is split into runs
 * that load only the rules their test groups read, and a service with a failing part runs whole
 * (lib/testing/promtool-split.ts); all go through the pooled runner: every core, and input that already
 * passed with this promtool is taken from the cache.
 * `onResult` sees results in the order given, as soon as each and all before it are known.
 */
export async function runServiceTests(
  services: readonly ServiceTestFiles[],
  onResult?: (result: ServiceTestResult) => void,
  options: PromtoolPoolOptions = {},
): Promise<ServiceTestResult[]> {
  const files = services.map((s) => ({ [RULE_FILE]: s.rules, [RULE_TEST_FILE]: s.tests }));
  // The first service of each shape proves it; a service without a shape is its own representative.
  const keys = services.map((s, i) => shapeKey({ files: files[i]!, ...(s.identity && { identity: s.identity }) }));
  const provenBy = provenByKey(keys);
  const results: (ServiceTestResult | undefined)[] = new Array(services.length);
  let reported = 0;
  const report = (): void => {
    while (reported < services.length && results[reported] !== undefined) {
      // Not `onResult?.(results[reported++])`: without a callback, `?.` skips the argument, increment included.
      const next = results[reported++]!;
      onResult?.(next);
    }
  };
  const counts = new Map<number, TestCounts>();
  const countsOf = (i: number): TestCounts => {
    // A renaming has the same groups, assertions and evaluations as its representative.
    const head = provenBy[i]!;
    if (!counts.has(head)) counts.set(head, countTests(services[head]!));
    return counts.get(head)!;
  };
  // Each run may take as long as its evaluations need (a large service on a loaded machine takes minutes),
  // and no longer: a promtool that hangs is stopped and reported, so `oac test` always ends.
  const jobs = services.map((_, i) => ({
    files: files[i]!, testFile: RULE_TEST_FILE, timeoutMs: options.timeoutMs ?? promtoolTimeoutMs(countsOf(i).evaluationSteps, countsOf(i).rules),
  }));
  await proveByShape<PooledPromtoolResult>(keys, async (indices, done) => {
    await proveAll(indices.map((i) => jobs[i]!), { ...options, onResult: (n, result) => done(indices[n]!, result) });
  }, {
    onVerdict: (i, verdict) => {
      if (verdict.kind === 'proven') return; // no memo is passed: every shape runs (or comes from the cache)
      const { result } = verdict;
      const source: ProofSource = verdict.kind === 'renaming' ? { kind: 'renaming', service: services[verdict.of]!.service } : { kind: result.cached ? 'cache' : 'promtool' };
      results[i] = {
        service: services[i]!.service, result: { ok: result.ok, output: result.output }, groups: countsOf(i).groups, assertions: countsOf(i).assertions,
        seconds: source.kind === 'promtool' ? result.seconds : 0, source,
      };
      report();
    },
  });
  report();
  return results as ServiceTestResult[];
}

interface TestCounts {
  readonly groups: number;
  readonly assertions: number;
  readonly evaluationSteps: number;
  readonly rules: number;
}

function countTests(files: ServiceTestFiles): TestCounts {
  // Our own file: its annotation aliases are not an attack, however many there are.
  const doc = parse(files.tests, { maxAliasCount: -1 }) as (Partial<Pick<PromtoolTestFile, 'evaluation_interval'>> & { tests?: PromtoolTestFile['tests'] }) | null;
  const tests = doc?.tests ?? [];
  const assertions = tests.reduce((n, t) => n + (t.alert_rule_test?.length ?? 0) + (t.promql_expr_test?.length ?? 0), 0);
  const rules = (parse(files.rules) as { groups?: { rules?: unknown[] }[] } | null)?.groups?.reduce((n, g) => n + (g.rules?.length ?? 0), 0) ?? 0;
  return { groups: tests.length, assertions, evaluationSteps: evaluationSteps({ tests }, evaluationIntervalMs(doc)), rules };
}
