import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { consumerProject, REPO_ROOT, type ConsumerProject, type RunResult } from '../support/packed-package.js';

/**
 * A team's own repository, as a new user sets it up: the packed package installed from its tarball
 * (offline), and the payments-api service of examples/testing/ written through the public entries only
 * (`observability-as-code`, `/alerts`, `/dashboards`, `/testing`). Those example files are what the README
 * shows, so they are compiled and run here and cannot rot.
 */
const EXAMPLE = join(REPO_ROOT, 'examples', 'testing');

async function exampleFiles(dir = EXAMPLE): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, await exampleFiles(path));
    else files[relative(EXAMPLE, path)] = await readFile(path, 'utf8');
  }
  return files;
}

const output = (r: RunResult): string => `${r.stdout}${r.stderr}`;
// No colours, no watch mode, never write a snapshot: the consumer's CI.
const CI_ENV = { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };

describe('a consumer repository with the payments-api service', () => {
  let project: ConsumerProject;
  let vitest: RunResult;
  beforeAll(async () => {
    project = await consumerProject(await exampleFiles(), {
      extraDependencies: ['vitest@4.0.18', 'typescript@5.9.3', '@types/node@20.19.43'],
    });
  }, 600_000);
  afterAll(() => project?.remove());

  it('compiles with strict, exactOptionalPropertyTypes and noPropertyAccessFromIndexSignature', { timeout: 300_000 }, async () => {
    const tsc = await project.run('npx', ['tsc', '-p', '.']);
    expect(output(tsc)).toBe('');
    expect(tsc.code).toBe(0);
  });

  it('synthesizes its service with npx oac synth', { timeout: 300_000 }, async () => {
    const synth = await project.run('npx', ['oac', 'synth']);
    expect(output(synth)).toContain('payments-api');
    expect(synth.code).toBe(0);
    const read = (path: string) => readFile(join(project.dir, 'dist', 'payments-api', path), 'utf8');
    const rules = parse(await read('prometheus-rules.yaml')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(alerts.find((r) => r.alert === 'PaymentsHighLatency')?.expr).toMatch(/> 2$/);
    expect(alerts.find((r) => r.alert === 'PaymentsHighErrorRate')?.expr).toMatch(/> 0\.01 and on\(\) sum\(increase\(http_requests_total\{job="payments-api"\}\[5m\]\)\) >= 100$/);
    expect(alerts.find((r) => r.alert === 'PaymentsHighCPU')?.expr).toMatch(/> 0\.85$/);
    expect(alerts.map((r) => r.alert)).toContain('PaymentsAvailabilityBurnRatePageFast');
    const hpa = parse(await read('k8s/horizontalpodautoscaler-payments-api.yaml')) as { spec: { minReplicas: number; maxReplicas: number; metrics: unknown[] } };
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 12, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 60 } } }] });
    expect(await read('dashboards/payments-api.json')).toContain('"uid": "payments-api"');
  });

  it('passes its generated promtool tests with npx oac test', { timeout: 600_000 }, async () => {
    const test = await project.run('npx', ['oac', 'test']);
    expect(output(test)).toMatch(/payments-api/);
    expect(test.code).toBe(0);
  });

  it("passes its own vitest tests, written with expectAlert and the threshold table", { timeout: 600_000 }, async () => {
    vitest = await project.run('npx', ['vitest', 'run'], { env: CI_ENV, timeoutMs: 600_000 });
    expect(output(vitest)).toMatch(/Tests\s+8 passed \(8\)/);
    expect(vitest.code).toBe(0);
  });

  it('fails the same tests, with promtool\'s got/expected, once the consumer moves a threshold', { timeout: 600_000 }, async () => {
    const source = await readFile(join(EXAMPLE, 'stacks', 'payments-api.ts'), 'utf8');
    const moved = source.replace("above: '2s'", "above: '5s'").replace("above: '1%'", "above: '2%'");
    expect(moved).not.toBe(source);
    await project.write('stacks/payments-api.ts', moved);
    const failed = await project.run('npx', ['vitest', 'run'], { env: CI_ENV, timeoutMs: 600_000 });
    const text = output(failed);
    expect(failed.code).toBe(1);
    expect(text).toMatch(/Tests\s+4 failed \| 4 passed \(8\)/);
    expect(text).toContain('AlertExpectationError: PaymentsHighLatency fires 5m after its condition holds with p95 = 2.5s (Python buckets, le="2.5"): promtool test rules failed.');
    expect(text).toContain('AlertExpectationError: PaymentsHighErrorRate fires 5m after its condition holds with 5xx = 1.5% of responses (after 5m without errors): promtool test rules failed.');
    expect(text).toMatch(/exp: \{alertname="PaymentsHighLatency", alertstate="firing"\} 1E\+00\n\s+got: nil/);
    expect(text).toContain('Snapshot `payments-api alerts > changes thresholds only through a reviewed snapshot 1` mismatched');
  });
});
