import { cp, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../../lib/synth/output/manifest.js';
import { VerifiedFiles } from '../../../lib/synth/verified-files.js';

// Counts the reads of output files (the record's own file is read too; it lives in the cache folder).
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return { ...fs, readFile: (path: Parameters<typeof fs.readFile>[0], ...rest: unknown[]) => {
    reads.push(String(path));
    return (fs.readFile as (...a: unknown[]) => unknown)(path, ...rest);
  } };
});

let work: string;
let out: string;
let cache: string;
const outputReads = () => reads.filter((p) => p.startsWith(out));
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'verified-files-'));
  out = join(work, 'dist');
  cache = join(work, 'cache');
  await mkdir(out);
  await writeFile(join(out, 'a.yaml'), 'a: 1\n');
  reads.length = 0;
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** One run: load the record, hash `path`, save. */
async function run(path = 'a.yaml', settledMs = 0): Promise<string | undefined> {
  const verified = await VerifiedFiles.load(cache, out, settledMs);
  const hash = await verified.hashOf(out, path);
  await verified.save(() => true);
  return hash;
}

describe('the files a run verified', () => {
  it('are hashed by reading them the first time, and taken from the record while they are unchanged', async () => {
    expect(await run()).toBe(sha256('a: 1\n'));
    expect(outputReads()).toEqual([join(out, 'a.yaml')]);
    expect(await run()).toBe(sha256('a: 1\n'));
    expect(await run()).toBe(sha256('a: 1\n'));
    expect(outputReads()).toHaveLength(1);
  });

  it('are read again after a hand edit that keeps their size and modification time', async () => {
    await run();
    const { atime, mtime } = await stat(join(out, 'a.yaml'));
    await writeFile(join(out, 'a.yaml'), 'a: 2\n');
    await utimes(join(out, 'a.yaml'), atime, mtime);
    expect(await run()).toBe(sha256('a: 2\n'));
    expect(outputReads()).toHaveLength(2);
  });

  it('are not remembered when they changed moments before the read (a clock tick could hide the next edit)', async () => {
    expect(await run('a.yaml', 60_000)).toBe(sha256('a: 1\n'));
    expect(await run('a.yaml', 60_000)).toBe(sha256('a: 1\n'));
    expect(outputReads()).toHaveLength(2);
  });

  it('give no hash for a file that is missing or is a folder', async () => {
    expect(await run('missing.yaml')).toBeUndefined();
    expect(await run('.')).toBeUndefined();
  });

  it('are read again when the record is damaged, or belongs to another output folder', async () => {
    await run();
    const [record] = await readdir(join(cache, 'verified'));
    await writeFile(join(cache, 'verified', record!), '{"format": 1, "files": ');
    expect(await run()).toBe(sha256('a: 1\n'));
    const other = join(work, 'other');
    await cp(out, other, { recursive: true });
    const verified = await VerifiedFiles.load(cache, other, 0);
    expect(await verified.hashOf(other, 'a.yaml')).toBe(sha256('a: 1\n'));
    expect(reads.filter((p) => p.startsWith(other))).toHaveLength(1);
    expect(outputReads()).toHaveLength(2);
  });

  it('keep earlier entries only where the caller still wants them', async () => {
    await writeFile(join(out, 'b.yaml'), 'b: 1\n');
    await run('a.yaml');
    await run('b.yaml');
    const verified = await VerifiedFiles.load(cache, out, 0);
    await verified.save((path) => path === 'b.yaml');
    reads.length = 0;
    expect(await run('a.yaml')).toBe(sha256('a: 1\n'));
    expect(await run('b.yaml')).toBe(sha256('b: 1\n'));
    expect(outputReads()).toEqual([join(out, 'a.yaml')]);
  });
});
