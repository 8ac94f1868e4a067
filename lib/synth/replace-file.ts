import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` aside and renames it over, so that a concurrent reader sees the whole old file
 * or the whole new one (the synth cache's entries and records; its readers take a torn file as a miss).
 */
export async function replaceFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
