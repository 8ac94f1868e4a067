import { resolve } from 'node:path';
import { formatIssues } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { synthesize } from './synthesize.js';
import { diffDist, hasDrift, writeDist } from './write-dist.js';

export interface SynthOptions {
  /** Compare instead of writing; non-zero when dist/ is stale. */
  readonly check: boolean;
  readonly outDir: string;
}

export function parseArgs(argv: readonly string[]): SynthOptions {
  let check = false;
  let outDir = 'dist';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') check = true;
    else if (arg === '--out') outDir = argv[++i] ?? outDir;
    else throw new Error(`unknown argument '${arg}'; usage: synth [--check] [--out <dir>]`);
  }
  return { check, outDir };
}

/**
 * `npm run synth`: render every stack, report all problems at once (grouped by service) and exit 1
 * without touching dist/, or write dist/ atomically. With `--check`, report drift instead of writing.
 */
export async function runSynth(stacks: readonly ServiceStack[], platform: PlatformConfig, options: SynthOptions): Promise<number> {
  const outDir = resolve(options.outDir);
  const { files, issues } = synthesize(stacks, platform);
  if (issues.length > 0) {
    console.error(`synth failed; ${options.outDir}/ left unchanged.\n${formatIssues(issues)}`);
    return 1;
  }
  if (options.check) {
    const drift = await diffDist(files, outDir);
    if (!hasDrift(drift)) {
      console.log(`${options.outDir}/ is up to date (${files.size} files).`);
      return 0;
    }
    const list = (label: string, paths: readonly string[]) => paths.map((p) => `  ${label} ${p}`);
    console.error([`${options.outDir}/ is stale; run \`npm run synth\` and commit the result.`,
      ...list('missing:   ', drift.missing), ...list('changed:   ', drift.changed), ...list('unexpected:', drift.unexpected)].join('\n'));
    return 1;
  }
  await writeDist(files, outDir);
  console.log(`wrote ${files.size} files for ${stacks.length} service(s) to ${options.outDir}/`);
  return 0;
}
