import { resolve } from 'node:path';
import { promtoolRuleIssues, type PromtoolMode } from '../checks/promtool-rules.js';
import { formatIssues, type ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import { placeholderIssues } from '../core/platform-placeholders.js';
import type { Provenance } from '../core/provenance.js';
import { projectProvenance } from './project-provenance.js';
import type { ServiceStack } from '../core/stack.js';
import { synthesize } from './synthesize.js';
import {
  diffAgainstManifest, diffDist, exitCodeFor, hasDrift, isOutputError, MANIFEST_NAME, OutputFolderRefused, writeDist, type Drift, type WriteSummary,
} from './write-dist.js';

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
   * Only these services (`--only`): pass the matching stacks; every other service's files are left as
   * they are, and cross-service checks see only these. @default every service
   */
  readonly only?: readonly string[];
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

/**
 * Every check synth runs before writing, writing nothing: the model's validation, the platform's
 * placeholders, the renderers and checks of every service, then `promtool check rules`. `oac validate`
 * and `runSynth` both stand on it.
 */
export async function validateStacks(stacks: readonly ServiceStack[], platform: PlatformConfig, options: Omit<SynthOptions, 'check' | 'outDir'> = {}): Promise<SynthValidation> {
  const project = projectProvenance(options.root);
  const provenance: Provenance = { command: options.command ?? project.command, root: options.root !== undefined ? resolve(options.root) : project.root };
  options.progress?.(`rendering and checking ${stacks.length} service(s)`);
  const synthesis = synthesize(stacks, platform, provenance);
  if (synthesis.ruleFiles.length > 0 && options.promtool !== 'off') options.progress?.(`promtool check rules on ${synthesis.ruleFiles.length} rule file(s)`);
  const promtool = await promtoolRuleIssues(synthesis.ruleFiles, options.promtool ?? 'optional', options.promtoolCache === false ? { cacheDir: false } : {});
  if (promtool.skipped && options.promtool !== 'off') console.warn(`synth: ${promtool.skipped}`);
  return { files: synthesis.files, issues: [...placeholderIssues(platform), ...synthesis.issues, ...promtool.issues] };
}

/**
 * `oac synth`: render every stack, report all problems at once (grouped by service) and exit 1 without
 * touching the output folder, or write it (lib/synth/write-dist.ts), printing a line per service. With
 * `check`, report drift instead of writing. Every failure path (invalid input, a renderer or check that
 * throws, promtool refusing a rule file, an error while writing) leaves the folder as the message says.
 */
export async function runSynth(stacks: readonly ServiceStack[], platform: PlatformConfig, options: SynthOptions): Promise<number> {
  const outDir = resolve(options.outDir);
  const command = options.command ?? projectProvenance(options.root).command;
  const failed = `synth failed; ${options.outDir}/ left unchanged.`;
  const inScope = (path: string): boolean => options.only === undefined || options.only.some((s) => path.startsWith(`${s}/`));
  let files: Map<string, string>;
  try {
    const validation = await validateStacks(stacks, platform, options);
    if (validation.issues.length > 0) {
      console.error(`${failed}\n${formatIssues(validation.issues)}`);
      return 1;
    }
    // With --only, files outside the chosen services' folders (shared ones such as alertmanager/) are not written.
    files = options.only === undefined ? validation.files : new Map([...validation.files].filter(([path]) => inScope(path)));
  } catch (error) {
    console.error(`${failed}\nunexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 1;
  }
  if (options.check) {
    const full = await diffDist(files, outDir);
    // With --only, the other services' files (and the manifest, which lists them) are not compared.
    const drift: Drift = options.only === undefined ? full : {
      missing: full.missing.filter(inScope), changed: full.changed.filter(inScope), unexpected: full.unexpected.filter(inScope),
    };
    if (!hasDrift(drift)) {
      console.log(`${options.outDir}/ is up to date (${files.size} files).`);
      return 0;
    }
    const list = (label: string, paths: readonly string[]) => paths.map((p) => `  ${label} ${p}`);
    console.error([`${options.outDir}/ is stale; run \`${command}\` and commit the result.`,
      ...list('missing:   ', drift.missing), ...list('changed:   ', drift.changed), ...list('unexpected:', drift.unexpected)].join('\n'));
    return 1;
  }
  const before = await diffAgainstManifest(files, outDir).catch(() => undefined);
  let written: WriteSummary;
  try {
    options.progress?.(`writing ${files.size} files to ${options.outDir}/`);
    written = await writeDist(files, outDir, {
      keepForeign: options.keepForeign, adopt: options.adopt, displayName: options.outDir, log: (m) => console.warn(`synth: ${m}`),
      ...(options.only !== undefined && { only: options.only }),
    });
  } catch (error) {
    // The writer's messages state the cause and the folder's true state; only an unexpected error lacks one.
    if (error instanceof OutputFolderRefused) console.error(`synth refused the output folder.\n${error.message}`);
    else if (isOutputError(error)) console.error(`synth failed while writing; ${options.outDir}/ ${error.state === 'unchanged' ? 'left unchanged' : 'partly updated'}.\n${error.message}`);
    else console.error(`synth failed while writing ${options.outDir}/ (unexpected error; its state is unknown).\n${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return exitCodeFor(error);
  }
  for (const stack of stacks) console.log(serviceSummary(stack, files, before));
  console.log(`wrote ${files.size} files for ${stacks.length} service(s) to ${options.outDir}/ (${written.written} changed, ${written.deleted} deleted, ${written.unchanged} unchanged)`);
  return 0;
}

/** `  shop-api: 14 files (2 new, 1 changed, 0 removed), 6 alerts, 1 dashboard` */
function serviceSummary(stack: ServiceStack, files: ReadonlyMap<string, string>, before: Drift | undefined): string {
  const name = stack.service.name;
  const own = (paths: readonly string[]): number => paths.filter((p) => p.startsWith(`${name}/`) && p !== MANIFEST_NAME).length;
  const count = [...files.keys()].filter((p) => p.startsWith(`${name}/`)).length;
  const changes = before ? `${own(before.missing)} new, ${own(before.changed)} changed, ${own(before.unexpected)} removed` : 'all new';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `  ${name}: ${plural(count, 'file')} (${changes}), ${plural(stack.alerts.length, 'alert')}, ${plural(stack.dashboards.length, 'dashboard')}`;
}
