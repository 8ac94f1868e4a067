import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { expectedManifest, MANIFEST_NAME } from '../../../../lib/synth/write-dist.js';

/** Files under `dir` -> content, without the writer's transaction folders (`.oac-txn*`). */
export async function treeOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = relative(dir, join(e.parentPath, e.name)).split(sep).join('/');
    if (path.startsWith('.oac-txn')) continue;
    if (e.isFile()) out[path] = await readFile(join(dir, path), 'utf8');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The complete tree synth leaves for `files`: the files and their manifest. */
export function completeTree(files: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries([...files, [MANIFEST_NAME, expectedManifest(files)] as const].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Names of the writer's transaction entries left in `dir`. */
export async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((e) => e.startsWith('.oac-txn')).sort();
}

export async function mtimeNs(path: string): Promise<bigint> {
  return (await lstat(path, { bigint: true })).mtimeNs;
}

/** The tree before (OLD) and after (NEW) a write: a changed, an unchanged, a deleted and two new files. */
export const OLD = new Map([
  ['svc-a/a.yaml', 'a: old\n'],
  ['svc-a/b.yaml', 'b: same in both\n'],
  ['svc-b/gone.yaml', 'gone: only in the old tree\n'],
]);
export const NEW = new Map([
  ['svc-a/a.yaml', 'a: new\n'],
  ['svc-a/b.yaml', 'b: same in both\n'],
  ['svc-a/c/d.yaml', 'd: new file in a new folder\n'],
  ['svc-c/x.yaml', 'x: new service\n'],
]);
