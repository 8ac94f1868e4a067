import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_NAME, openOutput, writeDist, type WritePhase } from '../../../lib/synth/write-dist.js';
import { runWriter } from './support/child.js';
import { NEW, OLD, completeTree, leftovers, treeOf } from './support/trees.js';

/**
 * A writer killed (SIGKILL, in a child process) just after each step of a write of NEW over OLD: the
 * output holds OLD, or NEW, or — only between the commit point and the end of the renames — whole files of
 * either, with a committed journal; the next run recovers and says so, and the folder then holds NEW.
 */
type After = 'previous tree' | 'previous tree, journal committed' | 'old and new files, journal committed' | 'new tree, journal committed' | 'new tree';

// NEW over OLD: 1 delete (svc-b/gone.yaml), then 4 puts: svc-a/a.yaml (replaces), svc-a/c/d.yaml, svc-c/x.yaml, the manifest.
const KILLS: [WritePhase, number, After][] = [
  ['locked', 1, 'previous tree'],
  ['recovered', 1, 'previous tree'],
  ['scanned', 1, 'previous tree'],
  ['staged-file', 1, 'previous tree'],
  ['staged-file', 3, 'previous tree'],
  ['staged', 1, 'previous tree'],
  ['journal-written', 1, 'previous tree'],
  ['committed', 1, 'previous tree, journal committed'],
  ['applied-delete', 1, 'old and new files, journal committed'],
  ['cleaned-dirs', 1, 'old and new files, journal committed'],
  ['backed-up', 1, 'old and new files, journal committed'],
  ['applied-put', 1, 'old and new files, journal committed'],
  ['applied-put', 2, 'old and new files, journal committed'],
  ['applied-put', 3, 'old and new files, journal committed'],
  ['applied-put', 4, 'new tree, journal committed'],
  ['applied', 1, 'new tree, journal committed'],
  ['released', 1, 'new tree'],
];

let work: string;
let out: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'write-kill-'));
  out = join(work, 'dist');
  await writeDist(OLD, out);
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function stateAfterKill(): Promise<After> {
  const tree = await treeOf(out);
  // The killed run's lock, with its journal once committed.
  const committed = await readdir(join(out, '.oac-txn')).then((e) => e.includes('journal.json'), () => false);
  if (JSON.stringify(tree) === JSON.stringify(completeTree(OLD))) return committed ? 'previous tree, journal committed' : 'previous tree';
  if (JSON.stringify(tree) === JSON.stringify(completeTree(NEW))) return committed ? 'new tree, journal committed' : 'new tree';
  // Neither: every file must still be whole, the old or the new version of itself.
  const old = completeTree(OLD);
  const next = completeTree(NEW);
  for (const [path, content] of Object.entries(tree)) expect([old[path], next[path]], path).toContain(content);
  expect(committed).toBe(true);
  return 'old and new files, journal committed';
}

describe('writeDist killed after each step', () => {
  it.each(KILLS)('after %s #%i leaves %s, and the next run recovers NEW and says so', async (phase, nth, expected) => {
    const killed = await runWriter({ out, files: NEW, killAt: { phase, nth } });
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');

    expect(await stateAfterKill()).toBe(expected);

    const notices: string[] = [];
    const writer = await openOutput(out, { log: (m) => notices.push(m) });
    const recovered = await treeOf(out);
    await writer.abort();
    if (expected === 'new tree') {
      expect(notices).toEqual([]);
    } else if (expected.endsWith('journal committed')) {
      expect(notices).toEqual([expect.stringMatching(new RegExp(`^finished the write of an interrupted synth \\(pid ${killed.pid}\\) from its journal in .*/\\.oac-txn\\.${process.pid}\\.stale-1: \\d+ file operation\\(s\\) were still to do; .* now holds its complete output\\.$`))]);
      // Recovery alone (nothing added yet) rolled the journal forward to NEW.
      expect(recovered).toEqual(completeTree(NEW));
    } else {
      expect(notices).toEqual([expect.stringMatching(new RegExp(`^removed the staging folder .*/\\.oac-txn\\.${process.pid}\\.stale-1 of an interrupted synth \\(pid ${killed.pid}\\); it had not changed .*/\\.$`))]);
      expect(recovered).toEqual(completeTree(OLD));
    }
    expect(await leftovers(out)).toEqual([]);

    await writeDist(NEW, out);
    expect(await treeOf(out)).toEqual(completeTree(NEW));
    expect(await leftovers(out)).toEqual([]);
  });

  it('finishes the journal when the recovering run is itself killed half-way through it', async () => {
    const first = await runWriter({ out, files: NEW, killAt: { phase: 'applied-put', nth: 1 } });
    expect(first.signal).toBe('SIGKILL');
    const second = await runWriter({ out, files: NEW, killAt: { phase: 'applied-put', nth: 1 } }); // the put of the recovery
    expect(second.signal).toBe('SIGKILL');
    expect(second.stderr).toBe(''); // killed before it could report the recovery
    expect(await leftovers(out)).toEqual(['.oac-txn', `.oac-txn.${second.pid}.stale-1`]);

    const notices: string[] = [];
    await writeDist(NEW, out, { log: (m) => notices.push(m) });
    // Two independent recoveries, in the order of their folder names (which depends on the pids' digits).
    expect(notices).toHaveLength(2);
    expect(notices).toEqual(expect.arrayContaining([
      // the second run's own lock, which had no journal yet
      expect.stringMatching(new RegExp(`^removed the staging folder .* of an interrupted synth \\(pid ${second.pid}\\); it had not changed`)),
      // the first run's journal, which the second run had moved aside under its own pid and not finished
      expect.stringMatching(new RegExp(`^finished the write of an interrupted synth \\(pid ${first.pid}\\) from its journal in .*/\\.oac-txn\\.${second.pid}\\.stale-1: `)),
    ]));
    expect(await treeOf(out)).toEqual(completeTree(NEW));
    expect(await leftovers(out)).toEqual([]);
  });

  it('leaves nothing a consumer repository sees in git status when killed before the commit point', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: work, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'previous output');
    const killed = await runWriter({ out, files: NEW, killAt: { phase: 'staged', nth: 1 } });
    expect(killed.signal).toBe('SIGKILL');
    expect(await leftovers(out)).toEqual(['.oac-txn']);
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(git('ls-files')).toContain(`dist/${MANIFEST_NAME}`);
  });
});
