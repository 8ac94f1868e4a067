import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFile } from './replace-file.js';
import type { ServiceDigest } from './service-digest.js';
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
 * Rendered services by input key (lib/synth/input-hash.ts), one small JSON file each, and the digests of
 * services by declared key (`lazyStacks`' `inputOf`: lib/synth/declared-inputs.ts) under `declared/`. A
 * missing, torn or foreign entry is a miss, so the worst a damaged cache can do is cost a build or a render.
 */
export class SynthCache {
  constructor(readonly dir: string) {}

  async get(key: string): Promise<CachedService | undefined> {
    const entry = await this.read<CachedService>(this.path(key));
    const wellFormed = entry !== undefined && typeof entry.service === 'string' && Array.isArray(entry.files) && typeof entry.promtool === 'string'
      && entry.files.every((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string')
      && typeof entry.summary === 'object' && entry.summary !== null && Array.isArray(entry.summary.manifests);
    return wellFormed ? (entry as CachedService) : undefined;
  }

  async set(key: string, entry: CachedService): Promise<void> {
    await replaceFile(this.path(key), JSON.stringify(entry));
  }

  /** The digest a run kept for this declared key, if it is whole. */
  async getDigest(key: string): Promise<ServiceDigest | undefined> {
    const digest = await this.read<ServiceDigest>(this.path(key, 'declared'));
    return digest !== undefined && isCleanDigest(digest) ? digest : undefined;
  }

  async setDigest(key: string, digest: ServiceDigest): Promise<void> {
    await replaceFile(this.path(key, 'declared'), JSON.stringify(digest));
  }

  /** Synchronous: a run reads up to two small entries per service, and 2,000 reads as promises cost ~0.3 s more. */
  private async read<T>(path: string): Promise<Partial<T> | undefined> {
    try {
      const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      return typeof value === 'object' && value !== null ? (value as Partial<T>) : undefined;
    } catch {
      return undefined;
    }
  }


  private path(key: string, under = ''): string {
    return join(this.dir, under, key.slice(0, 2), `${key}.json`);
  }
}

/**
 * A digest that JSON keeps whole: an input key, no problem to report (issues carry values of any type),
 * names that are strings, and an Alertmanager part. Only such digests are kept, and only such are taken.
 */
export function isCleanDigest(digest: Partial<ServiceDigest>): digest is ServiceDigest {
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const part = digest.alertmanager as { team?: unknown; inhibitRules?: unknown } | undefined;
  return typeof digest.service === 'string' && typeof digest.key === 'string' && Array.isArray(digest.modelIssues) && digest.modelIssues.length === 0
    && digest.broken === false && digest.buildIssue === undefined && strings(digest.alertNames) && strings(digest.dashboardUids)
    && typeof digest.hasWorkloads === 'boolean' && Number.isInteger(digest.alerts) && Number.isInteger(digest.dashboards)
    && typeof part === 'object' && part !== null && typeof part.team === 'string' && Array.isArray(part.inhibitRules);
}
