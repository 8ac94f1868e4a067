import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProject, INDEX, PLATFORM, SHOP_SERVICE, type CliProject } from '../cli-project.js';

describe('oac test', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await cliProject({ 'src/shop.ts': SHOP_SERVICE, 'stacks/platform.ts': PLATFORM, 'stacks/index.ts': INDEX });
  });
  afterAll(() => project?.remove());

  it('runs the generated promtool tests, a line per service with counts and time', async () => {
    const run = await project.oac(['test']);
    expect(run.stderr).toContain('oac: promtool test rules for 1 service(s)...');
    expect(run.stdout).toMatch(/^ {2}shop-api: \d+ test groups, \d+ assertions passed in \d+\.\ds$/m);
    expect(run.stdout).toContain('1 of 1 service(s) passed');
    expect(run.code).toBe(0);
  });

  it('exits 2 for an unknown service given with --only', async () => {
    const run = await project.oac(['test', '--only', 'billing']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--only: unknown service 'billing'; known: shop-api");
  });
});
