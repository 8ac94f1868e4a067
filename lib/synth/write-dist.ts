import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** Relative path (posix) → file content. */
export type FileTree = ReadonlyMap<string, string>;

/**
 * Replaces `distDir` with exactly `files`, atomically enough for CI: everything is written to a sibling
 * temporary directory first, then swapped in with renames, so a crash or error never leaves a
 * half-written dist/. On failure the staging directory is removed and the previous dist/ restored
 * (when it had already been moved aside), and the error is rethrown.
 */
export async function writeDist(files: FileTree, distDir: string): Promise<void> {
  const staging = `${distDir}.tmp-${process.pid}`;
  const previous = `${distDir}.old-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const [path, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const target = join(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const hadPrevious = await rename(distDir, previous).then(() => true, () => false);
  try {
    await rename(staging, distDir);
  } catch (error) {
    if (hadPrevious) await rename(previous, distDir);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  if (hadPrevious) await rm(previous, { recursive: true, force: true });
}

export interface Drift {
  readonly missing: readonly string[];
  readonly changed: readonly string[];
  readonly unexpected: readonly string[];
}

/** Compares what synth would write with what is on disk (the drift check). */
export async function diffDist(files: FileTree, distDir: string): Promise<Drift> {
  const onDisk = new Map<string, string>();
  for (const path of await listFiles(distDir)) onDisk.set(path, await readFile(join(distDir, path), 'utf8'));
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [path, content] of files) {
    const current = onDisk.get(path);
    if (current === undefined) missing.push(path);
    else if (current !== content) changed.push(path);
  }
  const unexpected = [...onDisk.keys()].filter((p) => !files.has(p));
  return { missing: missing.sort(), changed: changed.sort(), unexpected: unexpected.sort() };
}

export function hasDrift(drift: Drift): boolean {
  return drift.missing.length + drift.changed.length + drift.unexpected.length > 0;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}
