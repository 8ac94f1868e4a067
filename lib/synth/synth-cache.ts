import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceSummary } from './synthesize.js';

/** What synth remembers of one clean service render: the hashes of its files, not their bytes. */
export interface CachedService {
  readonly service: string;
  /** `[path relative to dist/, sha256]`, in the order rendered. */
  readonly files: readonly (readonly [string, string])[];
  readonly summary: ServiceSummary;
  /** `promtool --version` of the promtool whose `check rules` passed on its rule file; '' when none did. */
  readonly promtool: string;
}

/**
 * Rendered services by input key (lib/synth/input-hash.ts), one small JSON file each. A missing, torn or
 * foreign entry is a miss, so the worst a damaged cache can do is cost a render.
 */
export class SynthCache {
  constructor(readonly dir: string) {}

  async get(key: string): Promise<CachedService | undefined> {
    const text = await readFile(this.path(key), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const entry = JSON.parse(text) as CachedService;
      const wellFormed = typeof entry.service === 'string' && Array.isArray(entry.files) && typeof entry.promtool === 'string'
        && entry.files.every((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string')
        && typeof entry.summary === 'object' && entry.summary !== null && Array.isArray(entry.summary.manifests);
      return wellFormed ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, entry: CachedService): Promise<void> {
    const path = this.path(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(temporary, JSON.stringify(entry));
    await rename(temporary, path);
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
