import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopProject, type CliProject } from './cli-project.js';

describe('loading the entry', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await shopProject({
      'src/broken.ts': "export const broken = { service: { name: 'x' } };\nconst levels: Record<string, { sev: string }> = {};\nexport const level = levels['page']!.sev;\n",
      'entries/throws.ts': "import { broken } from '../src/broken.js';\nexport const stacks = [broken];\nexport { platform } from '../stacks/platform.js';\n",
      'entries/missing-import.ts': "import { shop } from '../src/no-such-file.js';\nexport const stacks = [shop];\n",
      'entries/no-exports.ts': 'export const services = [];\n',
      'entries/syntax.ts': 'export const stacks = [;\n',
    });
  });
  afterAll(() => project?.remove());

  it('reads stacks/index.ts by default', async () => {
    const run = await project.oac(['list', '--json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { services: { name: string }[] }).services.map((s) => s.name)).toEqual(['shop-api']);
  });

  it('names the stack file and line when a module of the entry throws while loading, without a trace', async () => {
    const run = await project.oac(['synth', '--entry', 'entries/throws.ts']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "synth failed; dist/ left unchanged.\ncould not load entries/throws.ts: TypeError: Cannot read properties of undefined (reading 'sev') (at src/broken.ts:3)\n",
    );
  });

  it('names the module that cannot be found', async () => {
    const run = await project.oac(['synth', '--entry', 'entries/missing-import.ts', '--out', 'out']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^synth failed; out\/ left unchanged\.\ncould not load entries\/missing-import\.ts: .*no-such-file/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the file with a syntax error', async () => {
    const run = await project.oac(['validate', '--entry', 'entries/syntax.ts']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^validate failed; nothing was written\.\ncould not load entries\/syntax\.ts: .*syntax\.ts/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which export is missing', async () => {
    const run = await project.oac(['list', '--entry', 'entries/no-exports.ts']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("entries/no-exports.ts: export 'stacks' (an array of ServiceStack, or lazyStacks(names, build)) is missing; export 'platform'");
  });

  it('exits 2 when the entry does not exist, saying how to choose one', async () => {
    const run = await project.oac(['list', '--entry', 'nowhere.ts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('oac: entry nowhere.ts not found (from --entry); pass --entry <file> or set "oac": { "entry": "<file>" } in package.json');
  });

  it('takes the entry from package.json "oac.entry"', async () => {
    await project.write('package.json', JSON.stringify({ name: 'platform-repo', private: true, type: 'module', oac: { entry: 'entries/no-exports.ts' } }));
    try {
      const run = await project.oac(['list']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("entries/no-exports.ts: export 'stacks'");
    } finally {
      await project.write('package.json', JSON.stringify({ name: 'platform-repo', private: true, type: 'module' }));
    }
  });
});
