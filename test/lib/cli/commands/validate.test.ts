import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDir } from '../../../support/dist-dir.js';
import { shopProject, type CliProject } from '../cli-project.js';

describe('oac validate', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await shopProject({
      'entries/bad.ts': "import { shop } from '../src/shop.js';\nexport { platform } from '../stacks/platform.js';\nexport const stacks = [shop, shop];\n",
    });
  });
  afterAll(() => project?.remove());

  it('runs every check, promtool included, and writes nothing', async () => {
    const before = await snapshotDir(project.dir);
    const run = await project.oac(['validate', '--require-promtool']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1 service\(s\) valid \(\d+ files would be written\); nothing was written\.$/m);
    expect(run.stderr).toContain('oac: promtool check rules on 1 rule file(s)...');
    expect(await snapshotDir(project.dir)).toEqual(before);
  });

  it('exits 1 with every problem, and still writes nothing', async () => {
    const before = await snapshotDir(project.dir);
    const run = await project.oac(['validate', '--entry', 'entries/bad.ts', '--no-promtool']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^validate failed; nothing was written\.\n\d+ validation errors:\n {2}shop-api:\n/m);
    expect(run.stderr).toContain("service name: 'shop-api' is invalid; allowed: each service name used once across all services");
    expect(await snapshotDir(project.dir)).toEqual(before);
  });
});
