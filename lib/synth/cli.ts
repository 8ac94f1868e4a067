import { resolve } from 'node:path';
import type { PromtoolMode } from '../checks/promtool-rules.js';
import { formatIssues } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { synthIncremental, type IncrementalResult } from './incremental.js';
import { exitCodeFor, hasDrift, isOutputError, OutputFolderRefused } from './write-dist.js';

export interface SynthOptions {
  /** Compare instead of writing; non-zero when dist/ is stale. */
  readonly check: boolean;
  readonly outDir: string;
  /**
   * `promtool check rules` before writing: `required` fails when promtool is missing, `optional` logs a
   * skip (machines that `npm install` this package may not have it), `off` never runs it.
   * @default 'optional'
   */
  readonly promtool?: PromtoolMode;
  /** Keep files in the output folder that synth did not write, instead of stopping (`--keep-foreign`). */
  readonly keepForeign?: boolean;
  /** Take every file of an output folder without manifest as synth's (`--adopt`). */
  readonly adopt?: boolean;
}

const USAGE = 'usage: synth [--check] [--out <dir>] [--require-promtool | --no-promtool] [--keep-foreign] [--adopt]';

export function parseArgs(argv: readonly string[]): SynthOptions {
  let check = false;
  let outDir = 'dist';
  let promtool: PromtoolMode = 'optional';
  const writer: { keepForeign?: true; adopt?: true } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') check = true;
    else if (arg === '--out') outDir = argv[++i] ?? outDir;
    else if (arg === '--require-promtool') promtool = 'required';
    else if (arg === '--no-promtool') promtool = 'off';
    else if (arg === '--keep-foreign') writer.keepForeign = true;
    else if (arg === '--adopt') writer.adopt = true;
    else throw new Error(`unknown argument '${arg}'; ${USAGE}`);
  }
  return { check, outDir, promtool, ...writer };
}

/**
 * `npm run synth`: render every stack, report all problems at once (grouped by service) and exit 1
 * without touching dist/, or write dist/ atomically. With `--check`, report drift instead of writing.
 * Every failure path (invalid input, a renderer or check that throws, promtool refusing a rule file,
 * an error while writing) exits 1 with dist/ exactly as it was.
 */
export async function runSynth(stacks: readonly ServiceStack[], platform: PlatformConfig, options: SynthOptions): Promise<number> {
  const outDir = resolve(options.outDir);
  const failed = `synth failed; ${options.outDir}/ left unchanged.`;
  let result: IncrementalResult;
  try {
    // Streams service by service and reuses unchanged services (lib/synth/incremental.ts).
    result = await synthIncremental(stacks, platform, {
      outDir, check: options.check, promtool: options.promtool ?? 'optional',
      output: { keepForeign: options.keepForeign, adopt: options.adopt, displayName: options.outDir, log: (m) => console.warn(`synth: ${m}`) },
    });
  } catch (error) {
    // The writer's messages state the cause and the folder's true state; only an unexpected error lacks one.
    if (error instanceof OutputFolderRefused) console.error(`synth refused the output folder.\n${error.message}`);
    else if (isOutputError(error)) console.error(`synth failed while writing; ${options.outDir}/ ${error.state === 'unchanged' ? 'left unchanged' : 'partly updated'}.\n${error.message}`);
    else {
      console.error(`${failed}\nunexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return 1;
    }
    return exitCodeFor(error);
  }
  if (result.skipped && options.promtool !== 'off') console.warn(`synth: ${result.skipped}`);
  if (result.kind === 'invalid') {
    console.error(`${failed}\n${formatIssues(result.issues)}`);
    return 1;
  }
  if (result.kind === 'checked') {
    const { drift } = result;
    if (!hasDrift(drift)) {
      console.log(`${options.outDir}/ is up to date (${result.files} files).`);
      return 0;
    }
    const list = (label: string, paths: readonly string[]) => paths.map((p) => `  ${label} ${p}`);
    console.error([`${options.outDir}/ is stale; run \`npm run synth\` and commit the result.`,
      ...list('missing:   ', drift.missing), ...list('changed:   ', drift.changed), ...list('unexpected:', drift.unexpected)].join('\n'));
    return 1;
  }
  const written = result.summary;
  console.log(`wrote ${result.files} files for ${stacks.length} service(s) to ${options.outDir}/ (${written.written} changed, ${written.deleted} deleted, ${written.unchanged} unchanged)`);
  return 0;
}
