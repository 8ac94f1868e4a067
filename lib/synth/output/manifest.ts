import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode } from './fs-steps.js';
import { MANIFEST_NAME } from './names.js';

/**
 * `<out>/.oac-manifest.json`: the files synth wrote into the output folder, with the sha256 of each. It is
 * part of the committed output (deterministic bytes: sorted paths, one per line) and the only thing synth
 * trusts to tell its own files from anyone else's: a file not listed is never deleted or overwritten.
 */
export interface Manifest {
  /** `observability-as-code@<version>` of the run that last wrote the folder. */
  readonly engine: string;
  /** Relative posix path -> sha256 (hex) of the bytes synth wrote there. */
  readonly files: ReadonlyMap<string, string>;
}

const FORMAT = 1;

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function serializeManifest(manifest: Manifest): string {
  const paths = [...manifest.files.keys()].sort(byPath);
  const lines = paths.map((path, i) => `    ${JSON.stringify(path)}: ${JSON.stringify(manifest.files.get(path))}${i < paths.length - 1 ? ',' : ''}`);
  // Written by hand rather than JSON.stringify: object keys that look like integers would be reordered.
  return ['{', `  "format": ${FORMAT},`, `  "engine": ${JSON.stringify(manifest.engine)},`,
    paths.length === 0 ? '  "files": {}' : '  "files": {', ...lines, ...(paths.length === 0 ? [] : ['  }']), '}', ''].join('\n');
}

/** Thrown for a manifest that is not one synth wrote: synth will not guess which files are its own. */
export class ManifestUnreadable extends Error {
  override readonly name = 'ManifestUnreadable';
}

export function parseManifest(text: string, where: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestUnreadable(`${where} is not valid JSON (${(error as Error).message})`);
  }
  const record = data as { format?: unknown; engine?: unknown; files?: unknown };
  if (typeof data !== 'object' || data === null || record.format !== FORMAT || typeof record.engine !== 'string'
    || typeof record.files !== 'object' || record.files === null || Array.isArray(record.files)) {
    throw new ManifestUnreadable(`${where} is not a synth manifest (expected {"format": ${FORMAT}, "engine": "...", "files": {path: sha256}})`);
  }
  const files = new Map<string, string>();
  for (const [path, hash] of Object.entries(record.files as Record<string, unknown>)) {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw new ManifestUnreadable(`${where}: files[${JSON.stringify(path)}] is not a sha256`);
    files.set(path, hash);
  }
  return { engine: record.engine, files };
}

/**
 * The manifest of an output folder, or `undefined` when it has none (a new, empty or legacy folder).
 * For `--check`: compare hashes without reading every file.
 */
export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  const where = join(outDir, MANIFEST_NAME);
  const text = await readFile(where, 'utf8').catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  });
  return text === undefined ? undefined : parseManifest(text, where);
}

let engineCache: string | undefined;

/** `observability-as-code@<version>`, from the package.json of the package this module belongs to. */
export function engineVersion(): string {
  if (engineCache) return engineCache;
  let dir = import.meta.dirname;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      engineCache = `${pkg.name ?? 'observability-as-code'}@${pkg.version ?? '0.0.0'}`;
      return engineCache;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) return (engineCache = 'observability-as-code@unknown');
    dir = parent;
  }
}
