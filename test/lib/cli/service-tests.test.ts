import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedPromtool, type CountedPromtool } from '../../support/counted-promtool.js';
import { availabilityAlerts, httpGoldenSignalsAlerts } from '../../../alerts/index.js';
import { runServiceTests, serviceTestFiles, type ServiceTestFiles, type ServiceTestResult } from '../../../lib/cli/service-tests.js';
import { DEFAULT_PLATFORM } from '../../../lib/core/platform.js';
import { defineService } from '../../../lib/core/service.js';
import { SEV1 } from '../../../lib/core/severity.js';
import type { ServiceStack } from '../../../lib/core/stack.js';
import { RULE_FILE, RULE_TEST_FILE, serviceArtifacts } from '../../../lib/synth/service-artifacts.js';
import { splitTestJob } from '../../../lib/testing/promtool-split.js';

/** A small service of the same packs under generated names (as an organisation's services are), error threshold `errorsAbove`. */
function smallService(index: number, errorsAbove: `${number}%` = '5%'): ServiceStack {
  const name = `svc-${String(index).padStart(5, '0')}`;
  const prefix = `Svc${index}`;
  const service = defineService({
    name, title: `Service ${index}`, alertPrefix: prefix, team: `team-${index}`,
    workloads: [{ name, port: 8080, replicas: 2, image: { repository: `ghcr.io/acme/${name}`, tag: '1.0.0' },
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } } }],
  });
  return {
    service,
    alerts: [
      ...availabilityAlerts(service, { workload: name, name: `${prefix}Down`, for: '1m', level: SEV1 }),
      ...httpGoldenSignalsAlerts(service, { workload: name, errors: { name: `${prefix}HighErrorRate`, above: errorsAbove, for: '5m', level: SEV1 } }),
    ],
    dashboards: [],
  };
}

/** The promtool files of these stacks, as synth renders them. */
function testFilesOf(stacks: readonly ServiceStack[]): ServiceTestFiles[] {
  const files = new Map<string, string>();
  for (const stack of stacks) {
    const artifacts = serviceArtifacts(stack, DEFAULT_PLATFORM);
    expect(artifacts.issues).toEqual([]);
    for (const [path, content] of artifacts.files) files.set(path, content);
  }
  return serviceTestFiles(files, stacks);
}

/** Every error-rate threshold of the rule file moved from 5% to 50%: the generated scenarios then fail. */
const withBrokenThreshold = (s: ServiceTestFiles): ServiceTestFiles => ({ ...s, rules: s.rules.replaceAll('> 0.05', '> 0.5') });

/** promtool runs that prove one service: one per part of its split file (lib/testing/promtool-split.ts). */
const runsOf = (s: ServiceTestFiles): number => splitTestJob({ files: { [RULE_FILE]: s.rules, [RULE_TEST_FILE]: s.tests }, testFile: RULE_TEST_FILE }).length;

const sourceOf = (r: ServiceTestResult): string => (r.source.kind === 'renaming' ? `renaming of ${r.source.service}` : r.source.kind);

describe('runServiceTests', () => {
  let counted: CountedPromtool;
  let dir: string;
  let promtool: string;
  const newRuns = (): Promise<number> => counted.newRuns();

  beforeAll(async () => {
    counted = await countedPromtool();
    ({ dir, promtool } = counted);
  });
  afterAll(() => counted.remove());

  it('proves services that are renamings of each other once, by the first one\'s runs, the others taking its verdict', async () => {
    const services = testFilesOf([smallService(1), smallService(2), smallService(3)]);
    const results = await runServiceTests(services, undefined, { promtool, cacheDir: false });
    expect(results.map((r) => [r.service, r.result.ok, sourceOf(r)])).toEqual([
      ['svc-00001', true, 'promtool'],
      ['svc-00002', true, 'renaming of svc-00001'],
      ['svc-00003', true, 'renaming of svc-00001'],
    ]);
    expect(new Set(results.map((r) => `${r.groups} groups, ${r.assertions} assertions`)).size).toBe(1);
    expect(results[0]!.assertions).toBeGreaterThan(0);
    expect(runsOf(services[0]!)).toBeGreaterThan(1); // split: each run loads only the rules its tests read
    expect(await newRuns()).toBe(runsOf(services[0]!));
  });

  it('runs a service whose threshold differs on its own, and reports results in the order given', async () => {
    const services = testFilesOf([smallService(1), smallService(2, '10%'), smallService(3)]);
    const seenOrder: string[] = [];
    const results = await runServiceTests(services, (r) => seenOrder.push(r.service), { promtool, cacheDir: false });
    expect(results.map((r) => [r.service, r.result.ok, sourceOf(r)])).toEqual([
      ['svc-00001', true, 'promtool'],
      ['svc-00002', true, 'promtool'],
      ['svc-00003', true, 'renaming of svc-00001'],
    ]);
    expect(seenOrder).toEqual(['svc-00001', 'svc-00002', 'svc-00003']);
    expect(await newRuns()).toBe(runsOf(services[0]!) + runsOf(services[1]!));
  });

  it('when a shared proof fails, runs every member for itself, whole, so each failure names its own alerts', async () => {
    const services = testFilesOf([smallService(1), smallService(2)]).map(withBrokenThreshold);
    const results = await runServiceTests(services, undefined, { promtool, cacheDir: false });
    expect(results.map((r) => [r.service, r.result.ok, sourceOf(r)])).toEqual([
      ['svc-00001', false, 'promtool'],
      ['svc-00002', false, 'promtool'],
    ]);
    expect(results[0]!.result.output).toContain('Svc1HighErrorRate');
    expect(results[1]!.result.output).toContain('Svc2HighErrorRate');
    expect(results[1]!.result.output).not.toContain('Svc1HighErrorRate');
    // Each service: its split runs, then (a part failed) its whole file, whose output is reported.
    expect(await newRuns()).toBe(runsOf(services[0]!) + 1 + runsOf(services[1]!) + 1);
  });

  it('takes input that already passed from the cache, without running promtool', async () => {
    const cacheDir = join(dir, 'cache');
    const services = testFilesOf([smallService(1), smallService(2)]);
    const first = await runServiceTests(services, undefined, { promtool, cacheDir });
    expect(first.map(sourceOf)).toEqual(['promtool', 'renaming of svc-00001']);
    expect(await newRuns()).toBe(runsOf(services[0]!));
    const again = await runServiceTests(services, undefined, { promtool, cacheDir });
    expect(again.map((r) => [r.result.ok, sourceOf(r)])).toEqual([[true, 'cache'], [true, 'renaming of svc-00001']]);
    expect(again.map((r) => r.seconds)).toEqual([0, 0]); // no promtool time spent
    expect(await newRuns()).toBe(0);
  });

  it('stops a promtool that never finishes and reports the service as failed, so the run always ends', async () => {
    const stuck = join(dir, 'stuck-promtool');
    // Answers --version like promtool, then never finishes a test run.
    await writeFile(stuck, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "promtool, version 0.0.0 (stuck)"; exit 0; fi\nexec sleep 600\n');
    await chmod(stuck, 0o755);
    const results = await runServiceTests(testFilesOf([smallService(1)]), undefined, { promtool: stuck, cacheDir: false, timeoutMs: 1_000 });
    expect(results[0]!.result.ok).toBe(false);
    expect(results[0]!.result.output).toContain('promtool was stopped after 1000ms');
  });
});
