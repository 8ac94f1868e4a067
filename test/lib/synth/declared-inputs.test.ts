import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../lib/core/index.js';
import { lazyStacks, organisationOf } from '../../../lib/core/lazy-stacks.js';
import { declaredKeys, keepDigests, keptDigests } from '../../../lib/synth/declared-inputs.js';
import { digestOf } from '../../../lib/synth/service-digest.js';
import { SynthCache } from '../../../lib/synth/synth-cache.js';
import { brokenShopStack, shopStack } from './fixture.js';

const PLATFORM = { ...DEFAULT_PLATFORM, allowPlaceholders: true };
const names = ['shop-a', 'shop-b', 'shop-c'];
const thresholds: Record<string, string> = { 'shop-a': '5%', 'shop-b': '6%', 'shop-c': '7%' };
const stackOf = (name: string) => shopStack({ name, alertPrefix: `Shop${name.slice(-1).toUpperCase()}` }, thresholds[name]);
const organisation = (inputs: Record<string, unknown>) => organisationOf(lazyStacks(names, stackOf, { inputOf: (name) => inputs[name] }));

describe('declared keys', () => {
  it('change for the service whose declared input changed, and for every service when the code or the engine changed', () => {
    const before = declaredKeys(organisation(thresholds), PLATFORM, 'engine-1', 'code-1');
    expect(new Set(before).size).toBe(3);
    expect(declaredKeys(organisation({ ...thresholds }), PLATFORM, 'engine-1', 'code-1')).toEqual(before);
    const one = declaredKeys(organisation({ ...thresholds, 'shop-b': '9%' }), PLATFORM, 'engine-1', 'code-1');
    expect(one.map((k, i) => k === before[i])).toEqual([true, false, true]);
    for (const other of [declaredKeys(organisation(thresholds), PLATFORM, 'engine-1', 'code-2'), declaredKeys(organisation(thresholds), PLATFORM, 'engine-2', 'code-1'),
      declaredKeys(organisation(thresholds), { ...PLATFORM, grafanaUrl: 'https://grafana.example.org' }, 'engine-1', 'code-1')]) {
      expect(other.filter((k, i) => k === before[i])).toEqual([]);
    }
  });

  it('are missing where the input cannot be read whole, and for a source without inputOf', () => {
    const keys = declaredKeys(organisationOf(lazyStacks(names, stackOf, { inputOf: (name) => { if (name === 'shop-b') throw new Error('no catalog entry'); return name; } })), PLATFORM, 'e', 'c');
    expect(keys.map((k) => k === undefined)).toEqual([false, true, false]);
    expect(declaredKeys(organisationOf(lazyStacks(names, stackOf)), PLATFORM, 'e', 'c')).toEqual([undefined, undefined, undefined]);
  });
});

describe('kept digests', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'oac-declared-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('come back as they were kept, under their key and for their service only', async () => {
    const cache = new SynthCache(dir);
    const keys = declaredKeys(organisation(thresholds), PLATFORM, 'e', 'c');
    const digests = new Map(names.map((name, i) => [i, digestOf(stackOf(name), PLATFORM, 'e')]));
    await keepDigests(cache, keys, digests);
    expect(await keptDigests(cache, keys, names)).toEqual(digests);
    // The same keys under other names (a renamed service) are not taken.
    expect((await keptDigests(cache, keys, ['x', 'shop-b', 'y'])).size).toBe(1);
  });

  it('are not kept for a service with problems, nor taken from a torn file', async () => {
    const cache = new SynthCache(dir);
    const keys = ['k-broken', 'k-torn'];
    const broken = digestOf(brokenShopStack(), PLATFORM, 'e');
    expect(broken.modelIssues.length).toBeGreaterThan(0);
    await keepDigests(cache, keys, new Map([[0, broken], [1, digestOf(stackOf('shop-a'), PLATFORM, 'e')]]));
    expect(await readdir(join(dir, 'declared'))).toEqual(['k-']); // only k-torn's folder
    const [file] = await readdir(join(dir, 'declared', 'k-'));
    await writeFile(join(dir, 'declared', 'k-', file!), '{"service":"shop-a","key":');
    expect((await keptDigests(cache, keys, [broken.service, 'shop-a'])).size).toBe(0);
  });
});
