import { existsSync, readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { OutputFolderRefused } from './errors.js';
import { errorCode } from './fs-steps.js';
import { byPath } from './manifest.js';
import { MANIFEST_NAME, isWriterEntry } from './names.js';

/**
 * Which folders synth may write: never the project itself or a folder that contains it, and a non-empty
 * folder only when synth's manifest says which of its files synth wrote.
 */

/** The nearest directory holding package.json or .git, from `cwd` upwards; undefined outside any project. */
export function findProjectRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The real path of `path`, also when its last components do not exist yet. */
export async function realPathOf(path: string): Promise<string> {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') throw error;
      if (dirname(current) === current) return resolve(path);
      missing.push(basename(current));
    }
  }
}

/** Refuses (exit 2) an output folder that is the project root, contains it, or is not a directory. */
export async function refuseUnsafeFolder(outDir: string, name: string, projectRoot: string | undefined): Promise<'missing' | 'directory'> {
  const real = await realPathOf(outDir);
  if (projectRoot !== undefined) {
    const root = await realPathOf(projectRoot);
    if (real === root || root.startsWith(real.endsWith(sep) ? real : real + sep)) {
      const what = real === root ? 'is the project root' : `contains the project root ${root}`;
      throw new OutputFolderRefused(`refusing to write ${name}/: it ${what}, and synth replaces the content of its output folder. `
        + `Pass an output folder of its own, such as --out dist. Nothing was written.`);
    }
  }
  const found = await stat(outDir).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  });
  if (!found) return 'missing';
  if (!found.isDirectory()) {
    throw new OutputFolderRefused(`refusing to write ${name}/: it exists and is not a directory. Pass a folder (new, empty, or one synth wrote). Nothing was written.`);
  }
  return 'directory';
}

/** Entries of the folder that are neither synth's manifest nor its transaction folders. */
export async function userEntries(outDir: string): Promise<string[]> {
  return (await readdir(outDir)).filter((e) => !isWriterEntry(e)).sort();
}

export type DiskEntry = 'file' | 'directory' | 'symlink' | 'other';

/**
 * Every entry under the scope (the whole folder, or the subtrees of `only`), writer entries left out.
 * Read one folder at a time, never entering the writer's own entries: another run's transaction folder
 * vanishes while it releases it, and a recursive `readdir` that meets a vanished folder fails with
 * ENOENT, which must not read as "the output folder is empty" (synth would then miss its own files and
 * overwrite foreign ones).
 */
export async function scanScope(outDir: string, scope: readonly string[] | undefined): Promise<Map<string, DiskEntry>> {
  const found = new Map<string, DiskEntry>();
  for (const root of scope ?? ['']) {
    if (root !== '') {
      const top = await statEntry(join(outDir, root));
      if (!top) continue;
      found.set(root, top);
      if (top !== 'directory') continue;
    }
    const entries = await readdir(join(outDir, root), { withFileTypes: true }).catch((error: unknown) => {
      // The folder (or the scope's root) does not exist, or cannot (a parent is a file): nothing of synth's is there.
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw error;
    });
    walk(outDir, root, entries, found);
  }
  return found;
}

/**
 * Synchronous: the 5,000 folders of 1,000 services take ~70 ms so, and 110-250 ms as promises (one level at
 * a time or all at once), while nothing else waits on this thread.
 */
function walk(outDir: string, dir: string, entries: readonly Dirent[], found: Map<string, DiskEntry>): void {
  for (const entry of entries) {
    if (dir === '' && isWriterEntry(entry.name)) continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    const kind: DiskEntry = entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : entry.isSymbolicLink() ? 'symlink' : 'other';
    found.set(path, kind);
    if (kind === 'directory') walk(outDir, path, readdirSync(join(outDir, path), { withFileTypes: true }), found);
  }
}

/** The files a drift check compares: every file of the folder outside the writer's entries, and the manifest. */
export async function outputFiles(outDir: string): Promise<string[]> {
  const files = [...(await scanScope(outDir, undefined))].filter(([, kind]) => kind === 'file').map(([path]) => path);
  if ((await statEntry(join(outDir, MANIFEST_NAME))) === 'file') files.push(MANIFEST_NAME);
  return files.sort(byPath);
}

async function statEntry(path: string): Promise<DiskEntry | undefined> {
  const s = await lstat(path).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!s) return undefined;
  return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'other';
}

/** A relative posix path without `.`/`..`/empty segments, not one of the writer's own names. */
export function pathProblem(path: string): string | undefined {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return 'must be a relative posix path';
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return 'must not have empty, . or .. segments';
  if (isWriterEntry(parts[0]!)) return `'${parts[0]}' is reserved for synth's own bookkeeping`;
  return undefined;
}
