import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/packed-package.js';
import { snapshotDir } from '../../support/dist-dir.js';
import { cliProject, LIB, PLATFORM, type CliProject } from './cli-project.js';

/** Ten small services built by one function (enough for synth to digest and render them on worker threads). */
const SHOPS = `
import { defineService, SEV1, type ServiceStack } from '${LIB}';
import { availabilityAlerts } from '${join(REPO_ROOT, 'alerts/index.ts')}';

export const names = Array.from({ length: 10 }, (_, i) => \`shop-\${i}\`);
export function shopStack(name: string, tag = '1.2.3'): ServiceStack {
  const i = names.indexOf(name);
  const service = defineService({
    name, title: \`Shop \${i}\`, alertPrefix: \`Shop\${i}\`, team: \`team-\${i % 3}\`,
    workloads: [{ name, port: 8080, replicas: 2, image: { repository: \`ghcr.io/acme/\${name}\`, tag },
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } } }],
  });
  return { service, alerts: availabilityAlerts(service, { workload: name, name: \`Shop\${i}Down\`, for: '1m', level: SEV1 }), dashboards: [] };
}
`;

/** Each build appends `<thread id> <name>` to builds.log: which threads built which stacks. */
const LAZY = `
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { lazyStacks } from '${LIB}';
import { names, shopStack } from '../src/shops.js';
export const stacks = lazyStacks(names, (name) => {
  appendFileSync(new URL('../builds.log', import.meta.url), \`\${threadId} \${name}\\n\`);
  return shopStack(name);
});
export { platform } from '../stacks/platform.js';
`;

/** Each service's image tag comes from tags.json, read (not imported): its declared input. */
const DECLARED = `
import { appendFileSync, readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { lazyStacks } from '${LIB}';
import { names, shopStack } from '../src/shops.js';
const tags: Record<string, string> = JSON.parse(readFileSync(new URL('../tags.json', import.meta.url), 'utf8'));
export const stacks = lazyStacks(names, (name) => {
  appendFileSync(new URL('../builds.log', import.meta.url), \`\${threadId} \${name}\\n\`);
  return shopStack(name, tags[name]!);
}, { inputOf: (name) => tags[name] });
export { platform } from '../stacks/platform.js';
`;

const EAGER = `
import { names, shopStack } from '../src/shops.js';
export const stacks = names.map((name) => shopStack(name));
export { platform } from '../stacks/platform.js';
`;

/** shop-3's build throws, shop-7's returns another service's stack. */
const BROKEN = `
import { lazyStacks } from '${LIB}';
import { names, shopStack } from '../src/shops.js';
export const stacks = lazyStacks(names, (name) => {
  if (name === 'shop-3') throw new Error('no spec for shop-3');
  return shopStack(name === 'shop-7' ? 'shop-8' : name);
});
export { platform } from '../stacks/platform.js';
`;

const names = (): string[] => Array.from({ length: 10 }, (_, i) => `shop-${i}`);
const tagsJson = (changed: Record<string, string>): string => JSON.stringify(Object.fromEntries(names().map((n) => [n, changed[n] ?? '1.2.3'])));

describe('an entry that exports lazyStacks', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await cliProject({
      'src/shops.ts': SHOPS, 'stacks/platform.ts': PLATFORM, 'entries/lazy.ts': LAZY, 'entries/eager.ts': EAGER, 'entries/broken.ts': BROKEN,
      'entries/declared.ts': DECLARED, 'tags.json': tagsJson({}),
    });
  });
  afterAll(() => project?.remove());

  const builds = async (): Promise<string[]> => (await project.read('builds.log').catch(() => '')).trim().split('\n').filter((l) => l !== '');

  it('synthesizes the bytes an array of the same stacks gives, building each stack on a worker thread only', { timeout: 300_000 }, async () => {
    expect((await project.oac(['synth', '--entry', 'entries/eager.ts', '--out', 'eager', '--no-promtool'])).code).toBe(0);
    const lazy = await project.oac(['synth', '--entry', 'entries/lazy.ts', '--out', 'lazy', '--no-promtool']);
    expect(lazy.stderr).toContain('rendering and checking 10 service(s) on 2 threads');
    expect(lazy.code).toBe(0);
    expect(await snapshotDir(join(project.dir, 'lazy'))).toEqual(await snapshotDir(join(project.dir, 'eager')));

    // The main thread (id 0) built none; each stack was built twice, once to digest it and once to render it.
    const cold = await builds();
    expect(cold.filter((l) => l.startsWith('0 '))).toEqual([]);
    for (let i = 0; i < 10; i++) expect(cold.filter((l) => l.endsWith(` shop-${i}`))).toHaveLength(2);

    // Unchanged since the last run: digested (built once more), not rendered.
    await project.write('builds.log', '');
    const warm = await project.oac(['synth', '--entry', 'entries/lazy.ts', '--out', 'lazy', '--no-promtool']);
    expect(warm.stdout).toContain('10 service(s) unchanged since the last run, not rendered again');
    expect((await builds()).filter((l) => l.startsWith('0 '))).toEqual([]);
    expect(await builds()).toHaveLength(10);
    expect((await project.oac(['synth', '--check', '--entry', 'entries/lazy.ts', '--out', 'lazy', '--no-promtool'])).code).toBe(0);
  });

  it('builds only the services whose declared input changed, and every service when the code changed', { timeout: 300_000 }, async () => {
    const synth = (...extra: string[]) => project.oac(['synth', '--entry', 'entries/declared.ts', '--out', 'declared', '--no-promtool', ...extra]);
    await project.write('builds.log', '');
    expect((await synth()).code).toBe(0);
    expect(await snapshotDir(join(project.dir, 'declared'))).toEqual(await snapshotDir(join(project.dir, 'eager')));
    expect(await builds()).toHaveLength(20); // digest and render, on the workers

    // Nothing changed: not one stack is built, for a write nor for --check.
    await project.write('builds.log', '');
    const warm = await synth();
    expect(warm.stdout).toContain('10 service(s) unchanged since the last run, not rendered again');
    expect((await synth('--check')).code).toBe(0);
    expect(await builds()).toEqual([]);

    // One service's input changed: that service alone is built (here, on the main thread) and rendered.
    await project.write('tags.json', tagsJson({ 'shop-4': '1.2.4' }));
    const one = await synth();
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('9 service(s) unchanged since the last run');
    expect(one.stdout).toMatch(/shop-4: \d+ files \(0 new, [1-9]\d* changed/);
    expect(await builds()).toEqual(['0 shop-4', '0 shop-4']);
    expect(await project.read('declared/shop-4/helm/shop-4.values.yaml')).toMatch(/tag: "?1\.2\.4/);

    // The code changed (a comment in a module the entry imports): every stack is built again; none differs, so none renders.
    await project.write('builds.log', '');
    await project.write('src/shops.ts', `${SHOPS}\n// reviewed\n`);
    const code = await synth('--check');
    expect(code.code).toBe(0);
    expect((await builds()).map((line) => line.split(' ')[1]).sort()).toEqual(names());
  });

  it('renders on the main thread with one job, to the same bytes', { timeout: 300_000 }, async () => {
    expect((await project.oac(['synth', '--entry', 'entries/lazy.ts', '--out', 'one', '--no-promtool', '--jobs', '1'])).code).toBe(0);
    expect(await snapshotDir(join(project.dir, 'one'))).toEqual(await snapshotDir(join(project.dir, 'eager')));
  });

  it('reports every stack it could not build, by service, and writes nothing', { timeout: 300_000 }, async () => {
    const run = await project.oac(['synth', '--entry', 'entries/broken.ts', '--out', 'broken', '--no-promtool']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('synth failed; broken/ left unchanged.');
    expect(run.stderr).toMatch(/shop-3[\s\S]*\(lazyStacks build\)[\s\S]*no spec for shop-3[\s\S]*a build that returns the stack of every listed name/);
    expect(run.stderr).toMatch(/shop-7[\s\S]*\(lazyStacks build\)[\s\S]*a stack named "shop-8"[\s\S]*the stack of 'shop-7', the name it was built for/);
    await expect(readdir(join(project.dir, 'broken'))).rejects.toThrow('ENOENT');
  });

  it('lists its services and stops with both build errors where a command needs every stack', { timeout: 120_000 }, async () => {
    const list = await project.oac(['list', '--entry', 'entries/lazy.ts', '--json']);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { services: { name: string }[] }).services.map((s) => s.name)).toEqual(Array.from({ length: 10 }, (_, i) => `shop-${i}`));
    const broken = await project.oac(['list', '--entry', 'entries/broken.ts']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('entries/broken.ts: lazyStacks could not build 2 service(s):');
    expect(broken.stderr).toContain('shop-3: no spec for shop-3');
    expect(broken.stderr).toContain('shop-7: a stack named "shop-8"');
  });
});
