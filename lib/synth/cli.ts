import { resolve } from 'node:path';
import type { PromtoolMode } from '../checks/promtool-rules.js';
import { formatIssues, type ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { Provenance } from '../core/provenance.js';
import { projectProvenance } from './project-provenance.js';
import type { StackSource } from '../core/lazy-stacks.js';
import { synthIncremental, type ServiceChanges } from './incremental.js';
import { exitCodeFor, hasDrift, isOutputError, OutputFolderRefused } from './write-dist.js';

export interface SynthOptions {
  /** Compare instead of writing; non-zero when the output folder is stale. */
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
  /**
   * Only these services (`--only`): pass every stack; only these are rendered and written, every other
   * service's files are left as they are, and cross-service checks see only these. The platform-wide
   * `alertmanager/alertmanager.yaml` is still rendered from every stack. @default every service
   */
  readonly only?: readonly string[];
  /**
   * The module exporting these very `stacks` and `platform` (the CLI's entry): services then render on
   * worker threads, each importing it. A library caller without one renders on its own thread.
   */
  readonly entry?: string;
  /** Worker threads (`--jobs`). @default os.availableParallelism() */
  readonly jobs?: number;
  /**
   * The hash of the code that made `stacks` (the CLI's: lib/cli/entry-code.ts). With a lazy source that
   * declares its inputs (`lazyStacks(names, build, { inputOf })`), a service whose declared input, code
   * and engine are unchanged since a run is taken from the cache without building its stack.
   */
  readonly codeKey?: string;
  /** The synth cache (lib/synth/synth-cache.ts); `false` renders every service. @default $OAC_SYNTH_CACHE, else node_modules/.cache/oac-synth */
  readonly cacheDir?: string | false;
  /** The command that regenerates the output, named in headers and messages. @default package.json `oac.command`, else 'oac synth' */
  readonly command?: string;
  /** The project root; generated headers name source files relative to it. @default the nearest package.json's folder */
  readonly root?: string;
  /** Progress of long steps (the CLI prints them on stderr). @default silent */
  readonly progress?: (message: string) => void;
  /** Keep promtool results in its cache (`node_modules/.cache/oac-promtool`); `oac validate` writes nothing, so not there. @default true */
  readonly promtoolCache?: boolean;
}

/** What a run found: the files it would write and every problem (empty when it may write). */
export interface SynthValidation {
  readonly files: Map<string, string>;
  readonly issues: readonly ValidationIssue[];
}

function provenanceOf(options: Pick<SynthOptions, 'command' | 'root'>): Provenance {
  const project = projectProvenance(options.root);
  return { command: options.command ?? project.command, root: options.root !== undefined ? resolve(options.root) : project.root };
}

/**
 * Every check synth runs before writing, writing nothing: the model's validation, the platform's
 * placeholders, the renderers and checks of every service, then `promtool check rules` (`oac validate`,
 * `oac test`). The same path as `runSynth` (lib/synth/incremental.ts), without output folder or cache.
 */
export async function validateStacks(
  stacks: StackSource, platform: PlatformConfig,
  options: Omit<SynthOptions, 'check' | 'outDir'> & {
    /** Which rendered files `files` keeps (`oac test`: the promtool files only, not the organisation's every file). @default all */
    readonly keep?: (path: string) => boolean;
  } = {},
): Promise<SynthValidation> {
  const files = new Map<string, string>();
  const { keep } = options;
  const result = await synthIncremental(stacks, platform, {
    outDir: '.', mode: 'validate', promtool: options.promtool ?? 'optional', provenance: provenanceOf(options), cacheDir: false,
    onFile: (path, content) => { if (!keep || keep(path)) files.set(path, content); }, ...pooling(options),
    ...(options.promtoolCache === false && { promtoolCache: false }), ...(options.progress && { progress: options.progress }),
  });
  if (result.skipped && options.promtool !== 'off') console.warn(`synth: ${result.skipped}`);
  return { files, issues: result.kind === 'invalid' ? result.issues : [] };
}

function pooling(options: Pick<SynthOptions, 'entry' | 'jobs' | 'only'>): { entry?: string; jobs?: number; only?: readonly string[] } {
  return { ...(options.entry !== undefined && { entry: options.entry }), ...(options.jobs !== undefined && { jobs: options.jobs }), ...(options.only !== undefined && { only: options.only }) };
}

/**
 * `oac synth`: render every stack one at a time (on every core when `entry` is given), report all problems
 * at once (grouped by service) and exit 1 without touching the output folder, or write it
 * (lib/synth/write-dist.ts), printing a line per service. With `check`, report drift instead of writing.
 * Services whose inputs did not change since the run that wrote the folder are not rendered again
 * (lib/synth/incremental.ts). Every failure path (invalid input, a renderer or check that throws,
 * promtool refusing a rule file, an error while writing) leaves the folder as the message says.
 */
export async function runSynth(stacks: StackSource, platform: PlatformConfig, options: SynthOptions): Promise<number> {
  const outDir = resolve(options.outDir);
  const provenance = provenanceOf(options);
  const failed = `synth failed; ${options.outDir}/ left unchanged.`;
  const log = (m: string): void => console.warn(`synth: ${m}`);
  let result: Awaited<ReturnType<typeof synthIncremental>>;
  try {
    result = await synthIncremental(stacks, platform, {
      outDir, mode: options.check ? 'check' : 'write', promtool: options.promtool ?? 'optional', provenance,
      output: { displayName: options.outDir, log, ...(options.keepForeign !== undefined && { keepForeign: options.keepForeign }), ...(options.adopt !== undefined && { adopt: options.adopt }) },
      ...pooling(options), ...(options.codeKey !== undefined && { codeKey: options.codeKey }), ...(options.cacheDir !== undefined && { cacheDir: options.cacheDir }), ...(options.progress && { progress: options.progress }),
      ...(options.promtoolCache === false && { promtoolCache: false }),
    });
  } catch (error) {
    if (!isOutputError(error) && !(error instanceof OutputFolderRefused)) {
      console.error(`${failed}\nunexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return 1;
    }
    // The writer's messages state the cause and the folder's true state.
    if (error instanceof OutputFolderRefused) console.error(`synth refused the output folder.\n${error.message}`);
    else console.error(`synth failed while writing; ${options.outDir}/ ${error.state === 'unchanged' ? 'left unchanged' : 'partly updated'}.\n${error.message}`);
    return exitCodeFor(error);
  }
  if (result.skipped && options.promtool !== 'off') log(result.skipped);
  if (result.kind === 'invalid') {
    console.error(`${failed}\n${formatIssues(result.issues)}`);
    return 1;
  }
  for (const notice of result.notices) log(notice);
  if (result.kind === 'checked') {
    const { drift } = result;
    if (!hasDrift(drift)) {
      console.log(`${options.outDir}/ is up to date (${result.files} files).`);
      return 0;
    }
    const list = (label: string, paths: readonly string[]) => paths.map((p) => `  ${label} ${p}`);
    console.error([`${options.outDir}/ is stale; run \`${provenance.command}\` and commit the result.`,
      ...list('missing:   ', drift.missing), ...list('changed:   ', drift.changed), ...list('unexpected:', drift.unexpected)].join('\n'));
    return 1;
  }
  if (result.kind !== 'written') throw new Error(`runSynth: unexpected result ${result.kind}`);
  for (const changes of result.services) console.log(serviceSummary(changes));
  const { summary } = result;
  const reused = result.services.length - result.rendered;
  console.log(`wrote ${result.files} files for ${result.services.length} service(s) to ${options.outDir}/ (${summary.written} changed, ${summary.deleted} deleted, ${result.files - summary.written} unchanged${reused > 0 ? `; ${reused} service(s) unchanged since the last run, not rendered again` : ''})`);
  return 0;
}

/** `  shop-api: 14 files (2 new, 1 changed, 0 removed), 6 alerts, 1 dashboard` */
function serviceSummary(changes: ServiceChanges): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `  ${changes.service}: ${plural(changes.files, 'file')} (${changes.added} new, ${changes.changed} changed, ${changes.removed} removed), ${plural(changes.alerts, 'alert')}, ${plural(changes.dashboards, 'dashboard')}`;
}
