import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { toYaml } from '../lib/render/yaml.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { platformProject, REPO } from './platform-project.js';
import type { PromtoolTestFile } from '../lib/render/promtool/test-file.js';
import { promtoolTestFileYaml } from '../lib/render/promtool/test-file-yaml.js';
import { benchServiceName, harveyLikeStack } from './harvey-like-stack.js';

/**
 * One measurement in its own process (so peak RSS belongs to this N and this step alone), started by
 * bench/synth.bench.ts: `node --import tsx bench/measure.ts <step> <services> <outDir> [extra]`.
 * Prints one JSON line: { wallMs, cpuMs, peakRssMiB, ...step details }.
 */
type Step = 'synth' | 'check' | 'one-change' | 'one-change-check' | 'floor' | 'cdk8s' | 'promtool';

const [step, countArg, outDir, extra] = process.argv.slice(2) as [Step, string, string, string | undefined];
const count = Number(countArg);
if (!step || !Number.isInteger(count) || count < 1 || !outDir) {
  throw new Error('usage: measure.ts <synth|check|one-change|floor|cdk8s|promtool> <services> <outDir> [extra]');
}

async function timed<T>(work: () => Promise<T>): Promise<{ wallMs: number; cpuMs: number; result: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, result };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

async function outputSize(dir: string): Promise<{ files: number; bytes: number }> {
  let bytes = 0;
  const files = await listFiles(dir);
  for (const file of files) bytes += (await stat(join(dir, file))).size;
  return { files: files.length, bytes };
}

const USAGE = fileURLToPath(new URL('./usage.mjs', import.meta.url));

/**
 * Runs `oac synth` as a platform repo that installed this package runs it (bench/platform-project.ts): the
 * built CLI (`node build/lib/cli/main.js`, which is what the `oac` bin runs; npm's own start-up is not
 * counted) in a project holding the bench's organisation, which loads through tsx, builds the stacks,
 * renders on every core, runs every check and promtool, and writes. Wall time from the start of that
 * process to its exit; its CPU time and peak RSS, worker threads included (bench/usage.mjs).
 */
async function synth(check: boolean, changed = 0): Promise<Record<string, unknown>> {
  // Made by the first CLI step of the bench run and kept, as a repo's files stay between its runs.
  const project = `${outDir}-project`;
  const entry = existsSync(join(project, 'bench', 'organisation.ts')) ? join(project, 'bench', 'organisation.ts') : await platformProject(project);
  const usageFile = join(project, 'usage.json');
  const env = { ...process.env, OAC_BENCH_SERVICES: String(count), OAC_BENCH_CHANGED: String(changed), OAC_BENCH_USAGE: usageFile };
  const args = ['--import', USAGE, join(REPO, 'build/lib/cli/main.js'), 'synth', '--entry', entry, '--out', outDir, '--require-promtool', ...(check ? ['--check'] : [])];
  const start = performance.now();
  const code = await new Promise<number>((done) => {
    const child = spawn(process.execPath, args, { cwd: project, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr = `${stderr}${d}`.slice(-4000); });
    child.on('close', (status) => {
      if (status !== 0) process.stderr.write(stderr);
      done(status ?? 1);
    });
  });
  const wallMs = performance.now() - start;
  if (code !== 0) throw new Error(`oac synth${check ? ' --check' : ''} exited ${code}`);
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as { cpuMs: number; peakRssMiB: number };
  return { wallMs, cpuMs: usage.cpuMs, peakRssMiB: usage.peakRssMiB, exitCode: code, ...(check ? {} : await outputSize(outDir)) };
}

/**
 * The serialisation floor: the final objects of every file synth wrote (parsed back from its output, so
 * exactly the same documents), stringified again with the same serialisers and written to a fresh
 * directory. Parsing is not timed. This is what any generator of these bytes must at least spend.
 */
async function floor(): Promise<Record<string, unknown>> {
  const target = `${outDir}-floor`;
  await rm(target, { recursive: true, force: true });
  // One file at a time (parse untimed, stringify + write timed), so the floor never holds the organisation in memory.
  let wallMs = 0;
  let cpuMs = 0;
  const files = await listFiles(outDir);
  for (const path of files) {
    const text = await readFile(join(outDir, path), 'utf8');
    let serialise: () => string;
    if (path.endsWith('.json')) {
      const value: unknown = JSON.parse(text);
      serialise = () => `${JSON.stringify(value, null, 2)}\n`;
    } else if (path.endsWith('.test.yaml')) {
      // The promtool test files' own compact writer (flow style, aliased annotations).
      const header = text.startsWith('#') ? text.slice(0, text.indexOf('\n') + 1) : '';
      const value = parse(text, { maxAliasCount: -1 }) as PromtoolTestFile;
      serialise = () => header + promtoolTestFileYaml(value);
    } else if (path.endsWith('.yaml') && !path.includes('/templates/')) {
      const header = text.startsWith('#') ? text.slice(0, text.indexOf('\n') + 1) : '';
      const value: unknown = parse(text);
      serialise = () => header + toYaml(value);
    } else serialise = () => text;
    const measured = await timed(async () => {
      const to = join(target, path);
      await mkdir(dirname(to), { recursive: true });
      await writeFile(to, serialise());
    });
    wallMs += measured.wallMs;
    cpuMs += measured.cpuMs;
  }
  await rm(target, { recursive: true, force: true });
  return { wallMs, cpuMs, files: files.length };
}

/**
 * The baseline: one plain cdk8s App holding a chart per service with the service's Kubernetes objects
 * (read back from synth's k8s/ files), synthesized once, as a cdk8s project of this size would be.
 */
async function cdk8sOneApp(): Promise<Record<string, unknown>> {
  const perService: { service: string; objects: Record<string, unknown>[] }[] = [];
  for (let i = 0; i < count; i++) {
    const service = benchServiceName(i);
    const dir = join(outDir, service, 'k8s');
    const objects: Record<string, unknown>[] = [];
    for (const file of (await readdir(dir)).sort()) objects.push(parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>);
    perService.push({ service, objects });
  }
  const target = `${outDir}-cdk8s`;
  await rm(target, { recursive: true, force: true });
  const measured = await timed(async () => {
    const app = new App({ outdir: target, recordConstructMetadata: false });
    for (const { service, objects } of perService) {
      const chart = new Chart(app, service);
      objects.forEach((object, n) => new ApiObject(chart, `o${n}`, object as never));
    }
    app.synth();
  });
  const objects = perService.reduce((sum, s) => sum + s.objects.length, 0);
  await rm(target, { recursive: true, force: true });
  return { wallMs: measured.wallMs, cpuMs: measured.cpuMs, objects };
}

/**
 * The proofs of the whole organisation as `oac test` runs them (serviceTestFiles + runServiceTests: every
 * core, shared runs for services that are renamings of each other, per-run time limits), from the files
 * synth wrote, with an empty promtool cache; then again from the cache. Wall time per service of each,
 * and how many services promtool itself ran.
 */
async function promtoolAll(): Promise<Record<string, unknown>> {
  const { runServiceTests, serviceTestFiles } = await import('../lib/cli/service-tests.js');
  const files = new Map<string, string>();
  const stacks = Array.from({ length: count }, (_, i) => harveyLikeStack(i));
  for (const { service } of stacks) {
    for (const file of ['prometheus-rules.yaml', 'prometheus-rules.test.yaml']) files.set(`${service.name}/${file}`, await readFile(join(outDir, service.name, file), 'utf8'));
  }
  const suites = serviceTestFiles(files, stacks);
  // A cache of its own: emptying synth's promtool cache here would make the later steps pay for proofs a real repo keeps.
  const cacheDir = `${outDir}-proofs-cache`;
  await rm(cacheDir, { recursive: true, force: true });
  const fresh = await timed(() => runServiceTests(suites, undefined, { cacheDir }));
  const failed = fresh.result.find((r) => !r.result.ok);
  if (failed) throw new Error(`promtool test rules failed for ${failed.service}:\n${failed.result.output.slice(0, 2000)}`);
  const cached = await timed(() => runServiceTests(suites, undefined, { cacheDir }));
  await rm(cacheDir, { recursive: true, force: true });
  const byPromtool = fresh.result.filter((r) => r.source.kind === 'promtool').length;
  return { wallMs: fresh.wallMs, cpuMs: fresh.cpuMs, services: count, promtoolRuns: byPromtool, msPerService: fresh.wallMs / count, cachedMsPerService: cached.wallMs / count };
}

const run: Record<Step, () => Promise<Record<string, unknown>>> = {
  synth: () => synth(false),
  check: () => synth(true),
  // Service 0 gets another CPU threshold: what re-synth costs after one service of `count` changed.
  'one-change': () => synth(false, Number(extra ?? 1)),
  'one-change-check': () => synth(true, Number(extra ?? 1)),
  floor,
  cdk8s: cdk8sOneApp,
  promtool: promtoolAll,
};

const report = await run[step]();
// The CLI steps report the peak RSS of the process they measured; the others, this process's.
const peakRssMiB = (report.peakRssMiB as number | undefined) ?? process.resourceUsage().maxRSS / 1024;
process.stdout.write(`\n${JSON.stringify({ step, services: count, ...report, peakRssMiB })}\n`);
