import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under `dir` (relative path → bytes as base64), to compare a directory before and after. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length + 1)] = (await readFile(join(e.parentPath, e.name))).toString('base64');
  }
  return out;
}

/** Names of the entries directly in `dir` (to see leftover staging directories). */
export async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
