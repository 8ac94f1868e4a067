import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The package as a consumer receives it: `npm pack`'s tarball, and temporary consumer projects with that
 * tarball installed from the npm cache (offline). Shared by the package tests and the consumer tests.
 *
 *   const pkg = await packedPackage();                        // once per process, cached across runs
 *   const project = await consumerProject({ 'src/main.ts': '...' }, { extraDependencies: ['typescript@5.9.3'] });
 *   await project.run('npx', ['oac', 'synth']);
 *   await project.remove();
 *
 * The tarball is built from a staging copy (package.json, README, CHANGELOG and `tsc -p
 * tsconfig.build.json` output), not from the working tree's own `build/`, so tests running in parallel
 * never build into the same folder; `npm pack --ignore-scripts` then applies `files` exactly as a
 * publish would. Tarballs are cached in os.tmpdir() by a hash of every input, so a second test file (or
 * run) with the same sources reuses the first one's tarball.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const exec = promisify(execFile);
const BUILD_INPUTS = ['lib', 'alerts', 'dashboards'];
const PACKAGE_FILES = ['package.json', 'README.md', 'CHANGELOG.md', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

export interface PackedPackage {
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** Paths inside the tarball, without the `package/` prefix, sorted. */
  readonly files: readonly string[];
  /** Size of the `.tgz` in bytes. */
  readonly size: number;
  /** `name` and `version` of the packed package.json. */
  readonly name: string;
  readonly version: string;
}

let packing: Promise<PackedPackage> | undefined;

/** The packed tarball of the current sources (built and packed at most once per process). */
export function packedPackage(): Promise<PackedPackage> {
  packing ??= pack();
  return packing;
}

async function pack(): Promise<PackedPackage> {
  const hash = await inputHash();
  const cacheDir = join(tmpdir(), `oac-packed-${hash}`);
  const manifest = join(cacheDir, 'packed.json');
  const cached = await readFile(manifest, 'utf8').then((text) => JSON.parse(text) as PackedPackage, () => undefined);
  if (cached) return cached;

  const staging = await mkdtemp(join(tmpdir(), 'oac-pack-'));
  try {
    for (const file of PACKAGE_FILES) await copyFile(join(REPO_ROOT, file), join(staging, file));
    await exec(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', join(staging, 'build')], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const out = join(staging, 'out');
    await mkdir(out);
    const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: staging, maxBuffer: 16 * 1024 * 1024 });
    const [result] = JSON.parse(stdout) as { filename: string; name: string; version: string; files: { path: string }[] }[];
    if (!result) throw new Error(`npm pack printed no result: ${stdout}`);
    const tarball = join(out, result.filename);
    const packed: Omit<PackedPackage, 'tarball'> = {
      files: result.files.map((f) => f.path).sort(),
      size: (await stat(tarball)).size,
      name: result.name,
      version: result.version,
    };
    // Publish the cache entry with one rename, so a concurrent packer sees all of it or nothing.
    await writeFile(join(out, 'packed.json'), JSON.stringify({ ...packed, tarball: join(cacheDir, result.filename) }));
    await rename(out, cacheDir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error; // another process won the race
    });
    return JSON.parse(await readFile(manifest, 'utf8')) as PackedPackage;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Hash of everything the tarball is made of: the build inputs and the package files. */
async function inputHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = [...PACKAGE_FILES];
  for (const dir of BUILD_INPUTS) files.push(...(await listFiles(join(REPO_ROOT, dir))).map((f) => relative(REPO_ROOT, f)));
  for (const file of files.sort()) hash.update(`${file}\0`).update(await readFile(join(REPO_ROOT, file))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ConsumerProject {
  readonly dir: string;
  /** Runs a command in the project (never throws on a non-zero exit: the code is in the result). */
  run(command: string, args: readonly string[], options?: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number }): Promise<RunResult>;
  /** Writes a file relative to the project root, creating folders. */
  write(path: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

export interface ConsumerOptions {
  /** package.json fields besides name, private and type (`"type": "module"` unless overridden). */
  readonly packageJson?: Record<string, unknown>;
  /** Further packages to install from the npm cache next to the tarball, e.g. `typescript@5.9.3`. */
  readonly extraDependencies?: readonly string[];
}

/**
 * A fresh project in os.tmpdir() with the packed tarball installed by `npm install --offline` from the npm
 * cache (falling back to `--prefer-offline` once, when the cache lacks a package document), plus `files`.
 */
export async function consumerProject(files: Readonly<Record<string, string>> = {}, options: ConsumerOptions = {}): Promise<ConsumerProject> {
  const pkg = await packedPackage();
  const dir = await mkdtemp(join(tmpdir(), 'oac-consumer-'));
  const write = async (path: string, content: string): Promise<void> => {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, 'utf8');
  };
  const run: ConsumerProject['run'] = (command, args, runOptions = {}) =>
    new Promise((resolvePromise) => {
      execFile(
        command,
        [...args],
        { cwd: dir, env: { ...process.env, ...runOptions.env }, timeout: runOptions.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolvePromise({ code, stdout, stderr });
        },
      );
    });
  try {
    await write('package.json', `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', ...options.packageJson }, null, 2)}\n`);
    for (const [path, content] of Object.entries(files)) await write(path, content);
    const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', pkg.tarball, ...(options.extraDependencies ?? [])];
    let install = await run('npm', ['--offline', ...args]);
    // A cache filled by `npm install` from a lockfile holds the tarballs but not the registry's package
    // documents a lockfile-less consumer needs; the first such install fetches them, later ones are offline.
    if (install.code !== 0 && install.stderr.includes('ENOTCACHED')) install = await run('npm', ['--prefer-offline', ...args]);
    if (install.code !== 0) throw new Error(`npm install in ${dir} failed (${install.code}):\n${install.stdout}${install.stderr}`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, run, write, remove: () => rm(dir, { recursive: true, force: true }) };
}
