import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PLATFORM, type AlertSpec, type ServiceStack } from '../../../lib/core/index.js';
import { runSynth, type SynthOptions } from '../../../lib/synth/cli.js';
import { writeDist } from '../../../lib/synth/write-dist.js';
import { PROMTOOL_INSTALL_HINT } from '../../../lib/testing/promtool.js';
import { shopStack } from '../../bad-input/fixture.js';
import { entries, snapshotDir } from '../../support/dist-dir.js';

// DEFAULT_PLATFORM's placeholder URLs are refused by synth unless allowed.
const PLATFORM = { ...DEFAULT_PLATFORM, allowPlaceholders: true };

/** Every way synth can fail leaves dist/ byte for byte as it was, exits 1 and says why. */
let work: string;
let dist: string;
let before: Record<string, string>;
let errors: string[];
let warnings: string[];
const options = (extra: Partial<SynthOptions> = {}): SynthOptions => ({ check: false, outDir: dist, promtool: 'required', ...extra });

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'synth-failure-'));
  dist = join(work, 'dist');
  errors = [];
  warnings = [];
  vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  vi.spyOn(console, 'warn').mockImplementation((m: string) => void warnings.push(m));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  expect(await runSynth([shopStack()], PLATFORM, options())).toBe(0);
  before = await snapshotDir(dist);
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

async function expectUntouched(): Promise<void> {
  expect(await snapshotDir(dist)).toEqual(before);
  expect(await entries(work)).toEqual(['dist']);
}

function withThrowingSignal(stack: ServiceStack, alertName: string): ServiceStack {
  const alerts = stack.alerts.map((a): AlertSpec => (a.name !== alertName ? a
    : Object.defineProperty({ ...a }, 'signal', { get: () => { throw new Error('signal exploded'); } })));
  return { ...stack, alerts };
}

describe('synth failure paths', () => {
  it('reports a renderer that throws, by artifact, keeps rendering and checking the rest, and writes nothing', async () => {
    expect(await runSynth([withThrowingSignal(shopStack(), 'ShopHighCPU')], PLATFORM, options())).toBe(1);
    expect(errors.join('\n')).toBe([
      `synth failed; ${dist}/ left unchanged.`,
      '5 validation errors:',
      '  shop-api:',
      "    - (render prometheus-rules.yaml): 'signal exploded' is invalid; allowed: input every renderer accepts",
      "    - (render alertmanager): 'signal exploded' is invalid; allowed: input every renderer accepts",
      "    - (render metrics-contract.yaml): 'signal exploded' is invalid; allowed: input every renderer accepts",
      "    - (render RUNBOOK.md): 'signal exploded' is invalid; allowed: input every renderer accepts",
      "    - (check hpaTargetVsAlertIssues): 'signal exploded' is invalid; allowed: a check that completes",
    ].join('\n'));
    await expectUntouched();
  });

  it('reports an error escaping synthesis itself and writes nothing', async () => {
    const broken = Object.defineProperty({ ...shopStack() }, 'service', { get: () => { throw new Error('no service today'); } });
    expect(await runSynth([broken], PLATFORM, options())).toBe(1);
    expect(errors.join('\n')).toMatch(new RegExp(`^synth failed; ${dist}/ left unchanged\\.\\nunexpected error: Error: no service today`));
    await expectUntouched();
  });

  it('reports a rule file promtool refuses, and writes nothing', async () => {
    const fake = join(tmpdir(), `fake-promtool-${process.pid}`);
    await writeFile(fake, '#!/bin/sh\necho "Checking $3"\necho "  FAILED:"\necho "prometheus-rules.yaml: 7:15: group \\"shop-api-http\\", rule 1: nope" >&2\nexit 1\n');
    await chmod(fake, 0o755);
    vi.stubEnv('PROMTOOL', fake);
    try {
      expect(await runSynth([shopStack()], PLATFORM, options())).toBe(1);
    } finally {
      await rm(fake, { force: true });
    }
    expect(errors.join('\n')).toBe([
      `synth failed; ${dist}/ left unchanged.`,
      '1 validation error:',
      '  shop-api:',
      "    - prometheus-rules.yaml: 'prometheus-rules.yaml: 7:15: group \"shop-api-http\", rule 1: nope' is invalid; allowed: a rule file `promtool check rules` accepts",
    ].join('\n'));
    await expectUntouched();
  });

  it('fails when promtool is required but missing, with the command that installs it', async () => {
    vi.stubEnv('PROMTOOL', '/nonexistent/promtool');
    expect(await runSynth([shopStack()], PLATFORM, options())).toBe(1);
    expect(errors.join('\n')).toBe([
      `synth failed; ${dist}/ left unchanged.`,
      '1 validation error:',
      '  <project>:',
      `    - promtool: 'promtool not found (tried '/nonexistent/promtool')' is invalid; allowed: promtool on PATH, to run \`promtool check rules\` before writing: ${PROMTOOL_INSTALL_HINT}`,
    ].join('\n'));
    await expectUntouched();
  });

  it('writes, logging a clear skip, when promtool is optional (the default) and missing', async () => {
    vi.stubEnv('PROMTOOL', '/nonexistent/promtool');
    expect(await runSynth([shopStack({ errors: { above: '10%' } })], PLATFORM, options({ promtool: undefined }))).toBe(0);
    expect(warnings).toEqual([`synth: promtool not found, \`promtool check rules\` skipped; ${PROMTOOL_INSTALL_HINT}`]);
    expect(await snapshotDir(dist)).not.toEqual(before);
  });

  it('leaves dist/ as it was and exits 1 when --check finds it stale', async () => {
    expect(await runSynth([shopStack({ errors: { above: '10%' } })], PLATFORM, options({ check: true }))).toBe(1);
    expect(errors.join('\n')).toContain('changed:    shop-api/prometheus-rules.yaml');
    await expectUntouched();
  });

  it('exits 1 when dist/ cannot be written, leaving no staging directory behind', async () => {
    await writeFile(join(work, 'not-a-directory'), 'x');
    const out = join(work, 'not-a-directory', 'dist');
    expect(await runSynth([shopStack()], PLATFORM, options({ outDir: out }))).toBe(1);
    expect(errors.join('\n')).toMatch(new RegExp(`^synth failed while writing; ${out}/ left unchanged\\.\\n`));
    expect(await entries(work)).toEqual(['dist', 'not-a-directory']);
    expect(await snapshotDir(dist)).toEqual(before);
  });
});

describe('writeDist', () => {
  it('removes its staging directory and keeps the previous dist/ when a file cannot be written', async () => {
    await mkdir(dist, { recursive: true });
    // `a` as a file and as a directory: the second write fails half-way through staging.
    await expect(writeDist(new Map([['shop-api/a', 'file'], ['shop-api/a/b', 'file below a file']]), dist)).rejects.toThrowError();
    await expectUntouched();
  });
});
