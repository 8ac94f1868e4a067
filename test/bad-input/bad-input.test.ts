import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PLATFORM } from '../../lib/core/index.js';
import { runSynth } from '../../lib/synth/cli.js';
import { entries, snapshotDir } from '../support/dist-dir.js';
import { CASES } from './cases.js';
import { catalogStack, shopStack, supportStack } from './fixture.js';
import { INPUT_CASES } from './input-cases.js';

// DEFAULT_PLATFORM's placeholder URLs are refused by synth unless allowed.
const PLATFORM = { ...DEFAULT_PLATFORM, allowPlaceholders: true };

/**
 * One good fixture, one field broken per case: synth must exit 1, print exactly the expected report
 * (service, field, value, what is allowed) and leave dist/ (filled by a good run first) byte for byte
 * as it was. promtool is required here, as in CI. CASES break checks on rendered output, INPUT_CASES the
 * run-time validation of every input value (syntax where it lands, wrong JavaScript types).
 */
const ALL = [...CASES, ...INPUT_CASES];
let work: string;
let dist: string;
let good: Record<string, string>;
let errors: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bad-input-'));
  dist = join(work, 'dist');
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  expect(await runSynth([shopStack(), catalogStack(), supportStack()], PLATFORM, { check: false, outDir: dist, promtool: 'required' })).toBe(0);
  good = await snapshotDir(dist);
});
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(work, { recursive: true, force: true });
});

describe('bad input', () => {
  it('starts from a good fixture that synthesizes cleanly into a filled dist/', () => {
    expect(Object.keys(good).length).toBeGreaterThan(20);
    expect(ALL.length).toBeGreaterThanOrEqual(100);
    expect(new Set(ALL.map((c) => c.name)).size).toBe(ALL.length);
  });

  for (const { name, stacks, platform, expected } of ALL) {
    it(name, async () => {
      expect(await runSynth(stacks(), platform?.() ?? PLATFORM, { check: false, outDir: dist, promtool: 'required' })).toBe(1);
      const lines = typeof expected === 'function' ? expected() : expected;
      expect(errors.join('\n')).toBe([`synth failed; ${dist}/ left unchanged.`, ...lines].join('\n'));
      expect(await snapshotDir(dist)).toEqual(good);
      expect(await entries(work)).toEqual(['dist']);
    });
  }
});
