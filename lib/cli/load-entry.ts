import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import type { PlatformConfig } from '../core/platform.js';
import { isLazyStacks, organisationOf, StackBuildError, type StackSource } from '../core/lazy-stacks.js';
import type { ServiceStack } from '../core/stack.js';
import { UsageError, UserError } from './errors.js';
import { DEFAULT_ENTRY, type Project } from './project.js';
import { recordModules } from './entry-code.js';

export interface LoadedEntry {
  /** The entry, relative to the project root (`stacks/index.ts`). */
  readonly entry: string;
  /** The entry's absolute path (synth's worker threads import it themselves). */
  readonly file: string;
  /** What the entry exports as `stacks`: the stacks, or `lazyStacks(names, build)` (synth builds each where it renders it). */
  readonly source: StackSource;
  /** The service names, in the entry's order. */
  readonly names: readonly string[];
  /** Every stack, built on first use (a lazy entry's build errors are a UserError naming the services). */
  readonly stacks: readonly ServiceStack[];
  readonly platform: PlatformConfig;
  /**
   * The hash of the entry's code (lib/cli/entry-code.ts), for a lazy source that declares its inputs
   * (`inputOf`): synth then keys each service by its declared input and this, without building it.
   */
  readonly codeKey?: string;
}

/**
 * Imports the user's entry (`--entry`, else package.json `oac.entry`, else `stacks/index.ts`) through
 * tsx, so a TypeScript project needs no build step. tsx is registered for the whole process rather than
 * in a namespace: the entry's `import 'observability-as-code'` must reach the same module instances as
 * this CLI (the synth code checks `instanceof` on units and constructs).
 *
 * A file that is missing is a usage error; an entry (or any module it imports) that fails to load or
 * throws is a UserError naming the entry and the user's file and line where it failed.
 */
export async function loadEntry(project: Project, entryOption: string | undefined): Promise<LoadedEntry> {
  const given = entryOption ?? project.config.entry ?? DEFAULT_ENTRY;
  const file = isAbsolute(given) ? given : resolve(entryOption !== undefined ? process.cwd() : project.root, given);
  const entry = display(project.root, file);
  if (!existsSync(file)) {
    const how = entryOption !== undefined ? '--entry' : project.config.entry !== undefined ? 'package.json "oac.entry"' : 'the default entry';
    throw new UsageError(`entry ${entry} not found (from ${how}); pass --entry <file> or set "oac": { "entry": "<file>" } in package.json`);
  }
  register();
  const recorder = recordModules();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`could not load ${entry}: ${describeLoadError(error, project.root)}`);
  }
  const problems: string[] = [];
  const stacks = module['stacks'];
  const platform = module['platform'];
  if (isLazyStacks(stacks)) {
    // Names only: each stack is built when needed.
  } else if (!Array.isArray(stacks)) problems.push(`export 'stacks' (an array of ServiceStack, or lazyStacks(names, build)) is ${stacks === undefined ? 'missing' : `a ${typeof stacks}`}`);
  else stacks.forEach((s: unknown, i) => {
    const service = typeof s === 'object' && s !== null ? (s as { service?: { name?: unknown } }).service : undefined;
    if (typeof service?.name !== 'string') problems.push(`stacks[${i}] is not a ServiceStack ({ service, alerts, dashboards }): its 'service' has no name`);
  });
  if (typeof platform !== 'object' || platform === null) problems.push(`export 'platform' (a PlatformConfig, e.g. { ...DEFAULT_PLATFORM, runbookBaseUrl, grafanaUrl }) is ${platform === undefined ? 'missing' : `a ${typeof platform}`}`);
  if (problems.length > 0) throw new UserError(`${entry}: ${problems.join('; ')}`);
  const source = stacks as StackSource;
  let built: readonly ServiceStack[] | undefined;
  return {
    entry, file, source, names: organisationOf(source).names, platform: platform as PlatformConfig,
    ...(isLazyStacks(source) && source.inputOf && { codeKey: recorder.codeKey(project.root) }),
    get stacks() {
      return (built ??= buildAll(entry, source));
    },
  };
}

function buildAll(entry: string, source: StackSource): readonly ServiceStack[] {
  const organisation = organisationOf(source);
  const failed: string[] = [];
  const stacks = organisation.names.map((name, i) => {
    try {
      return organisation.at(i);
    } catch (error) {
      if (!(error instanceof StackBuildError)) throw error;
      failed.push(`${name}: ${String(error.issue.value)} (allowed: ${error.issue.allowed})`);
      return undefined;
    }
  });
  if (failed.length > 0) throw new UserError(`${entry}: lazyStacks could not build ${failed.length} service(s):\n${failed.map((f) => `  ${f}`).join('\n')}`);
  return stacks as ServiceStack[];
}

/** The error's first line, and the first frame in the user's own files (not node_modules, not node:). */
function describeLoadError(error: unknown, root: string): string {
  if (!(error instanceof Error)) return String(error);
  // esbuild's transform errors put the file and line on the second line ("Transform failed with 1 error:\n<file>:1:23: ERROR: ...").
  const lines = error.message.split('\n').filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  const message = (first.endsWith(':') && lines[1] !== undefined ? `${first} ${lines[1].trim()}` : first).split(`${root}${sep}`).join('');
  const frame = (error.stack ?? '').split('\n').slice(1).map((line) => /\(?((?:file:\/\/)?\/[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line)).find((m) => {
    if (!m) return false;
    const path = m[1]!.startsWith('file:') ? fileURLToPath(m[1]!) : m[1]!;
    return !path.includes(`${sep}node_modules${sep}`) && !relative(root, path).startsWith('..');
  });
  if (!frame) return `${error.name === 'Error' ? '' : `${error.name}: `}${message}`;
  const path = frame[1]!.startsWith('file:') ? fileURLToPath(frame[1]!) : frame[1]!;
  return `${error.name === 'Error' ? '' : `${error.name}: `}${message} (at ${display(root, path)}:${frame[2]})`;
}

function display(root: string, file: string): string {
  const path = relative(root, file);
  return path.startsWith('..') || isAbsolute(path) ? file : path.split(sep).join('/');
}
