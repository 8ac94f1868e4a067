import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../lib/core/index.js';
import { runSynth } from '../../../lib/synth/cli.js';
import { writeDist } from '../../../lib/synth/write-dist.js';
import { harveyLikeStack } from '../../../bench/harvey-like-stack.js';
import { platform as harveyPlatform } from '../../../stacks/platform.js';
import { brokenShopStack, shopStack } from './fixture.js';

// DEFAULT_PLATFORM's placeholder URLs are refused by synth unless allowed.
const PLATFORM = { ...DEFAULT_PLATFORM, allowPlaceholders: true };

let work: string;
let errors: string[];

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'synth-'));
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(work, { recursive: true, force: true });
});

async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length + 1)] = await readFile(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

describe('runSynth', () => {
  it('writes the documented layout for a service', async () => {
    const out = join(work, 'dist');
    expect(await runSynth([shopStack()], PLATFORM, { check: false, outDir: out })).toBe(0);
    const files = Object.keys(await snapshotDir(out)).sort();
    expect(files).toContain('shop-api/prometheus-rules.yaml');
    expect(files).toContain('shop-api/prometheus-rules.test.yaml');
    expect(files).toContain('shop-api/RUNBOOK.md');
    expect(files).toContain('shop-api/helm/api.values.yaml');
    expect(files).toContain('_shared/helm/values.schema.json');
    expect(files).not.toContain('shop-api/helm/values.schema.json');
    expect(files).toContain('shop-api/k8s/horizontalpodautoscaler-api.yaml');
    expect(files).toContain('shop-api/k8s/prometheusrule-shop-api.yaml');
  });

  it('also writes the PrometheusRule as a Helm chart template when the platform asks for it', async () => {
    const out = join(work, 'dist');
    expect(await runSynth([shopStack()], { ...PLATFORM, helmPrometheusRuleTemplate: true }, { check: false, outDir: out })).toBe(0);
    const files = await snapshotDir(out);
    expect(files['shop-api/helm/templates/prometheusrule.yaml']).toContain('{{ "{{" }} $value | humanizePercentage {{ "}}" }}');
  });

  it('removes files a previous run wrote that are no longer produced', async () => {
    const out = join(work, 'dist');
    await writeDist(new Map([['old-service/RUNBOOK.md', 'stale']]), out); // listed in the manifest: synth's own
    await runSynth([shopStack()], PLATFORM, { check: false, outDir: out });
    expect(Object.keys(await snapshotDir(out)).some((f) => f.startsWith('old-service'))).toBe(false);
  });

  it('produces the same bytes on every run', async () => {
    const a = join(work, 'a');
    const b = join(work, 'b');
    await runSynth([shopStack()], PLATFORM, { check: false, outDir: a });
    await runSynth([shopStack()], PLATFORM, { check: false, outDir: b });
    expect(await snapshotDir(a)).toEqual(await snapshotDir(b));
  });

  it('on bad input exits 1, reports every error grouped by service, and leaves dist/ byte-for-byte as it was', async () => {
    const out = join(work, 'dist');
    await runSynth([shopStack()], PLATFORM, { check: false, outDir: out });
    const before = await snapshotDir(out);

    expect(await runSynth([brokenShopStack()], PLATFORM, { check: false, outDir: out })).toBe(1);

    expect(await snapshotDir(out)).toEqual(before);
    expect(errors.join('\n')).toBe([
      `synth failed; ${out}/ left unchanged.`,
      '3 validation errors:',
      '  shop-api:',
      "    - workloads.api.autoscaling.minReplicas: 6 is invalid; allowed: at most 'maxReplicas' (4)",
      '    - workloads.api.port: 0 is invalid; allowed: an integer from 1 to 65535',
      "    - alerts.ShopHighErrorRate.above: '500%' is invalid; allowed: a ratio between 0 and 1, written as a percentage such as '5%'",
    ].join('\n'));
  });

  it('rejects an alert name used by two services', async () => {
    const other = shopStack({ name: 'shop-admin' });
    expect(await runSynth([shopStack(), other], PLATFORM, { check: false, outDir: join(work, 'dist') })).toBe(1);
    expect(errors.join('\n')).toContain(
      "shop-admin:\n    - alert name: 'ShopHighErrorRate' is invalid; allowed: each alert name used once across all services (used by shop-api, shop-admin)");
  });

  it('--check passes on a fresh dist/ and fails, naming the file, once it is stale', async () => {
    const out = join(work, 'dist');
    await runSynth([shopStack()], PLATFORM, { check: false, outDir: out });
    expect(await runSynth([shopStack()], PLATFORM, { check: true, outDir: out })).toBe(0);

    await runSynth([shopStack({}, '10%')], PLATFORM, { check: false, outDir: out });
    expect(await runSynth([shopStack()], PLATFORM, { check: true, outDir: out })).toBe(1);
    expect(errors.join('\n')).toContain('changed:    shop-api/prometheus-rules.yaml');
  });

  it('--only writes only that service, leaves the others untouched, and keeps the Alertmanager configuration of every service', { timeout: 600_000 }, async () => {
    const organisation = (changed: boolean) => [0, 1, 2].map((i) => harveyLikeStack(i, changed && i === 1 ? 1 : 0));
    const out = join(work, 'dist');
    const options = { check: false, outDir: out, promtool: 'off' as const, cacheDir: false as const };
    expect(await runSynth(organisation(false), harveyPlatform, options)).toBe(0);
    const before = await snapshotDir(out);
    const mtimes = async () => Object.fromEntries(await Promise.all(Object.keys(before).filter((f) => !f.startsWith('svc-00001/') && f !== '.oac-manifest.json')
      .map(async (f) => [f, (await stat(join(out, f))).mtimeMs] as const)));
    const untouched = await mtimes();

    expect(await runSynth(organisation(true), harveyPlatform, { ...options, only: ['svc-00001'] })).toBe(0);
    const after = await snapshotDir(out);
    const full = join(work, 'full');
    expect(await runSynth(organisation(true), harveyPlatform, { ...options, outDir: full })).toBe(0);
    expect(after).toEqual(await snapshotDir(full));
    expect(after['svc-00001/prometheus-rules.yaml']).not.toEqual(before['svc-00001/prometheus-rules.yaml']);
    expect(after['alertmanager/alertmanager.yaml']).toContain('team="team-2"');
    expect(await mtimes()).toEqual(untouched);
    expect(await runSynth(organisation(true), harveyPlatform, { ...options, check: true, only: ['svc-00001'] })).toBe(0);
  });

  it('--only leaves the Alertmanager configuration as it was, and says why, when a service it leaves out has a malformed stack', { timeout: 600_000 }, async () => {
    const out = join(work, 'dist');
    const options = { check: false, outDir: out, promtool: 'off' as const, cacheDir: false as const };
    expect(await runSynth([0, 1, 2].map((i) => harveyLikeStack(i)), harveyPlatform, options)).toBe(0);
    const before = await snapshotDir(out);
    const malformed = { ...harveyLikeStack(2), alerts: [...harveyLikeStack(2).alerts, 42 as never] };
    const logged: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((m: string) => void logged.push(m));
    expect(await runSynth([harveyLikeStack(0), harveyLikeStack(1, 1), malformed], harveyPlatform, { ...options, only: ['svc-00001'] })).toBe(0);
    expect(logged.join('\n')).toContain('synth: alertmanager/ left as it was: it is rendered from every service, and svc-00002 has problems (run `oac validate`)');
    const after = await snapshotDir(out);
    expect(after['alertmanager/alertmanager.yaml']).toBe(before['alertmanager/alertmanager.yaml']);
    expect(after['svc-00001/prometheus-rules.yaml']).not.toBe(before['svc-00001/prometheus-rules.yaml']);
  });
});

