import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputLocked, writeDist } from '../../../lib/synth/write-dist.js';
import { runWriter, startWriter } from './support/child.js';
import { NEW, OLD, completeTree, leftovers, treeOf } from './support/trees.js';

/** Two synths on one folder: one holds it, the other fails cleanly; never a mix of both trees. */
let work: string;
let out: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'write-concurrent-'));
  out = join(work, 'dist');
  await writeDist(OLD, out);
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const OTHER = new Map([['svc-z/z.yaml', 'z: a third tree\n']]);

describe('two synths on one folder', () => {
  it('the second fails at once, naming the first, while the first holds the folder; the first then finishes', async () => {
    const first = startWriter({ out, files: NEW, pauseAt: 'staged' });
    await first.printed('paused staged');
    const error = await writeDist(OTHER, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputLocked);
    expect((error as Error).message).toBe(`synth (pid ${first.child.pid} on ${hostname()}) is writing ${out}/ (it holds ${out}/.oac-txn); ${out}/ left unchanged by this run. Run synth again once it has finished.`);
    first.child.stdin.end('go\n');
    const run = await first.done;
    expect(run.stdout).toContain('ok ');
    expect(await treeOf(out)).toEqual(completeTree(NEW));
    expect(await leftovers(out)).toEqual([]);
  });

  it('a lock whose owner was killed is recovered by the next run, which says so', async () => {
    const first = startWriter({ out, files: NEW, pauseAt: 'staged' });
    await first.printed('paused staged');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const notices: string[] = [];
    await writeDist(OTHER, out, { log: (m) => notices.push(m) });
    expect(notices).toEqual([`removed the staging folder ${out}/.oac-txn.${process.pid}.stale-1 of an interrupted synth (pid ${killed.pid}); it had not changed ${out}/.`]);
    expect(await treeOf(out)).toEqual(completeTree(OTHER));
  });

  it.each([1, 2, 3, 4])('started together (round %i): each succeeds or fails on the lock, and the folder holds one complete tree', async () => {
    const [a, b] = await Promise.all([runWriter({ out, files: NEW }), runWriter({ out, files: OTHER })]);
    const outcomes = [a, b].map((run) => (run.stdout.startsWith('ok ') ? 'ok' : run.stdout.trim().split(' ').slice(0, 2).join(' ')));
    for (const outcome of outcomes) expect(['ok', 'failed OutputLocked']).toContain(outcome);
    expect(outcomes.filter((o) => o.startsWith('ok')).length).toBeGreaterThan(0);
    const tree = await treeOf(out);
    const winners = [a.stdout.startsWith('ok') ? completeTree(NEW) : undefined, b.stdout.startsWith('ok') ? completeTree(OTHER) : undefined].filter(Boolean);
    expect(winners).toContainEqual(tree);
    expect(await leftovers(out)).toEqual([]);
  });
});
