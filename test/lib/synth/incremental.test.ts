import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harveyLikeStack } from '../../../bench/harvey-like-stack.js';
import { synthIncremental, type IncrementalOptions } from '../../../lib/synth/incremental.js';
import { platform } from '../../../stacks/platform.js';
import { snapshotDir } from '../../support/dist-dir.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'synth-incremental-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const organisation = (changed = -1) => [0, 1, 2].map((i) => harveyLikeStack(i, i === changed ? 1 : 0));
const options = (extra: Partial<IncrementalOptions> = {}): IncrementalOptions => ({
  outDir: join(work, 'dist'), mode: 'write', promtool: 'off', cacheDir: join(work, 'cache'), ...extra,
});
const mtimes = async (dir: string, service: string) => {
  const files = Object.keys(await snapshotDir(join(dir, service)));
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, (await stat(join(dir, service, f))).mtimeMs] as const)));
};

describe('synthIncremental', () => {
  it('renders only the changed service, leaves the other services\' files untouched, and writes the bytes a full synth writes', async () => {
    expect(await synthIncremental(organisation(), platform, options())).toMatchObject({ kind: 'written', rendered: 3 });
    const untouched = await mtimes(join(work, 'dist'), 'svc-00002');

    expect(await synthIncremental(organisation(1), platform, options())).toMatchObject({ kind: 'written', rendered: 1 });
    expect(await mtimes(join(work, 'dist'), 'svc-00002')).toEqual(untouched);

    const full = join(work, 'full');
    await synthIncremental(organisation(1), platform, options({ outDir: full, cacheDir: false }));
    expect(await snapshotDir(join(work, 'dist'))).toEqual(await snapshotDir(full));
  });

  it('reports no drift from the cache alone, and still sees a hand edit of an unchanged service', async () => {
    await synthIncremental(organisation(), platform, options());
    expect(await synthIncremental(organisation(), platform, options({ mode: 'check' }))).toMatchObject({ kind: 'checked', rendered: 0, drift: { missing: [], changed: [], unexpected: [] } });

    await appendFile(join(work, 'dist', 'svc-00000', 'RUNBOOK.md'), 'edited by hand\n');
    const checked = await synthIncremental(organisation(), platform, options({ mode: 'check' }));
    expect(checked).toMatchObject({ kind: 'checked', rendered: 1, drift: { changed: ['svc-00000/RUNBOOK.md'] } });
  });

  it('renders a hand-edited service again, so synth restores its file', async () => {
    await synthIncremental(organisation(), platform, options());
    const before = await snapshotDir(join(work, 'dist'));
    await appendFile(join(work, 'dist', 'svc-00001', 'RUNBOOK.md'), 'edited by hand\n');
    expect(await synthIncremental(organisation(), platform, options())).toMatchObject({ kind: 'written', rendered: 1 });
    expect(await snapshotDir(join(work, 'dist'))).toEqual(before);
  });

  it('reuses a service only when this promtool passed its rules, once promtool is on', async () => {
    await synthIncremental(organisation(), platform, options());
    expect(await synthIncremental(organisation(), platform, options({ promtool: 'required' }))).toMatchObject({ kind: 'written', rendered: 3 });
    expect(await synthIncremental(organisation(), platform, options({ promtool: 'required' }))).toMatchObject({ kind: 'written', rendered: 0 });
  });
});
