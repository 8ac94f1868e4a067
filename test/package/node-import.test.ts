import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, packedPackage, type ConsumerProject } from '../support/packed-package.js';
import { PACKAGE_ENTRIES } from './entries.js';

describe('the installed package under plain node (no tsx, no TypeScript)', () => {
  let project: ConsumerProject;
  beforeAll(async () => {
    project = await consumerProject();
  });
  afterAll(() => project?.remove());

  it.each(PACKAGE_ENTRIES)('imports %s', async (entry) => {
    const run = await project.run('node', ['--input-type=module', '-e', `const m = await import('${entry}'); console.log(Object.keys(m).length);`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(Number(run.stdout.trim())).toBeGreaterThan(0);
  });

  it('exports defineService, defineSlo and runSynth from the root entry', async () => {
    const run = await project.run('node', ['--input-type=module', '-e',
      "import { defineService, defineSlo, runSynth } from 'observability-as-code'; console.log([defineService, defineSlo, runSynth].map((f) => typeof f).join(','));"]);
    expect(run.stdout.trim()).toBe('function,function,function');
  });

  it('installs the oac command, which prints the package version', async () => {
    const { version } = await packedPackage();
    const run = await project.run('npx', ['--no-install', 'oac', '--version']);
    expect(run.stdout.trim()).toBe(version);
    expect(run.code).toBe(0);
  });
});
