import { createHash } from 'node:crypto';
import type { Organisation } from '../core/lazy-stacks.js';
import type { PlatformConfig } from '../core/platform.js';
import { fewAtATime } from './few-at-a-time.js';
import { canonical } from './input-hash.js';
import type { ServiceDigest } from './service-digest.js';
import { isCleanDigest, type SynthCache } from './synth-cache.js';

/**
 * The declared key of each service of a lazy source with `inputOf` (undefined where there is none, or
 * where the input cannot be read whole): its name and declared input, the entry's code, the platform and
 * the engine. Equal keys mean the same stack (`inputOf`'s contract), so the digest kept under the key
 * stands for the stack's, and synth need not build it; any doubt builds it.
 */
export function declaredKeys(organisation: Organisation, platform: PlatformConfig, engine: string, codeKey: string): (string | undefined)[] {
  const { inputAt } = organisation;
  if (!inputAt) return organisation.names.map(() => undefined);
  const shared = createHash('sha256').update(engine).update('\0').update(codeKey).update('\0').update(canonical(platform)).digest('hex');
  return organisation.names.map((name, i) => {
    try {
      return createHash('sha256').update(shared).update('\0').update(name).update('\0').update(canonical(inputAt(i))).digest('hex');
    } catch {
      return undefined; // an input that throws or cannot be read whole: the stack is built
    }
  });
}

/** The digests kept under these keys, by service index. */
export async function keptDigests(cache: SynthCache, keys: readonly (string | undefined)[], names: readonly string[]): Promise<Map<number, ServiceDigest>> {
  const kept = new Map<number, ServiceDigest>();
  await fewAtATime([...keys.keys()], async (i) => {
    const key = keys[i];
    const digest = key === undefined ? undefined : await cache.getDigest(key);
    if (digest && digest.service === names[i]) kept.set(i, digest);
  });
  return kept;
}

/** Keeps the digests built this run under their declared keys, those that JSON keeps whole. */
export async function keepDigests(cache: SynthCache, keys: readonly (string | undefined)[], built: ReadonlyMap<number, ServiceDigest>): Promise<void> {
  await fewAtATime([...built], async ([i, digest]) => {
    const key = keys[i];
    if (key === undefined || !isCleanDigest(digest) || canonical(JSON.parse(JSON.stringify(digest))) !== canonical(digest)) return;
    await cache.setDigest(key, digest);
  });
}
