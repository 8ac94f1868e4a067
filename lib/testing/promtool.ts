import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

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
    return await run(options.promtool ?? process.env.PROMTOOL ?? 'promtool', args, dir, options.timeoutMs ?? 120_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
