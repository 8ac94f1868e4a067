import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { PromtoolCache } from './promtool-cache.js';

/**
 * Runs the real promtool on rule and test files held in memory, for this repository's tests and for
 * other repositories' own vitest suites:
 *
 *   const result = await runPromtoolTests({ 'rules.yaml': rules, 'rules.test.yaml': tests }, 'rules.test.yaml');
 *   expect(result.output).toContain('SUCCESS');
 *   expect(result.ok).toBe(true);
 *
 * Files are written into a fresh temporary directory (removed afterwards) and promtool runs there, so
 * `rule_files:` entries resolve relative to the test file as usual. A failing test or an invalid rule
 * file is a result (`ok: false` with promtool's output), never an exception; a missing promtool throws
 * an error naming the command that installs it.
 */
export interface PromtoolResult {
  /** promtool exited with status 0. */
  readonly ok: boolean;
  /** promtool's stdout followed by its stderr. */
  readonly output: string;
}

export interface PromtoolOptions {
  /** The promtool executable. @default process.env.PROMTOOL, else `promtool` from PATH */
  readonly promtool?: string;
  /** Kill promtool after this long and report `ok: false`. @default 120_000 */
  readonly timeoutMs?: number;
}

export const PROMTOOL_INSTALL_HINT =
  'install it with `sudo apt-get install -y --no-install-recommends prometheus` (Debian/Ubuntu), ' +
  'or download promtool from https://prometheus.io/download/ and put it on PATH (or set PROMTOOL=/path/to/promtool)';

export class PromtoolNotFoundError extends Error {
  constructor(executable: string) {
    super(`promtool not found (tried '${executable}'): ${PROMTOOL_INSTALL_HINT}`);
    this.name = 'PromtoolNotFoundError';
  }
}

/** `promtool test rules <testFile>` with `files` (path → content) written next to each other. */
export function runPromtoolTests(files: Readonly<Record<string, string>>, testFile: string, options: PromtoolOptions = {}): Promise<PromtoolResult> {
  return runInTempDir(files, [testFile], ['test', 'rules', testFile], options);
}

/** `promtool check rules <ruleFile>` with `files` (path → content) written next to each other. */
export function checkRules(files: Readonly<Record<string, string>>, ruleFile: string, options: PromtoolOptions = {}): Promise<PromtoolResult> {
  return runInTempDir(files, [ruleFile], ['check', 'rules', ruleFile], options);
}

async function runInTempDir(
  files: Readonly<Record<string, string>>,
  required: readonly string[],
  args: readonly string[],
  options: PromtoolOptions,
): Promise<PromtoolResult> {
  for (const path of [...Object.keys(files), ...required]) safeRelativePath(path);
  for (const path of required) {
    if (!(path in files)) throw new Error(`'${path}' is not among the files given (${Object.keys(files).join(', ') || 'none'})`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'promtool-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      const target = join(dir, safeRelativePath(path));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content, 'utf8');
    }
    return await run(executableOf(options), args, dir, options.timeoutMs ?? 120_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface PromtoolPoolOptions extends PromtoolOptions {
  /** promtool processes at once. @default os.availableParallelism() (every core) */
  readonly concurrency?: number;
  /**
   * Where results of successful runs are kept by content hash (inputs + command + promtool version), so
   * identical input is not run again; `false` runs everything.
   * @default process.env.OAC_PROMTOOL_CACHE, else `node_modules/.cache/oac-promtool` under the working directory
   */
  readonly cacheDir?: string | false;
  /** Called as each job finishes (any order), with its index in `jobs`. */
  readonly onResult?: (index: number, result: PooledPromtoolResult) => void;
}

/** One `promtool test rules` run of {@link runPromtoolTestsAll}: the files and the test file among them. */
export interface PromtoolTestJob {
  readonly files: Readonly<Record<string, string>>;
  readonly testFile: string;
  /** This job's stop-after time, where its size calls for another than the options' `timeoutMs`. */
  readonly timeoutMs?: number;
}

export interface PooledPromtoolResult extends PromtoolResult {
  /** The result came from the cache (an earlier successful run of the same input and promtool version). */
  readonly cached: boolean;
  /** Wall time of this job, cache look-up included (0 from `checkRulesAll`, which checks files in batches). */
  readonly seconds: number;
}

/**
 * `promtool test rules` for many jobs (e.g. one per service) on every core, skipping jobs whose exact
 * input already passed with this promtool version. Results come back in the order of `jobs`, whatever
 * the concurrency or the cache. A missing promtool rejects with {@link PromtoolNotFoundError}.
 */
export async function runPromtoolTestsAll(jobs: readonly PromtoolTestJob[], options: PromtoolPoolOptions = {}): Promise<PooledPromtoolResult[]> {
  const version = await promtoolVersion(executableOf(options));
  const cache = version ? cacheOf(options) : undefined;
  return pool(jobs, options.concurrency, async (job, index) => {
    const started = performance.now();
    const key = PromtoolCache.key(['test', 'rules', job.testFile], version, job.files);
    const hit = await cache?.get(key);
    const result = hit ? { ...hit, cached: true } : { ...(await runPromtoolTests(job.files, job.testFile, job.timeoutMs === undefined ? options : { ...options, timeoutMs: job.timeoutMs })), cached: false };
    if (!hit) await cache?.set(key, result);
    const done = { ok: result.ok, output: result.output, cached: result.cached, seconds: (performance.now() - started) / 1000 };
    options.onResult?.(index, done);
    return done;
  });
}

/** One rule file of {@link checkRulesAll}. */
export interface RuleFileInput {
  /** Path as promtool should name it in messages, e.g. `prometheus-rules.yaml`. */
  readonly path: string;
  readonly content: string;
}

/**
 * `promtool check rules` for many rule files: uncached files go to promtool in batches (one process
 * checks up to `batchSize` files, which is most of the cost saved), batches run on every core. A file
 * whose batch does not report it as a success is checked again on its own, so its result and output are
 * exactly what {@link checkRules} gives for it alone. Results in the order of `files`.
 */
export async function checkRulesAll(files: readonly RuleFileInput[], options: PromtoolPoolOptions & { readonly batchSize?: number } = {}): Promise<PooledPromtoolResult[]> {
  const executable = executableOf(options);
  const version = await promtoolVersion(executable);
  const cache = version ? cacheOf(options) : undefined;
  const keys = files.map((f) => PromtoolCache.key(['check', 'rules'], version, { [f.path]: f.content }));
  const results: (PooledPromtoolResult | undefined)[] = await Promise.all(keys.map(async (key) => {
    const hit = await cache?.get(key);
    return hit && { ...hit, cached: true, seconds: 0 };
  }));
  const todo = files.map((_, i) => i).filter((i) => results[i] === undefined);
  const size = Math.max(1, options.batchSize ?? 50);
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  // Batches small enough that every core gets work, large enough to save most process starts.
  const perBatch = Math.max(1, Math.min(size, Math.ceil(todo.length / concurrency)));
  const batches: number[][] = [];
  for (let i = 0; i < todo.length; i += perBatch) batches.push(todo.slice(i, i + perBatch));
  await pool(batches, concurrency, async (batch) => {
    const inputs: Record<string, string> = {};
    const named = batch.map((index, n) => {
      const path = `oac-batch-${n}/${safeRelativePath(files[index]!.path).split(sep).join('/')}`;
      inputs[path] = files[index]!.content;
      return { index, path };
    });
    const together = await runInTempDir(inputs, Object.keys(inputs), ['check', 'rules', ...Object.keys(inputs)], options);
    const sections = checkSections(together.output);
    for (const { index, path } of named) {
      const section = sections.get(path);
      // A success in the batch is a success alone (promtool checks each file on its own); anything
      // else is run alone so its message is exactly promtool's for that file.
      const result = section !== undefined && /^\s*SUCCESS: /m.test(section) && !/FAILED/.test(section)
        ? { ok: true, output: section.split(path).join(files[index]!.path) }
        : await checkRules({ [files[index]!.path]: files[index]!.content }, files[index]!.path, options);
      await cache?.set(keys[index]!, result);
      results[index] = { ...result, cached: false, seconds: 0 };
    }
  });
  return results as PooledPromtoolResult[];
}

/** promtool's `check rules` output split by its `Checking <file>` headers. */
function checkSections(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = output.split(/^(?=Checking )/m);
  for (const part of parts) {
    const header = /^Checking (\S+)\n/.exec(part);
    if (header) sections.set(header[1]!, part);
  }
  return sections;
}

const versions = new Map<string, Promise<string>>();

/** `promtool --version` (version, revision, build date), once per executable and process; '' when it cannot tell. */
export function promtoolVersion(executable = process.env.PROMTOOL ?? 'promtool'): Promise<string> {
  let version = versions.get(executable);
  if (!version) {
    version = new Promise((resolve, reject) => {
      execFile(executable, ['--version'], { timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new PromtoolNotFoundError(executable));
        // A promtool (or wrapper) that cannot tell its version still runs; its results are just never cached.
        else resolve(error ? '' : `${stdout}${stderr}`.trim());
      });
    });
    versions.set(executable, version);
    version.catch(() => versions.delete(executable));
  }
  return version;
}

function executableOf(options: PromtoolOptions): string {
  return options.promtool ?? process.env.PROMTOOL ?? 'promtool';
}

function cacheOf(options: PromtoolPoolOptions): PromtoolCache | undefined {
  if (options.cacheDir === false) return undefined;
  return new PromtoolCache(options.cacheDir ?? process.env.OAC_PROMTOOL_CACHE ?? join(process.cwd(), 'node_modules', '.cache', 'oac-promtool'));
}

/** Runs `work` over `items`, at most `concurrency` at once; results in input order; the first error rejects. */
async function pool<T, R>(items: readonly T[], concurrency: number | undefined, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency ?? availableParallelism(), items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}

function safeRelativePath(path: string): string {
  const normalized = normalize(path);
  if (path === '' || isAbsolute(path) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new Error(`file paths must be relative and stay inside the temporary directory, got '${path}'`);
  }
  return normalized;
}

function run(executable: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    execFile(executable, [...args], { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) {
        resolve({ ok: true, output });
        return;
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new PromtoolNotFoundError(executable));
        return;
      }
      const note = error.killed ? `\n(promtool was stopped after ${timeoutMs}ms)` : '';
      resolve({ ok: false, output: output + note });
    });
  });
}
