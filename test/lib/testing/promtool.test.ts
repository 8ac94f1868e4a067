import { describe, expect, it } from 'vitest';
import { checkRules, PromtoolNotFoundError, runPromtoolTests } from '../../../lib/testing/promtool.js';

const RULES = `groups:
  - name: example
    interval: 1m
    rules:
      - alert: ExampleDown
        expr: up{job="example"} == 0
        for: 1m
        labels: { severity: critical }
`;

const testFile = (firesAt: string) => `rule_files: [rules/example.yaml]
evaluation_interval: 1m
tests:
  - name: ExampleDown fires when up is 0 for 1m
    interval: 1m
    input_series:
      - series: 'up{job="example",instance="a:1"}'
        values: 0x5
    alert_rule_test:
      - eval_time: ${firesAt}
        alertname: ExampleDown
        exp_alerts:
          - exp_labels: { severity: critical, job: example, instance: "a:1" }
`;

describe('runPromtoolTests', () => {
  it('reports success with promtool output, resolving rule files relative to the test file', async () => {
    const result = await runPromtoolTests({ 'rules/example.yaml': RULES, 'example.test.yaml': testFile('1m') }, 'example.test.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('returns ok: false with the failure in the output instead of throwing when a test fails', async () => {
    const result = await runPromtoolTests({ 'rules/example.yaml': RULES, 'example.test.yaml': testFile('30s') }, 'example.test.yaml');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('FAILED');
    expect(result.output).toContain('name: ExampleDown fires when up is 0 for 1m');
  });

  it('throws a clear error naming the install command when promtool is missing', async () => {
    const run = runPromtoolTests({ 't.yaml': '' }, 't.yaml', { promtool: '/nonexistent/promtool' });
    await expect(run).rejects.toThrow(PromtoolNotFoundError);
    await expect(runPromtoolTests({ 't.yaml': '' }, 't.yaml', { promtool: '/nonexistent/promtool' })).rejects.toThrow(
      "promtool not found (tried '/nonexistent/promtool'): install it with `sudo apt-get install -y --no-install-recommends prometheus`",
    );
  });

  it('refuses paths that would leave the temporary directory', async () => {
    await expect(runPromtoolTests({ '../evil.yaml': '' }, '../evil.yaml')).rejects.toThrow(
      "file paths must be relative and stay inside the temporary directory, got '../evil.yaml'",
    );
    await expect(runPromtoolTests({ '/tmp/evil.yaml': '' }, '/tmp/evil.yaml')).rejects.toThrow('got \'/tmp/evil.yaml\'');
  });

  it('refuses a test file that is not among the files given', async () => {
    await expect(runPromtoolTests({ 'rules.yaml': RULES }, 'rules.test.yaml')).rejects.toThrow(
      "'rules.test.yaml' is not among the files given (rules.yaml)",
    );
  });
});

describe('checkRules', () => {
  it('accepts a valid rule file', async () => {
    const result = await checkRules({ 'rules.yaml': RULES }, 'rules.yaml');
    expect(result.output).toContain('SUCCESS: 1 rules found');
    expect(result.ok).toBe(true);
  });

  it('returns ok: false with promtool\'s reason for an invalid rule file', async () => {
    const result = await checkRules({ 'rules.yaml': RULES.replace('== 0', '== ') }, 'rules.yaml');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('FAILED');
  });
});
