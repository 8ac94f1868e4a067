import { resolve } from 'node:path';
import { promtoolRuleIssues, type PromtoolMode } from '../checks/promtool-rules.js';
import { formatIssues } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { synthesize } from './synthesize.js';
import { diffDist, hasDrift, writeDist } from './write-dist.js';

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
}

const USAGE = 'usage: synth [--check] [--out <dir>] [--require-promtool | --no-promtool]';

export function parseArgs(argv: readonly string[]): SynthOptions {
  let check = false;
  let outDir = 'dist';
  let promtool: PromtoolMode = 'optional';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') check = true;
    else if (arg === '--out') outDir = argv[++i] ?? outDir;
    else if (arg === '--require-promtool') promtool = 'required';
    else if (arg === '--no-promtool') promtool = 'off';
    else throw new Error(`unknown argument '${arg}'; ${USAGE}`);
  }
  return { check, outDir, promtool };
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
  let files: Map<string, string>;
  try {
    const synthesis = synthesize(stacks, platform);
    const promtool = await promtoolRuleIssues(synthesis.ruleFiles, options.promtool ?? 'optional');
    if (promtool.skipped && options.promtool !== 'off') console.warn(`synth: ${promtool.skipped}`);
    const issues = [...synthesis.issues, ...promtool.issues];
    if (issues.length > 0) {
      console.error(`${failed}\n${formatIssues(issues)}`);
      return 1;
    }
    files = synthesis.files;
  } catch (error) {
    console.error(`${failed}\nunexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
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
  try {
    await writeDist(files, outDir);
  } catch (error) {
    console.error(`synth failed while writing; ${options.outDir}/ left unchanged.\n${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(`wrote ${files.size} files for ${stacks.length} service(s) to ${options.outDir}/`);
  return 0;
}
