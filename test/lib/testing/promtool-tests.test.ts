import { describe, expect, it } from 'vitest';
import { promtoolTests } from '../../../lib/testing/index.js';
import { failedTestGroups } from '../../../lib/testing/promtool-tests.js';
import { runPromtoolTests } from '../../../lib/testing/promtool.js';
import { fixtureStack, RULE_FILE, rulesYaml, TEST_FILE, testsYaml, withThresholdsScaled } from '../render/promtool/fixture.js';
import { availabilitySpec, latencySpec, sloStack } from '../slo/fixture.js';

const stack = fixtureStack();
const suite = promtoolTests(stack);

describe('promtoolTests', () => {
  it('holds the generated tests of every alert with a timeout that grows with their evaluation steps', () => {
    expect(suite.scenarios).toBe(50);
    expect(suite.testFile).toContain('name: HarveyHighLatency fires when p95 is just above 5s for 5m');
    expect(suite.testFile).toContain('name: HarveyHighLatency stays silent when http_request_duration_seconds has no series yet');
    const withSlos = promtoolTests({ ...stack, slos: sloStack(availabilitySpec, latencySpec).slos! });
    expect(withSlos.scenarios).toBeGreaterThan(suite.scenarios);
    expect(withSlos.evaluationSteps).toBeGreaterThan(suite.evaluationSteps);
    expect(withSlos.timeoutMs).toBeGreaterThan(suite.timeoutMs);
    // Never the test runner's default of 5 s: at least a minute, plus the work.
    expect(suite.timeoutMs).toBeGreaterThan(60_000);
  });

  it('passes them under real promtool, with no failures', { timeout: suite.timeoutMs }, async () => {
    const result = await suite;
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.output).toContain('SUCCESS');
  });

  it('reports the failed scenarios by name when the rules no longer meet the tests', async () => {
    const result = await runPromtoolTests({ [RULE_FILE]: rulesYaml(withThresholdsScaled(stack, 'errorRatio', 1.05)), [TEST_FILE]: testsYaml(stack) }, TEST_FILE);
    expect(failedTestGroups(result.output)).toEqual(['HarveyHighErrorRate fires when the 5xx ratio is just above 5% for 5m']);
  });
});
