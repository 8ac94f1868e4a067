import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** The `"oac"` field of the project's package.json. */
export interface ProjectConfig {
  /** The TypeScript (or JavaScript) file exporting `stacks` and `platform`. @default 'stacks/index.ts' */
  readonly entry?: string;
  /** The command that regenerates the output, named in generated headers. @default 'oac synth' */
  readonly command?: string;
  /** The output folder. @default 'dist' */
  readonly out?: string;
}

export interface Project {
  /** The folder of the nearest package.json from the working directory (the working directory without one). */
  readonly root: string;
  readonly config: ProjectConfig;
}

export const DEFAULT_ENTRY = 'stacks/index.ts';
export const DEFAULT_OUT = 'dist';

export function findProject(cwd: string = process.cwd()): Project {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return { root: dir, config: readConfig(file) };
    if (dirname(dir) === dir) return { root: resolve(cwd), config: {} };
  }
}

function readConfig(file: string): ProjectConfig {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const oac = typeof pkg === 'object' && pkg !== null ? (pkg as Record<string, unknown>)['oac'] : undefined;
  if (oac === undefined) return {};
  if (typeof oac !== 'object' || oac === null || Array.isArray(oac)) throw new UsageError(`${file}: "oac" must be an object such as { "entry": "src/stacks.ts" }`);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(oac)) {
    if (key !== 'entry' && key !== 'command' && key !== 'out') throw new UsageError(`${file}: "oac.${key}" is not a setting; allowed: entry, command, out`);
    if (typeof value !== 'string' || value === '') throw new UsageError(`${file}: "oac.${key}" must be a non-empty string`);
    config[key] = value;
  }
  return config;
}
