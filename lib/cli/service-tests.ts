import { parse } from 'yaml';
import { RULE_FILE, RULE_TEST_FILE } from '../synth/service-artifacts.js';
import { runPromtoolTests, type PromtoolResult } from '../testing/promtool.js';

/** One service's generated promtool tests, as synth renders them. */
export interface ServiceTestFiles {
  readonly service: string;
  /** Contents of `prometheus-rules.yaml` and `prometheus-rules.test.yaml`. */
  readonly rules: string;
  readonly tests: string;
}

export interface ServiceTestResult {
  readonly service: string;
  readonly result: PromtoolResult;
  /** Test groups (`tests:` entries) and alert assertions (`exp_alerts` checks) in the file. */
  readonly groups: number;
  readonly assertions: number;
  readonly seconds: number;
}

/** The test files of every service in `files` (paths relative to the output folder). */
export function serviceTestFiles(files: ReadonlyMap<string, string>, services: readonly string[]): ServiceTestFiles[] {
  return services.flatMap((service) => {
    const rules = files.get(`${service}/${RULE_FILE}`);
    const tests = files.get(`${service}/${RULE_TEST_FILE}`);
    return rules !== undefined && tests !== undefined ? [{ service, rules, tests }] : [];
  });
}

/**
 * Runs `promtool test rules` for each service: the one place `oac test` runs promtool, so making it
 * parallel or cached changes this function only. Results come back in the order given.
 */
export async function runServiceTests(services: readonly ServiceTestFiles[], onResult?: (result: ServiceTestResult) => void): Promise<ServiceTestResult[]> {
  const results: ServiceTestResult[] = [];
  for (const files of services) {
    const started = performance.now();
    const result = await runPromtoolTests({ [RULE_FILE]: files.rules, [RULE_TEST_FILE]: files.tests }, RULE_TEST_FILE);
    const counted = countTests(files.tests);
    const done: ServiceTestResult = { service: files.service, result, ...counted, seconds: (performance.now() - started) / 1000 };
    onResult?.(done);
    results.push(done);
  }
  return results;
}

function countTests(testYaml: string): { groups: number; assertions: number } {
  const doc = parse(testYaml) as { tests?: { alert_rule_test?: unknown[]; promql_expr_test?: unknown[] }[] } | null;
  const tests = doc?.tests ?? [];
  const assertions = tests.reduce((n, t) => n + (t.alert_rule_test?.length ?? 0) + (t.promql_expr_test?.length ?? 0), 0);
  return { groups: tests.length, assertions };
}
