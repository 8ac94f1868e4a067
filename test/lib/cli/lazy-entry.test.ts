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
export function shopStack(name: string): ServiceStack {
  const i = names.indexOf(name);
  const service = defineService({
    name, title: \`Shop \${i}\`, alertPrefix: \`Shop\${i}\`, team: \`team-\${i % 3}\`,
    workloads: [{ name, port: 8080, replicas: 2, image: { repository: \`ghcr.io/acme/\${name}\`, tag: '1.2.3' },
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

const EAGER = `
import { names, shopStack } from '../src/shops.js';
export const stacks = names.map(shopStack);
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

describe('an entry that exports lazyStacks', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await cliProject({
      'src/shops.ts': SHOPS, 'stacks/platform.ts': PLATFORM, 'entries/lazy.ts': LAZY, 'entries/eager.ts': EAGER, 'entries/broken.ts': BROKEN,
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
