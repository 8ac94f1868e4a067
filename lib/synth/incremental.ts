import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promtoolRuleIssues, type PromtoolMode, type RuleFile } from '../checks/promtool-rules.js';
import { promtoolVersion } from '../testing/promtool.js';
import type { ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import type { Provenance } from '../core/provenance.js';
import { canonical, engineFingerprint, serviceInputKey } from './input-hash.js';
import { projectProvenance } from './project-provenance.js';
import { engineVersion, readManifest, serializeManifest, sha256, type Manifest } from './output/manifest.js';
import { isWriterEntry, MANIFEST_NAME } from './output/names.js';
import { SynthCache, type CachedService } from './synth-cache.js';
import { acrossServices, PLATFORM_FOLDER, renderService, type ServiceSummary } from './synthesize.js';
import { openOutput, type Drift, type OutputOptions, type OutputWriter, type WriteSummary } from './write-dist.js';

export interface IncrementalOptions {
  readonly outDir: string;
  /** Compare with the folder instead of writing it. */
  readonly check: boolean;
  readonly promtool: PromtoolMode;
  /** Passed to the writer (keepForeign, adopt, displayName, log). */
  readonly output?: Omit<OutputOptions, 'only'>;
  /**
   * Where rendered services are remembered by input hash; `false` renders every service.
   * @default process.env.OAC_SYNTH_CACHE, else `node_modules/.cache/oac-synth` under the working directory
   */
  readonly cacheDir?: string | false;
  /** Where the headers say files come from (part of every input key). @default projectProvenance() */
  readonly provenance?: Provenance;
}

export type IncrementalResult =
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[]; readonly skipped?: string }
  | { readonly kind: 'checked'; readonly drift: Drift; readonly files: number; readonly rendered: number; readonly skipped?: string }
  | { readonly kind: 'written'; readonly summary: WriteSummary; readonly files: number; readonly rendered: number; readonly skipped?: string };

/** Rule files checked by promtool together (bounded memory: one batch checked while the next renders). */
const PROMTOOL_BATCH = 64;

/**
 * Synth one service at a time, never holding the organisation's files: each service is rendered,
 * checked and handed to the writer (or compared with the folder), and only a small summary of it is
 * kept for the checks across services. A service whose input hash (stack, platform, engine sources) is
 * in the cache, with the recorded output hashes still what the folder's manifest and bytes hold, is not
 * rendered again: for a write it stays outside the writer's `only` scope (its files are not touched),
 * for `--check` its files are compared by hash. Output bytes do not depend on the cache: a hit stands
 * for the very bytes a render would produce (the same input to the same code), and any doubt (a missing,
 * unreadable or different entry, a hand-edited file) renders the service.
 */
export async function synthIncremental(stacks: readonly ServiceStack[], platform: PlatformConfig, options: IncrementalOptions): Promise<IncrementalResult> {
  const cache = cacheOf(options.cacheDir);
  const provenance = options.provenance ?? projectProvenance();
  const engine = `${engineFingerprint()}\0${canonical(provenance)}`;
  const manifest = await readManifest(options.outDir).catch(() => undefined);
  // An input that cannot even be read whole (a throwing getter) has no key: it is rendered, and the render reports it.
  const keys = stacks.map((stack) => {
    try {
      return serviceInputKey(stack, platform, engine);
    } catch {
      return undefined;
    }
  });
  // A service is reused only if this very promtool passed its rules (none needed with promtool off).
  const promtool = options.promtool === 'off' ? undefined : await promtoolVersion().catch(() => '');
  // Files synth did not write anywhere in the folder: a full run, so the writer applies its rules to them.
  const foreign = manifest ? (await listOutputFiles(options.outDir)).some((p) => p !== MANIFEST_NAME && !manifest.files.has(p)) : true;
  const reusable = foreign ? new Map<string, CachedService>() : await reusableServices(stacks, keys, cache, manifest, options.outDir, promtool);

  const known = new Set(stacks.map((s) => s.service.name));
  const removed = [...new Set([...(manifest?.files.keys() ?? [])].map((p) => p.split('/')[0]!))]
    .filter((top) => !known.has(top) && !isWriterEntry(top) && top !== MANIFEST_NAME);
  const only = reusable.size === 0 ? undefined
    : [...stacks.filter((s) => !reusable.has(s.service.name)).map((s) => s.service.name), ...removed, PLATFORM_FOLDER];
  // Opened at the first file, so that bad input is reported as such even where the folder would be refused.
  let writer: OutputWriter | undefined;
  let writerError: unknown;
  const open = async (): Promise<OutputWriter | undefined> => {
    if (options.check || writer || writerError) return writer;
    try {
      writer = await openOutput(options.outDir, { ...options.output, ...(only && { only }) });
    } catch (error) {
      writerError = error;
    }
    return writer;
  };
  const put = async (path: string, content: string): Promise<void> => {
    if (options.check) await compareWithDisk(options.outDir, path, content, drift);
    else await (await open())?.add(path, content);
  };

  const serviceIssues: ValidationIssue[] = [];
  const promtoolIssues: ValidationIssue[] = [];
  let skipped: string | undefined;
  const summaries: ServiceSummary[] = [];
  const fresh: { key: string; entry: CachedService }[] = [];
  const expected = new Map<string, string>(); // path -> sha256, for --check and the manifest
  const drift = { missing: [] as string[], changed: [] as string[], unexpected: [] as string[] };
  let batch: RuleFile[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const flushPromtool = async (): Promise<void> => {
    const files = batch;
    batch = [];
    await inFlight;
    inFlight = files.length === 0 ? Promise.resolve() : promtoolRuleIssues(files, options.promtool).then((r) => {
      promtoolIssues.push(...r.issues);
      skipped ??= r.skipped;
    });
  };

  try {
    for (const [i, stack] of stacks.entries()) {
      const name = stack.service.name;
      const hit = reusable.get(name);
      if (hit) {
        summaries.push(hit.summary);
        for (const [path, hash] of hit.files) expected.set(path, hash);
        continue;
      }
      const one = renderService(stack, platform, provenance);
      serviceIssues.push(...one.issues);
      if (one.summary) summaries.push(one.summary);
      if (one.issues.length > 0) continue;
      const files: [string, string][] = [];
      // Nothing is written once anything is wrong, but promtool still checks every clean service's rules, so the report is whole.
      if (serviceIssues.length === 0) {
        for (const [path, content] of one.files) {
          const hash = sha256(content);
          files.push([path, hash]);
          expected.set(path, hash);
          await put(path, content);
        }
      }
      if (one.ruleFile) {
        batch.push(one.ruleFile);
        if (batch.length >= PROMTOOL_BATCH) await flushPromtool();
      }
      if (keys[i] !== undefined) fresh.push({ key: keys[i]!, entry: { service: name, files, summary: one.summary!, promtool: '' } });
    }
    await flushPromtool();
    await inFlight;
    const across = acrossServices(stacks, platform, summaries, serviceIssues.length === 0);
    const issues = [...serviceIssues, ...across.issues, ...promtoolIssues];
    if (issues.length > 0) {
      await writer?.abort();
      return { kind: 'invalid', issues, ...(skipped && { skipped }) };
    }
    for (const [path, content] of across.files) {
      expected.set(path, sha256(content));
      await put(path, content);
    }
    if (!options.check) await open(); // also when every service was reused: the commit still records the run
  } catch (error) {
    await writer?.abort();
    throw error;
  }
  const checkedBy = options.promtool !== 'off' && skipped === undefined ? promtool ?? '' : '';
  const remember = () => Promise.all(fresh.map(({ key, entry }) => cache?.set(key, { ...entry, promtool: checkedBy })));

  if (writerError) throw writerError;
  const files = expected.size;
  if (options.check) {
    // Reused services were compared already: their files on disk hash to what the render gave.
    const manifestText = serializeManifest({ engine: engineVersion(), files: expected });
    await compareWithDisk(options.outDir, MANIFEST_NAME, manifestText, drift);
    expected.set(MANIFEST_NAME, '');
    for (const path of await listOutputFiles(options.outDir)) if (!expected.has(path)) drift.unexpected.push(path);
    await remember();
    const sorted = { missing: drift.missing.sort(), changed: drift.changed.sort(), unexpected: drift.unexpected.sort() };
    return { kind: 'checked', drift: sorted, files, rendered: fresh.length, ...(skipped && { skipped }) };
  }
  const summary = await writer!.commit();
  await remember();
  return { kind: 'written', summary, files, rendered: fresh.length, ...(skipped && { skipped }) };
}

/**
 * Services whose cached render is still in the folder: same input key, the manifest lists exactly the
 * cached files of `<service>/` with the cached hashes, and the bytes on disk hash to them.
 */
async function reusableServices(
  stacks: readonly ServiceStack[], keys: readonly (string | undefined)[], cache: SynthCache | undefined, manifest: Manifest | undefined, outDir: string, promtool: string | undefined,
): Promise<Map<string, CachedService>> {
  const reusable = new Map<string, CachedService>();
  if (!cache || !manifest) return reusable;
  const byService = new Map<string, Map<string, string>>();
  for (const [path, hash] of manifest.files) {
    const top = path.split('/')[0]!;
    let files = byService.get(top);
    if (!files) byService.set(top, (files = new Map()));
    files.set(path, hash);
  }
  const entries = await Promise.all(keys.map((key) => (key === undefined ? undefined : cache.get(key))));
  await Promise.all(stacks.map(async (stack, i) => {
    const entry = entries[i];
    const name = stack.service.name;
    const listed = byService.get(name);
    if (!entry || entry.service !== name || !listed || listed.size !== entry.files.length) return;
    if (promtool !== undefined && (promtool === '' || entry.promtool !== promtool)) return;
    if (!entry.files.every(([path, hash]) => listed.get(path) === hash)) return;
    for (const [path, hash] of entry.files) {
      const onDisk = await readFile(join(outDir, path)).catch(() => undefined);
      if (onDisk === undefined || sha256(onDisk) !== hash) return; // a hand edit: render, so synth restores the file
    }
    reusable.set(name, entry);
  }));
  return reusable;
}

async function compareWithDisk(outDir: string, path: string, content: string, drift: { missing: string[]; changed: string[] }): Promise<void> {
  const onDisk = await readFile(join(outDir, path), 'utf8').catch(() => undefined);
  if (onDisk === undefined) drift.missing.push(path);
  else if (onDisk !== content) drift.changed.push(path);
}

async function listOutputFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => p === MANIFEST_NAME || !isWriterEntry(p.split('/')[0]!));
}

function cacheOf(cacheDir: string | false | undefined): SynthCache | undefined {
  if (cacheDir === false) return undefined;
  return new SynthCache(cacheDir ?? process.env.OAC_SYNTH_CACHE ?? join(process.cwd(), 'node_modules', '.cache', 'oac-synth'));
}
