import { copyFileSync, linkSync, renameSync, rmdirSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode, lstatOrUndefined, makeDirectoriesSync } from './fs-steps.js';
import { byPath } from './manifest.js';
import type { Owner } from './owner.js';

/**
 * The commit journal of one write, `<out>/.oac-txn/journal.json`. Renaming it into place is the commit
 * point: before it the output folder was never touched; after it the run is finished by whoever gets there
 * first (the run itself, or the next run after a kill). Applying is idempotent because of two invariants:
 * - a put of `p` is pending exactly while `new/p` exists (the rename into place consumes it), and the
 *   previous `p`, if any, is kept as a hard link in `old/p` before that rename;
 * - a delete of `p` is done exactly when `p` is gone from the output (it is moved to `old/p`, not unlinked).
 * So a rollback (after an error in this run) moves new files back to `new/` and old ones back in place,
 * and a later roll-forward after a kill at any point in it still lands on the new tree.
 */
export interface Journal {
  readonly format: 1;
  readonly owner: Owner;
  /** Files synth wrote before and no longer writes, removed first. */
  readonly deletes: readonly string[];
  /** Files staged in `new/`, moved into place in this order (the manifest last). */
  readonly puts: readonly string[];
}

export const JOURNAL_NAME = 'journal.json';

/** Steps of a write, reported to the test-only `onPhase` hook just after each has happened. */
export type WritePhase =
  | 'locked' | 'recovered' | 'scanned' | 'staged-file' | 'staged' | 'journal-written' | 'committed'
  | 'applied-delete' | 'cleaned-dirs' | 'backed-up' | 'applied-put' | 'applied' | 'released';

export type PhaseHook = (phase: WritePhase, path?: string) => void | Promise<void>;

const exists = (path: string) => lstatOrUndefined(path) !== undefined;

/** Writes the journal durably and renames it into place: the commit point (the caller reports 'committed'). */
export async function commitJournal(txnDir: string, journal: Journal, onPhase: PhaseHook): Promise<void> {
  const tmp = join(txnDir, `${JOURNAL_NAME}.tmp`);
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(journal)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await onPhase('journal-written');
  renameSync(tmp, join(txnDir, JOURNAL_NAME));
  await syncDir(txnDir);
}

export async function readJournal(txnDir: string): Promise<Journal | undefined> {
  const text = await readFile(join(txnDir, JOURNAL_NAME), 'utf8').catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const journal = JSON.parse(text) as Journal;
  if (journal.format !== 1 || !Array.isArray(journal.puts) || !Array.isArray(journal.deletes)) throw new Error(`${join(txnDir, JOURNAL_NAME)} is not a synth journal`);
  return journal;
}

/** What applying did, so an in-process failure can be rolled back precisely. */
export interface Applied {
  readonly createdDirs: string[];
}

/** Rolls the journal forward: deletes, removal of directories left empty, puts. Safe to repeat. */
export async function applyJournal(outDir: string, txnDir: string, journal: Journal, onPhase: PhaseHook, applied: Applied = { createdDirs: [] }): Promise<number> {
  let moved = 0;
  for (const path of journal.deletes) {
    const target = join(outDir, path);
    if (!(exists(target))) continue;
    const backup = join(txnDir, 'old', path);
    makeDirectoriesSync(dirname(backup));
    renameSync(target, backup);
    moved++;
    await onPhase('applied-delete', path);
  }
  await removeEmptyParents(outDir, journal.deletes);
  await onPhase('cleaned-dirs');
  for (const path of journal.puts) {
    const staged = join(txnDir, 'new', path);
    if (!(exists(staged))) continue; // moved into place before an interruption
    const target = join(outDir, path);
    const backup = join(txnDir, 'old', path);
    if (exists(target) && !(exists(backup))) {
      makeDirectoriesSync(dirname(backup));
      keepCopy(target, backup);
      await onPhase('backed-up', path);
    }
    applied.createdDirs.push(...makeDirectoriesSync(dirname(target)));
    renameSync(staged, target);
    moved++;
    await onPhase('applied-put', path);
  }
  await onPhase('applied');
  return moved;
}

/**
 * Undoes an applied journal (after an error in this run): every put moved back to `new/`, every previous
 * file back in place (the same inode: bytes and mtime as before), created directories removed.
 */
export async function rollBackJournal(outDir: string, txnDir: string, journal: Journal, applied: Applied): Promise<void> {
  for (const path of [...journal.puts].reverse()) {
    const staged = join(txnDir, 'new', path);
    const target = join(outDir, path);
    const backup = join(txnDir, 'old', path);
    if (!(exists(staged))) {
      if (exists(target)) renameSync(target, staged);
      if (exists(backup)) renameSync(backup, target);
    } else if (exists(backup) && !(exists(target))) {
      renameSync(backup, target);
    }
  }
  for (const dir of [...applied.createdDirs].reverse()) try { rmdirSync(dir); } catch { /* not empty: something else is in it */ }
  for (const path of [...journal.deletes].reverse()) {
    const target = join(outDir, path);
    const backup = join(txnDir, 'old', path);
    if (exists(backup) && !(exists(target))) {
      makeDirectoriesSync(dirname(target));
      renameSync(backup, target);
    }
  }
  unlinkSync(join(txnDir, JOURNAL_NAME));
}

/** A hard link keeps the previous file as it was (inode, bytes, mtime) at no cost; copy where links fail. */
function keepCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if (!['EPERM', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes(errorCode(error) ?? '')) throw error;
    copyFileSync(from, to);
    const { atime, mtime } = statSync(from);
    utimesSync(to, atime, mtime);
  }
}

/** Removes the directories that held deleted files once they are empty, deepest first, never `outDir`. */
async function removeEmptyParents(outDir: string, deleted: readonly string[]): Promise<void> {
  const dirs = new Set<string>();
  for (const path of deleted) {
    for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) dirs.add(dir);
  }
  for (const dir of [...dirs].sort(byPath).reverse()) {
    try {
      rmdirSync(join(outDir, dir));
    } catch (error) {
      if (!['ENOTEMPTY', 'EEXIST', 'ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) throw error;
    }
  }
}

/** fsync of a directory makes a rename in it durable; not every platform allows opening one. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

