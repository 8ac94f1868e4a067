import { execFileSync, spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `npm run bench [-- --services 100,1000,10000] [--json bench.json]`: synth of N Harvey-like services
 * (bench/harvey-like-stack.ts) next to what the same output costs at least (the serialisation floor) and
 * what one plain cdk8s App takes for the Kubernetes objects alone, plus the drift check, a re-synth after
 * one changed service, and the promtool proofs of every service (as `oac test` runs them) per service. Every step runs in its own child process
 * (bench/measure.ts), so peak RSS is that step's alone. Compare ratios within one run: absolute times
 * depend on the machine and on what else runs on it.
 */
const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '100,1000,10000' },
    json: { type: 'string' },
    'cdk8s-max': { type: 'string', default: '3000' },
    'incremental-max': { type: 'string', default: '1000' },
  },
});
const sizes = values.services.split(',').map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--services: '${values.services}' is not a list of positive integers such as 100,1000`);
const cdk8sMax = Number(values['cdk8s-max']);
const incrementalMax = Number(values['incremental-max']);
const measureScript = fileURLToPath(new URL('./measure.ts', import.meta.url));

// The CLI steps run the built package, as a platform repo that installed it does (bench/platform-project.ts).
process.stderr.write('bench: npm run build\n');
execFileSync('npm', ['run', '--silent', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });

interface StepResult { wallMs: number; cpuMs: number; peakRssMiB: number; files?: number; bytes?: number; msPerService?: number; cachedMsPerService?: number; promtoolRuns?: number; error?: string }

function measure(step: string, services: number, outDir: string, extra?: string): Promise<StepResult> {
  return new Promise((resolve) => {
    // Caches of this N only: the first synth starts cold, the later steps find what it rendered and checked.
    const env = { ...process.env, OAC_SYNTH_CACHE: `${outDir}-synth-cache`, OAC_PROMTOOL_CACHE: `${outDir}-promtool-cache` };
    const child = spawn(process.execPath, ['--import', 'tsx', measureScript, step, String(services), outDir, ...(extra ? [extra] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) {
        resolve(JSON.parse(line) as StepResult);
        return;
      }
      const why = signal ? `killed by ${signal}` : `exit ${code}`;
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ wallMs: NaN, cpuMs: NaN, peakRssMiB: NaN, error: `${step} ${services}: ${why}: ${tail}` });
    });
  });
}

/** The run of median wall time among `runs` (run one after the other); a failed run stands for them all. */
async function median(runs: readonly (() => Promise<StepResult>)[]): Promise<StepResult> {
  const results: StepResult[] = [];
  for (const run of runs) {
    const result = await run();
    if (result.error) return result;
    results.push(result);
  }
  return [...results].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(results.length / 2)]!;
}

interface Row {
  services: number;
  synthMs: number;
  synthCpuMs: number;
  floorMs: number;
  cdk8sOneAppMs: number | null;
  peakRssMiB: number;
  files: number;
  bytesPerService: number;
  checkMs: number | null;
  oneChangeSynthMs: number | null;
  oneChangeCheckMs: number | null;
  promtoolTestMsPerService: number | null;
  promtoolCachedMsPerService: number | null;
  /** Services promtool itself ran in the cold proofs run (the others were renamings of one). */
  promtoolRuns: number | null;
  errors: string[];
}

const rows: Row[] = [];
// Written after every size too, so a long run that is stopped keeps the sizes it finished.
const writeJson = async (): Promise<void> => {
  if (values.json) await writeFile(values.json, `${JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, rows }, null, 2)}\n`);
};
for (const services of sizes) {
  const outDir = join(tmpdir(), `oac-bench-${process.pid}-${services}`);
  const clean = () => Promise.all(['', '-synth-cache', '-promtool-cache', '-proofs-cache', '-project'].map((suffix) => rm(`${outDir}${suffix}`, { recursive: true, force: true })));
  await clean();
  const errors: string[] = [];
  const step = async (name: string, extra?: string): Promise<StepResult> => {
    const result = await measure(name, services, outDir, extra);
    if (result.error) errors.push(result.error);
    process.stderr.write(`bench: ${services} services, ${name}: ${result.error ?? `${(result.wallMs / 1000).toFixed(1)} s, ${result.peakRssMiB.toFixed(0)} MiB`}\n`);
    return result;
  };
  const synth = await step('synth');
  // The proofs of every service, as `oac test` runs them, before one service changes (N <= --incremental-max: the test files are read into memory).
  const promtool = !synth.error && services <= incrementalMax ? await step('promtool') : undefined;
  const proofs = promtool && !promtool.error ? promtool : undefined;
  // The runs of a developer's next edit, before the floor and the cdk8s App write and delete gigabytes: their
  // disk traffic (write-back, evicted pages) made these seconds-long steps 1.5-4x slower after them.
  const check = !synth.error && services <= incrementalMax ? await step('check') : undefined;
  // Seconds-long runs vary by a few tenths on this kind of machine: the median of three. Each re-synth
  // changes svc-00000 against what is on disk (its CPU threshold, back, and again); each check follows it.
  const oneChange = check ? await median(['1', '0', '1'].map((variant) => () => step('one-change', variant))) : undefined;
  const oneChangeCheck = oneChange && !oneChange.error ? await median(['1', '1', '1'].map((variant) => () => step('one-change-check', variant))) : undefined;
  const floor = synth.error ? undefined : await step('floor');
  const cdk8s = !synth.error && services <= cdk8sMax ? await step('cdk8s') : undefined;
  await clean();
  const ok = (r?: StepResult): number | null => (r && !r.error ? r.wallMs : null);
  rows.push({
    services,
    synthMs: synth.wallMs,
    synthCpuMs: synth.cpuMs,
    floorMs: ok(floor) ?? NaN,
    cdk8sOneAppMs: ok(cdk8s),
    peakRssMiB: synth.peakRssMiB,
    files: synth.files ?? NaN,
    bytesPerService: (synth.bytes ?? NaN) / services,
    checkMs: ok(check),
    oneChangeSynthMs: ok(oneChange),
    oneChangeCheckMs: ok(oneChangeCheck),
    promtoolTestMsPerService: proofs?.msPerService ?? null,
    promtoolCachedMsPerService: proofs?.cachedMsPerService ?? null,
    promtoolRuns: proofs?.promtoolRuns ?? null,
    errors,
  });
  await writeJson();
}

const s = (ms: number | null): string => (ms === null || Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(1));
const x = (a: number | null, b: number | null): string => (a === null || b === null || Number.isNaN(a) || Number.isNaN(b) ? '-' : `${(a / b).toFixed(2)}x`);
const header = ['services', 'synth s', 'cpu s', 'floor s', 'synth/floor', 'cdk8s 1-App s', 'cdk8s/synth', 'peak RSS MiB', 'files', 'KB/service', '--check s', '1-change synth s', '1-change --check s', 'promtool s/service', 'services run by promtool', 'cached promtool s/service'];
const table = rows.map((r) => [
  String(r.services), s(r.synthMs), s(r.synthCpuMs), s(r.floorMs), x(r.synthMs, r.floorMs), s(r.cdk8sOneAppMs), x(r.cdk8sOneAppMs, r.synthMs),
  Number.isNaN(r.peakRssMiB) ? '-' : r.peakRssMiB.toFixed(0), String(r.files), Number.isNaN(r.bytesPerService) ? '-' : (r.bytesPerService / 1000).toFixed(0),
  s(r.checkMs), s(r.oneChangeSynthMs), s(r.oneChangeCheckMs), r.promtoolTestMsPerService === null ? '-' : (r.promtoolTestMsPerService / 1000).toFixed(3), r.promtoolRuns === null ? '-' : String(r.promtoolRuns), r.promtoolCachedMsPerService === null ? '-' : (r.promtoolCachedMsPerService / 1000).toFixed(3),
]);
const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
console.log([line(header), line(header.map(() => '---')), ...table.map(line)].join('\n'));
const base = rows.find((r) => r.services === 1000);
for (const r of rows) {
  if (base && r.services > 1000) console.log(`${r.services} services take ${x(r.synthMs, base.synthMs)} the 1000-service synth time`);
  for (const e of r.errors) console.log(`error: ${e}`);
}
await writeJson();
