import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../lib/core/index.js';
import { runSynth, type SynthOptions } from '../../../lib/synth/cli.js';
import { shopStack } from './fixture.js';
import { leftovers, treeOf } from './support/trees.js';

/** The default platform with its placeholder URLs accepted: these tests are about the output folder. */
const PLATFORM = { ...DEFAULT_PLATFORM, allowPlaceholders: true };

/** What `npm run synth` prints and exits with when the writer refuses or stops. */
let work: string;
let out: string;
let errors: string[];
let warnings: string[];
const synth = (extra: Partial<SynthOptions> = {}) => runSynth([shopStack()], PLATFORM, { check: false, outDir: out, promtool: 'off', ...extra });

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'write-cli-'));
  out = join(work, 'dist');
  errors = [];
  warnings = [];
  vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  vi.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(work, { recursive: true, force: true });
});

describe('runSynth and the output folder', () => {
  it('exits 2 on a non-empty folder without manifest, saying why and what to do', async () => {
    await mkdir(out);
    await writeFile(join(out, 'notes.txt'), 'not synth\n');
    expect(await synth()).toBe(2);
    expect(errors).toEqual([[
      'synth refused the output folder.',
      `refusing to write ${out}/: it has no .oac-manifest.json and holds 1 file(s) synth does not write:`,
      '  notes.txt',
      `Move them out of ${out}/ (synth then adopts the rest), or pass --adopt to take all its files as synth's (they are deleted). Nothing was written.`,
    ].join('\n')]);
    expect(await treeOf(out)).toEqual({ 'notes.txt': 'not synth\n' });
  });

  it('exits 1 listing a foreign file, and with keepForeign keeps it and says so', async () => {
    expect(await synth()).toBe(0);
    await writeFile(join(out, 'NOTES.md'), 'mine\n');
    expect(await synth()).toBe(1);
    expect(errors.join('\n')).toMatch(new RegExp(`^synth failed while writing; ${out}/ left unchanged\\.\\n${out}/ holds 1 file\\(s\\) synth did not write`));
    expect(await synth({ keepForeign: true })).toBe(0);
    expect(warnings).toEqual([`synth: kept 1 file(s) in ${out}/ that synth did not write (--keep-foreign):\n  NOTES.md`]);
    expect((await treeOf(out))['NOTES.md']).toBe('mine\n');
    expect(await leftovers(out)).toEqual([]);
  });
});
