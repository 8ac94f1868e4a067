import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSynth, type SynthOptions } from '../../../lib/synth/cli.js';
import { snapshotDir } from '../../support/dist-dir.js';
import { platform, stacks } from './support/organisation-entry.js';

const entry = fileURLToPath(new URL('./support/organisation-entry.ts', import.meta.url));
let work: string;
let logs: string[];
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'synth-threads-'));
  logs = [];
  vi.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
  vi.spyOn(console, 'error').mockImplementation((m: string) => void logs.push(m));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(work, { recursive: true, force: true });
});

const synth = (outDir: string, extra: Partial<SynthOptions>) => runSynth(stacks, platform, { check: false, outDir, promtool: 'off', ...extra });

describe('synth on worker threads', () => {
  it('writes the same bytes with one thread and with two, from a cold and from a warm cache', { timeout: 600_000 }, async () => {
    const one = join(work, 'one');
    expect(await synth(one, { jobs: 1, cacheDir: false })).toBe(0);
    const reference = await snapshotDir(one);

    const two = join(work, 'two');
    expect(await synth(two, { entry, jobs: 2, cacheDir: join(work, 'cache') })).toBe(0);
    expect(await snapshotDir(two)).toEqual(reference);
    expect(logs.at(-1)).toMatch(/^wrote \d+ files for 3 service\(s\)/);

    // Warm: nothing to render, the folder keeps its bytes; then another folder from the same warm cache.
    expect(await synth(two, { entry, jobs: 2, cacheDir: join(work, 'cache') })).toBe(0);
    expect(logs.at(-1)).toContain('3 service(s) unchanged since the last run, not rendered again');
    expect(await snapshotDir(two)).toEqual(reference);
    const three = join(work, 'three');
    expect(await synth(three, { entry, jobs: 2, cacheDir: join(work, 'cache') })).toBe(0);
    expect(await snapshotDir(three)).toEqual(reference);
    expect(await runSynth(stacks, platform, { check: true, outDir: three, promtool: 'off', entry, jobs: 2, cacheDir: false })).toBe(0);
  });

  it('stops with a clear error, touching nothing, when the entry builds other stacks on a worker thread', { timeout: 300_000 }, async () => {
    const out = join(work, 'dist');
    expect(await runSynth(stacks.slice(0, 2), platform, { check: false, outDir: out, promtool: 'off', entry, jobs: 2, cacheDir: false })).toBe(1);
    expect(logs.join('\n')).toContain(`unexpected error: Error: ${entry} exports other stacks on a worker thread than on the main thread (3 vs 2 services)`);
    await expect(readdir(out)).rejects.toThrow('ENOENT');
  });
});
