import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../lib/core/index.js';
import { runSynth } from '../../../lib/synth/cli.js';
import { OutputWriteError, writeDist } from '../../../lib/synth/write-dist.js';
import { shopStack } from './fixture.js';
import { runWriter } from './support/child.js';
import { NEW, OLD, completeTree, leftovers, treeOf } from './support/trees.js';

/** The default platform with its placeholder URLs accepted: these tests are about the output folder. */
const PLATFORM = { ...DEFAULT_PLATFORM, allowPlaceholders: true };

/**
 * Real file-system failures, on real mounts (the tests run as root, so a chmod'ed folder would not refuse
 * anything: read-only and full file systems are tmpfs mounts, EACCES comes from a child running as nobody).
 */
let work: string;
let mnt: string;
let out: string;
let mounted = false;
const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'write-fs-'));
  mnt = join(work, 'mnt');
  out = join(mnt, 'dist');
  await mkdir(mnt);
});
afterEach(async () => {
  vi.restoreAllMocks();
  if (mounted) execFileSync('umount', [mnt]);
  mounted = false;
  await rm(work, { recursive: true, force: true });
});

async function tmpfs(options: string): Promise<void> {
  mount('-t', 'tmpfs', '-o', options, 'tmpfs', mnt);
  mounted = true;
}

describe('writeDist on a read-only file system', () => {
  it('names EROFS and leaves the previous output as it was', async () => {
    await tmpfs('size=1m');
    await writeDist(OLD, out);
    mount('-o', 'remount,ro', mnt);
    const error = await writeDist(NEW, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toBe(`could not start writing ${out}/: EROFS: read-only file system, mkdir '${out}/.oac-txn.${process.pid}.new'; ${out}/ left unchanged.`);
    expect(await treeOf(out)).toEqual(completeTree(OLD));
    expect(await leftovers(out)).toEqual([]);
  });

  it('names EROFS for a new folder, and runSynth says so with exit 1', async () => {
    await tmpfs('ro,size=64k');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runSynth([shopStack()], PLATFORM, { check: false, outDir: out, promtool: 'off' })).toBe(1);
    expect(errors).toEqual([`synth failed while writing; ${out}/ left unchanged.\ncould not create ${out}/: EROFS: read-only file system, mkdir '${out}'; ${out}/ left unchanged.`]);
  });
});

describe('writeDist on a full file system', () => {
  it('names ENOSPC, removes its staging and leaves the previous output as it was', async () => {
    await tmpfs('size=64k');
    await writeDist(OLD, out);
    const error = await writeDist(new Map([...NEW, ['svc-a/big.yaml', 'x'.repeat(256 * 1024)]]), out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toBe(`could not stage ${out}/svc-a/big.yaml: ENOSPC: no space left on device, write; ${out}/ left unchanged.`);
    expect(await treeOf(out)).toEqual(completeTree(OLD));
    expect(await leftovers(out)).toEqual([]);
    await writeDist(NEW, out); // the space the staging took is back
    expect(await treeOf(out)).toEqual(completeTree(NEW));
  });
});

describe('writeDist where no folder can be made', () => {
  it('fails at once on /proc, naming the cause, instead of retrying mkdir for ever', async () => {
    await expect(writeDist(NEW, '/proc/oac-dist')).rejects.toThrowError(
      "could not create /proc/oac-dist/: ENOENT: no such file or directory, mkdir '/proc/oac-dist' (the file system at '/proc' does not accept new directories); /proc/oac-dist/ left unchanged.");
    await expect(writeDist(NEW, '/sys/oac-dist')).rejects.toThrowError(
      "could not create /sys/oac-dist/: EPERM: operation not permitted, mkdir '/sys/oac-dist'; /sys/oac-dist/ left unchanged.");
  });
});

describe('writeDist without permission', () => {
  it('names EACCES (a writer running as nobody on a folder root wrote) and leaves it as it was', async () => {
    await chmod(work, 0o755);
    await chmod(mnt, 0o755);
    await writeDist(OLD, out);
    const run = await runWriter({ out, files: NEW }, { uid: 65534, gid: 65534 });
    expect(run.stdout.trim()).toBe(`failed OutputWriteError could not start writing ${out}/: EACCES: permission denied, mkdir '${out}/.oac-txn.${run.pid}.new'; ${out}/ left unchanged.`);
    expect(await treeOf(out)).toEqual(completeTree(OLD));
    expect(await leftovers(out)).toEqual([]);
  });
});
