/**
 * The output folder (`dist/`): the only code that writes it. Synth owns only what it wrote.
 *
 * API (for the CLI, `--only`, streaming synth and `--check`):
 * - `writeDist(files, outDir, options?)`: makes `outDir` hold exactly `files` (a Map, or any sync/async
 *   iterable of `[path, content]`, consumed one at a time so memory stays bounded). Returns a `WriteSummary`.
 * - `openOutput(outDir, options?)` -> `{ add(path, content), commit(), abort(), previous }`: the same,
 *   incrementally; `add` stages each file at once (in `<out>/.oac-txn/new/`), `commit` swaps them in.
 *   Call `abort()` when the run fails before `commit()` (bad input): the folder stays as it was.
 * - `options.only: ['harvey-backend']`: rewrite only these subtrees; every other file keeps its bytes, its
 *   mtime and its manifest entry. `keepForeign`, `adopt`: see below. `log`: notices (recoveries, adoption).
 * - `readManifest(outDir)` -> `{ engine, files: Map<path, sha256> } | undefined`, `sha256(content)`, and
 *   `diffAgainstManifest(files, outDir)`: drift from hashes alone, without reading the files.
 * - `diffDist(files, outDir)`: drift against the bytes on disk (hand edits included).
 * - Failures are typed (`lib/synth/output/errors.ts`): `OutputFolderRefused` (exit 2), `ForeignFilesFound`,
 *   `OutputLocked`, `OutputWriteError` (exit 1); each message states the cause and the folder's true state
 *   (`state`: 'unchanged', or 'commit-pending' when only the next run can finish the write).
 *
 * Rules:
 * - `<out>/.oac-manifest.json` lists every file synth wrote with its sha256 (sorted, deterministic, committed).
 *   A file not in it is never deleted or overwritten: synth stops and lists it, or keeps it in place with
 *   `keepForeign` and says so. Files of the old manifest that synth no longer writes are deleted.
 * - Refused (exit 2, nothing touched): the project root (nearest package.json or .git from cwd) or a folder
 *   containing it, a non-directory, a non-empty folder without a manifest, an unreadable manifest. A new or
 *   empty folder is fine. A manifest-less folder is adopted by a full run when every file in it is one synth
 *   writes now (how this repo's dist/ got its manifest), or with `adopt` (every file taken as synth's).
 * - Crash safety (Node has no renameat2(RENAME_EXCHANGE), so no whole-folder swap is atomic): files are
 *   staged in `<out>/.oac-txn/`, which is also the lock (owner pid; a dead owner's lock is recovered).
 *   A journal renamed into place is the commit point. Killed before it: the folder was never touched, and
 *   the next run removes the staging folder, saying so. Killed after it: every file is whole (each lands by
 *   one rename), but until the next run the folder holds some new and some old files; the next run (any
 *   write) finishes the journal first and says so. That window lasts as long as the renames of the changed
 *   files take; the folder never disappears. An error (not a kill) after the commit point rolls back to the
 *   previous files (same inodes: bytes and mtimes). Durability against power loss is not promised: only
 *   the journal is fsynced.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { outputFiles } from './output/folder-rules.js';
import { MANIFEST_NAME } from './output/names.js';
import { engineVersion, readManifest, serializeManifest, sha256 } from './output/manifest.js';
import { openOutput, type OutputOptions, type WriteSummary } from './output/writer.js';

export { openOutput, type OutputOptions, type OutputWriter, type WriteSummary } from './output/writer.js';
export { readManifest, sha256, type Manifest } from './output/manifest.js';
export { MANIFEST_NAME } from './output/names.js';
export { exitCodeFor, isOutputError, ForeignFilesFound, OutputFolderRefused, OutputLocked, OutputWriteError, type OutputState } from './output/errors.js';
export type { WritePhase } from './output/journal.js';

/** Relative path (posix) -> file content. */
export type FileTree = ReadonlyMap<string, string>;

export type FileSource = FileTree | Iterable<readonly [string, string | Uint8Array]> | AsyncIterable<readonly [string, string | Uint8Array]>;

/** Makes `outDir` hold exactly `files` (within `options.only`), keeping what synth did not write. */
export async function writeDist(files: FileSource, outDir: string, options: OutputOptions = {}): Promise<WriteSummary> {
  const paths = files instanceof Map ? new Set<string>(files.keys()) : undefined;
  const writer = await openOutput(outDir, { ...(paths ? { paths } : {}), ...options });
  try {
    for await (const [path, content] of files as AsyncIterable<readonly [string, string | Uint8Array]>) await writer.add(path, content);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.commit();
}

export interface Drift {
  readonly missing: readonly string[];
  readonly changed: readonly string[];
  readonly unexpected: readonly string[];
}

/** The manifest synth would write for `files`: part of the output, so part of the drift check. */
export function expectedManifest(files: FileTree, engine = engineVersion()): string {
  return serializeManifest({ engine, files: new Map([...files].map(([path, content]) => [path, sha256(content)])) });
}

/** Compares what synth would write (manifest included) with the bytes on disk (the drift check). */
export async function diffDist(files: FileTree, distDir: string): Promise<Drift> {
  const expected = new Map(files).set(MANIFEST_NAME, expectedManifest(files));
  const onDisk = await outputFiles(distDir);
  const missing: string[] = [];
  const changed: string[] = [];
  const present = new Set(onDisk);
  for (const [path, content] of expected) {
    if (!present.has(path)) missing.push(path);
    else if ((await readFile(join(distDir, path), 'utf8')) !== content) changed.push(path);
  }
  const unexpected = onDisk.filter((p) => !expected.has(p));
  return { missing: missing.sort(), changed: changed.sort(), unexpected };
}

/**
 * Drift from the manifest alone (hashes, no file read): fast, but blind to hand edits of synth's files,
 * which only `diffDist` sees. `unexpected` are manifest entries synth no longer writes.
 */
export async function diffAgainstManifest(files: FileTree, distDir: string): Promise<Drift> {
  const manifest = (await readManifest(distDir))?.files ?? new Map<string, string>();
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [path, content] of files) {
    const hash = manifest.get(path);
    if (hash === undefined) missing.push(path);
    else if (hash !== sha256(content)) changed.push(path);
  }
  const unexpected = [...manifest.keys()].filter((p) => !files.has(p));
  return { missing: missing.sort(), changed: changed.sort(), unexpected: unexpected.sort() };
}

export function hasDrift(drift: Drift): boolean {
  return drift.missing.length + drift.changed.length + drift.unexpected.length > 0;
}
