import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../../lib/cli/package-version.js';
import { shopProject, type CliProject } from './cli-project.js';

describe('oac, the command line', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await shopProject();
  });
  afterAll(() => project?.remove());

  it('prints its help with every command and the exit codes, exit 0', async () => {
    const run = await project.oac(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['synth', 'validate', 'test', 'list', 'import']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(run.stdout).toContain('Exit codes: 0 ok, 1 problems found, 2 usage error, 3 internal error');
  });

  it.each([['synth', '--check'], ['validate', '--no-promtool'], ['test', '--only'], ['list', '--json'], ['import', 'openslo']])(
    'prints the help of %s, naming its options',
    async (command, option) => {
      const run = await project.oac([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: oac ${command}`);
      expect(run.stdout).toContain(option);
    },
  );

  it('prints the package version', async () => {
    const run = await project.oac(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${packageVersion()}\n` });
  });

  it('exits 2 with the help when no command is given', async () => {
    const run = await project.oac([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: oac');
  });

  it('exits 2 naming an unknown command', async () => {
    const run = await project.oac(['synthesize']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: unknown command 'synthesize'");
  });

  it('exits 2 when --out has no value, instead of ignoring it', async () => {
    const run = await project.oac(['synth', '--out']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: option '--out <dir>' argument missing");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming an unknown option', async () => {
    const run = await project.oac(['synth', '--force']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: unknown option '--force'");
  });

  it('exits 2 when --require-promtool and --no-promtool are both given', async () => {
    const run = await project.oac(['validate', '--require-promtool', '--no-promtool']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('oac: --require-promtool and --no-promtool exclude each other');
  });

  it('exits 2 listing the known services when --only names an unknown one', async () => {
    const run = await project.oac(['list', '--only', 'shop-api', 'billing']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("oac: --only: unknown service 'billing'; known: shop-api");
  });
});
