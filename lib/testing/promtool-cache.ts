import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PromtoolResult } from './promtool.js';

/**
 * Results of promtool runs by content: the key hashes what promtool was asked (the command), the exact
 * version promtool reports and every input file (path and bytes), so a hit is a re-run of identical
 * input by the identical binary. Only successes are kept: a failure (or a run stopped by the timeout)
 * is always run again, so the cache can skip work but never change a result.
 */
export class PromtoolCache {
  constructor(readonly dir: string) {}

  static key(command: readonly string[], version: string, files: Readonly<Record<string, string>>): string {
    const hash = createHash('sha256');
    hash.update(JSON.stringify([command, version]));
    for (const path of Object.keys(files).sort()) hash.update(`\0${path}\0${files[path]!.length}\0`).update(files[path]!);
    return hash.digest('hex');
  }

  async get(key: string): Promise<PromtoolResult | undefined> {
    const text = await readFile(this.path(key), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const entry = JSON.parse(text) as { ok?: unknown; output?: unknown };
      return entry.ok === true && typeof entry.output === 'string' ? { ok: true, output: entry.output } : undefined;
    } catch {
      return undefined; // a torn or foreign file is a miss, never an error
    }
  }

  async set(key: string, result: PromtoolResult): Promise<void> {
    if (!result.ok) return;
    const path = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    // Written aside and renamed, so a concurrent reader sees the whole entry or none.
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(temporary, JSON.stringify({ ok: true, output: result.output }));
    await rename(temporary, path);
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
