import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { packedPackage, REPO_ROOT } from '../support/packed-package.js';
import { PACKAGE_ENTRIES } from './entries.js';

const exec = promisify(execFile);

describe('the packed tarball', () => {
  it('holds the compiled build, the README, the CHANGELOG and package.json, and nothing of this organisation', async () => {
    const { files } = await packedPackage();
    expect(files.filter((f) => !f.startsWith('build/'))).toEqual(['CHANGELOG.md', 'README.md', 'package.json']);
    expect(files.filter((f) => !/\.(js|d\.ts|d\.ts\.map)$/.test(f) && f.startsWith('build/'))).toEqual([]);
    expect(files.filter((f) => /^build\/(stacks|test|bench|dist)\//.test(f))).toEqual([]);
    expect(files).toContain('build/lib/index.js');
    expect(files).toContain('build/lib/index.d.ts');
    expect(files).toContain('build/lib/cli/main.js');
  });

  it('has an export with types for every documented entry, and a bin', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      private?: boolean; exports: Record<string, unknown>; bin: Record<string, string>;
    };
    expect(pkg.private).toBeUndefined();
    expect(Object.keys(pkg.exports).sort()).toEqual([...PACKAGE_ENTRIES.map((e) => e.replace('observability-as-code', '.')), './package.json'].sort());
    expect(pkg.bin).toEqual({ oac: './build/lib/cli/main.js' });
  });

  it('passes publint with no message at all (suggestions included)', async () => {
    const { tarball } = await packedPackage();
    const data = await readFile(tarball);
    const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, level: 'suggestion', strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
  });

  it('passes @arethetypeswrong/cli (ESM-only profile) with no problem on any entry', async () => {
    const { tarball } = await packedPackage();
    // ESM only: `node10` (no `exports` support) and `require()` from CommonJS are out of scope, which is what
    // the esm-only profile ignores; its exit code is 0 only when every other resolution is clean.
    const attw = join(REPO_ROOT, 'node_modules/.bin/attw');
    const run = await exec(attw, [tarball, '--profile', 'esm-only', '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 })
      .then(({ stdout }) => ({ code: 0, stdout }), (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '' }));
    const report = JSON.parse(run.stdout) as { analysis: { entrypoints: Record<string, unknown> }; problems?: Record<string, { resolutionKind?: string }[]> };
    const inScope = Object.values(report.problems ?? {}).flat().filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs');
    expect(inScope).toEqual([]);
    expect(run.code).toBe(0);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([...PACKAGE_ENTRIES.map((e) => e.replace('observability-as-code', '.')), './package.json'].sort());
  });
});
