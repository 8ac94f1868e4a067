import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkRules, checkRulesAll, PromtoolNotFoundError, promtoolVersion, runPromtoolTests, runPromtoolTestsAll,
} from '../../../lib/testing/promtool.js';

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

describe('runPromtoolTestsAll (a pool of promtool processes with a content cache)', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'oac-promtool-cache-'));
  });
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });
  const job = (firesAt: string) => ({ files: { 'rules/example.yaml': RULES, 'example.test.yaml': testFile(firesAt) }, testFile: 'example.test.yaml' });

  it('returns each job\'s result in the order of the jobs, whatever finishes first', async () => {
    const results = await runPromtoolTestsAll([job('1m'), job('30s'), job('1m')], { cacheDir, concurrency: 3 });
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]!.output).toContain('FAILED');
  });

  it('skips a job that already passed with the same input and promtool, and runs failures and changed input again', async () => {
    const first = await runPromtoolTestsAll([job('1m'), job('30s')], { cacheDir });
    const again = await runPromtoolTestsAll([job('1m'), job('30s'), job('2m')], { cacheDir });
    expect(first.map((r) => r.cached)).toEqual([false, false]);
    expect(again.map((r) => [r.ok, r.cached])).toEqual([[true, true], [false, false], [true, false]]);
    expect(again[0]!.output).toBe(first[0]!.output);
  });

  it('never reads or writes a cache when cacheDir is false', async () => {
    await runPromtoolTestsAll([job('1m')], { cacheDir });
    const results = await runPromtoolTestsAll([job('1m')], { cacheDir: false });
    expect(results[0]).toMatchObject({ ok: true, cached: false });
  });

  it('rejects with the install hint when promtool is missing', async () => {
    await expect(runPromtoolTestsAll([job('1m')], { cacheDir, promtool: '/nonexistent/promtool' })).rejects.toThrow(PromtoolNotFoundError);
  });
});

describe('checkRulesAll (batched promtool check rules)', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'oac-promtool-cache-'));
  });
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });
  const invalid = RULES.replace('== 0', '== ');

  it('gives every file, in order, the result and output promtool gives it alone', async () => {
    const files = [
      { path: 'prometheus-rules.yaml', content: RULES },
      { path: 'prometheus-rules.yaml', content: invalid },
      { path: 'other.yaml', content: RULES.replace('ExampleDown', 'OtherDown') },
    ];
    const together = await checkRulesAll(files, { cacheDir, batchSize: 3, concurrency: 1 });
    const alone = await Promise.all(files.map((f) => checkRules({ [f.path]: f.content }, f.path)));
    expect(together.map((r) => r.ok)).toEqual([true, false, true]);
    expect(together.map((r) => r.output)).toEqual(alone.map((r) => r.output));
  });

  it('checks only the files that have not passed before', async () => {
    await checkRulesAll([{ path: 'a.yaml', content: RULES }], { cacheDir });
    const results = await checkRulesAll([{ path: 'a.yaml', content: RULES }, { path: 'b.yaml', content: RULES }], { cacheDir });
    expect(results.map((r) => [r.ok, r.cached])).toEqual([[true, true], [true, false]]);
  });
});

describe('promtoolVersion', () => {
  it('reads the version promtool reports, which every cache key includes', async () => {
    expect(await promtoolVersion()).toMatch(/^promtool, version \d+\.\d+\.\d+/);
  });
});
