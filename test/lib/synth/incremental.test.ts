import { appendFile, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { harveyLikeStack } from '../../../bench/harvey-like-stack.js';
import { formatIssue } from '../../../lib/core/issues.js';
import { synthIncremental, type IncrementalOptions, type IncrementalResult } from '../../../lib/synth/incremental.js';
import { synthesize } from '../../../lib/synth/synthesize.js';
import { platform } from '../../../stacks/platform.js';
import { entries, snapshotDir } from '../../support/dist-dir.js';
import { FAILED_SHARE, platform as shopPlatform, shopStacks } from './support/shop-entry.js';

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

  it('still sees a hand edit that keeps the size and modification time of a file whose hash a run remembered', async () => {
    await synthIncremental(organisation(), platform, options());
    await new Promise((resolve) => setTimeout(resolve, 3100)); // a file's hash is remembered once it has settled (VerifiedFiles)
    expect(await synthIncremental(organisation(), platform, options({ mode: 'check' }))).toMatchObject({ kind: 'checked', rendered: 0 });
    const file = join(work, 'dist', 'svc-00002', 'RUNBOOK.md');
    const [text, { atime, mtime }] = [await readFile(file, 'utf8'), await stat(file)];
    await writeFile(file, `%${text.slice(1)}`);
    await utimes(file, atime, mtime);
    const checked = await synthIncremental(organisation(), platform, options({ mode: 'check' }));
    expect(checked).toMatchObject({ kind: 'checked', rendered: 1, drift: { changed: ['svc-00002/RUNBOOK.md'] } });
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

describe('synthIncremental, checking dashboard panels with promtool', () => {
  const shopEntry = fileURLToPath(new URL('./support/shop-entry.ts', import.meta.url));
  const REPORTED = `shop-api: dashboards.shop-api-performance.panels["Failed share"].expr: '${FAILED_SHARE}' is invalid; allowed: ` +
    'a query that returns data on a healthy service whose rare series do not exist yet (no 4xx/5xx series before the first one; ' +
    'labelled counters appear with their first increment): give the missing side a value, e.g. `(sum(rate(<errors>[5m])) or 0 * sum(rate(<all>[5m]))) / sum(rate(<all>[5m]))`';
  // No cache but where a test asks for one: each run is promtool's own answer.
  const shop = (extra: Partial<IncrementalOptions> = {}): IncrementalOptions => options({ promtool: 'required', cacheDir: false, promtoolCache: false, ...extra });
  const reported = (result: IncrementalResult) => (result.kind === 'invalid' ? result.issues.map(formatIssue) : result);
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reports a panel without data on a healthy service in every mode, as the synchronous check does, and leaves the folder as it was', { timeout: 300_000 }, async () => {
    const out = join(work, 'dist');
    expect(await synthIncremental(shopStacks(false), shopPlatform, shop())).toMatchObject({ kind: 'written' });
    const before = await snapshotDir(out);
    const names = await entries(out);
    expect(synthesize(shopStacks(true), shopPlatform).issues.map(formatIssue)).toEqual([REPORTED]);

    for (const mode of ['write', 'check', 'validate'] as const) {
      const handedOn: string[] = [];
      const result = await synthIncremental(shopStacks(true), shopPlatform, shop({ mode, onFile: (path) => void handedOn.push(path) }));
      expect(reported(result)).toEqual([REPORTED]);
      expect(handedOn).toEqual([]);
      expect(await snapshotDir(out)).toEqual(before);
      expect(await entries(out)).toEqual(names); // no staging folder left behind, not even an empty one
    }
  });

  it('tests the panels of an unchanged service against the promtool cache the second time: promtool runs no panel test again', { timeout: 300_000 }, async () => {
    // promtool itself, through a script that notes each command it is given.
    const log = join(work, 'promtool.log');
    const promtool = join(work, 'promtool');
    await writeFile(promtool, `#!/bin/sh\necho "$*" >> '${log}'\nexec promtool "$@"\n`, { mode: 0o755 });
    vi.stubEnv('PROMTOOL', promtool);
    vi.stubEnv('OAC_PROMTOOL_CACHE', join(work, 'promtool-cache'));
    const panelRuns = async () => (await readFile(log, 'utf8')).split('\n').filter((line) => line === 'test rules panels.test.yaml').length;

    expect(await synthIncremental(shopStacks(false), shopPlatform, shop({ promtoolCache: true }))).toMatchObject({ kind: 'written', rendered: 2 });
    expect(await panelRuns()).toBe(2);
    expect(await synthIncremental(shopStacks(false), shopPlatform, shop({ outDir: join(work, 'again'), promtoolCache: true }))).toMatchObject({ kind: 'written', rendered: 2 });
    expect(await panelRuns()).toBe(2);
    expect(await snapshotDir(join(work, 'again'))).toEqual(await snapshotDir(join(work, 'dist')));
  });

  it('writes the same bytes, and reports the same bad panel, with one thread and with two', { timeout: 600_000 }, async () => {
    const one = join(work, 'one');
    const two = join(work, 'two');
    expect(await synthIncremental(shopStacks(false), shopPlatform, shop({ outDir: one, jobs: 1 }))).toMatchObject({ kind: 'written' });
    expect(await synthIncremental(shopStacks(false), shopPlatform, shop({ outDir: two, entry: shopEntry, jobs: 2 }))).toMatchObject({ kind: 'written' });
    const written = await snapshotDir(one);
    expect(await snapshotDir(two)).toEqual(written);

    vi.stubEnv('OAC_TEST_BAD_PANEL', '1'); // what the worker threads import
    expect(reported(await synthIncremental(shopStacks(true), shopPlatform, shop({ outDir: two, entry: shopEntry, jobs: 2 })))).toEqual([REPORTED]);
    expect(reported(await synthIncremental(shopStacks(true), shopPlatform, shop({ outDir: one, jobs: 1 })))).toEqual([REPORTED]);
    expect(await snapshotDir(two)).toEqual(written);
  });

  it('renders a service written while promtool was off again once it is on, and then reports its bad panel', { timeout: 300_000 }, async () => {
    const cached = { cacheDir: join(work, 'cache') };
    expect(await synthIncremental(shopStacks(true), shopPlatform, shop({ ...cached, promtool: 'off' }))).toMatchObject({ kind: 'written', rendered: 2 });
    expect(reported(await synthIncremental(shopStacks(true), shopPlatform, shop(cached)))).toEqual([REPORTED]);
  });

  it('skips the panel check without promtool, as `promtool check rules` is skipped', { timeout: 300_000 }, async () => {
    vi.stubEnv('PROMTOOL', join(work, 'no-such-promtool'));
    const result = await synthIncremental(shopStacks(true), shopPlatform, shop({ promtool: 'optional' }));
    expect(result).toMatchObject({ kind: 'written', skipped: expect.stringContaining('promtool not found, `promtool check rules` skipped') });
  });
});
