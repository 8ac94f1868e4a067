import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_COMMAND, type Provenance } from '../core/provenance.js';

/**
 * The provenance of a project: its root is the folder of the nearest package.json from `cwd`, and its
 * regenerating command that package.json's `"oac": { "command" }` (else `oac synth`). What synth uses
 * when its caller (the CLI) does not say, so a library call and `oac synth` write the same headers.
 */
export function projectProvenance(cwd: string = process.cwd()): Provenance {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return { root: dir, command: commandOf(file) ?? DEFAULT_COMMAND };
    if (dirname(dir) === dir) return { root: resolve(cwd), command: DEFAULT_COMMAND };
  }
}

function commandOf(file: string): string | undefined {
  try {
    const oac = (JSON.parse(readFileSync(file, 'utf8')) as { oac?: { command?: unknown } }).oac;
    return typeof oac?.command === 'string' && oac.command !== '' ? oac.command : undefined;
  } catch {
    return undefined; // an unreadable package.json is the CLI's to report
  }
}
