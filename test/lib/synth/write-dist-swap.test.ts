import { mkdtemp, rm } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeDist } from '../../../lib/synth/write-dist.js';
import { entries, snapshotDir } from '../../support/dist-dir.js';

// Only the swap of the staging directory into place fails; every other rename is the real one.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: vi.fn(async (from: string, to: string) => {
      if (String(from).includes('.tmp-') && process.env.FAIL_SWAP === '1') throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      return real.rename(from, to);
    }),
  };
});

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'write-dist-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

describe('writeDist when the final swap fails', () => {
  it('puts the previous dist/ back and leaves neither staging nor backup directories', async () => {
    const dist = join(work, 'dist');
    await writeDist(new Map([['svc/a.yaml', 'old a\n'], ['svc/b.yaml', 'old b\n']]), dist);
    const before = await snapshotDir(dist);

    vi.stubEnv('FAIL_SWAP', '1');
    await expect(writeDist(new Map([['svc/a.yaml', 'new a\n']]), dist)).rejects.toThrowError('EXDEV');

    expect(await snapshotDir(dist)).toEqual(before);
    expect(await entries(work)).toEqual(['dist']);
    expect(vi.mocked(fs.rename)).toHaveBeenCalled();
  });
});
