import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promtoolRuleIssues, type PromtoolMode, type RuleFile } from '../checks/promtool-rules.js';
import { panelAbsenceIssuesAll, type PanelAbsenceJob } from '../checks/series-absent-panels.js';
import { promtoolVersion } from '../testing/promtool.js';
import type { ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import { placeholderIssues } from '../core/platform-placeholders.js';
import { platformConfigIssues } from '../core/platform-validation.js';
import { organisationOf, type Organisation, type StackSource } from '../core/lazy-stacks.js';
import type { Provenance } from '../core/provenance.js';
import { canonical, engineFingerprint } from './input-hash.js';
import { projectProvenance } from './project-provenance.js';
import { WorkerPool, type DigestNeeds } from './render-pool.js';
import { digestAt, type ServiceDigest } from './service-digest.js';
import { declaredKeys, keepDigests, keptDigests } from './declared-inputs.js';
import { fewAtATime } from './few-at-a-time.js';
import { AlertmanagerMemo } from './alertmanager-memo.js';
import { outputFiles } from './output/folder-rules.js';
import { engineVersion, readManifest, serializeManifest, sha256, type Manifest } from './output/manifest.js';
import { isWriterEntry, MANIFEST_NAME } from './output/names.js';
import { SynthCache, type CachedService } from './synth-cache.js';
import { VerifiedFiles } from './verified-files.js';
import { acrossServices, PLATFORM_FOLDER, renderAt, SHARED_FOLDER, type RenderedOne, type ServiceSummary } from './synthesize.js';
import { openOutput, type Drift, type OutputOptions, type OutputWriter, type WriteSummary } from './write-dist.js';

export interface IncrementalOptions {
  readonly outDir: string;
  /**
   * `write` the folder, `check` it (compare, write nothing), or `validate` only (every check, no folder
   * read or written, no cache; each file goes to `onFile`).
   */
  readonly mode: 'write' | 'check' | 'validate';
  readonly promtool: PromtoolMode;
  /** Keep promtool results in its cache. @default true */
  readonly promtoolCache?: boolean;
  /** Passed to the writer (keepForeign, adopt, displayName, log). */
  readonly output?: Omit<OutputOptions, 'only'>;
  /**
   * Where rendered services are remembered by input hash; `false` renders every service.
   * @default process.env.OAC_SYNTH_CACHE, else `node_modules/.cache/oac-synth` under the working directory
   */
  readonly cacheDir?: string | false;
  /** Where the headers say files come from (part of every input key). @default projectProvenance() */
  readonly provenance?: Provenance;
  /**
   * Only these services (`--only`): the others are neither rendered nor touched, checks across services
   * see the chosen ones, and the platform-wide Alertmanager configuration is still rendered from every
   * stack (unless one of the others has problems in its model: then it is left as it is, see `notices`).
   */
  readonly only?: readonly string[];
  /**
   * The module exporting exactly these `stacks` and `platform` (an absolute path): with it, services
   * render on worker threads, each importing it. Without it (a library caller's stacks) they render here.
   */
  readonly entry?: string;
  /** Worker threads. @default os.availableParallelism(), used from 8 services to build or render (fewer are done here) */
  readonly jobs?: number;
  /**
   * The hash of the code that made `source` (lib/cli/entry-code.ts): with a lazy source's `inputOf` and
   * the cache, services are keyed by their declared input (lib/synth/declared-inputs.ts), and a service
   * whose key is unchanged is not built (not with `only`, whose left-out services are shape-checked).
   */
  readonly codeKey?: string;
  /** Every file rendered, in output order (`validate`). */
  readonly onFile?: (path: string, content: string) => void;
  readonly progress?: (message: string) => void;
}

/** One line of the summary: a service's files, against the previous manifest. */
export interface ServiceChanges {
  readonly service: string;
  readonly files: number;
  /** Alerts and dashboards the service declares (the summary line). */
  readonly alerts: number;
  readonly dashboards: number;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

interface Done {
  readonly files: number;
  /** Services rendered (not reused from the cache). */
  readonly rendered: number;
  readonly services: readonly ServiceChanges[];
  readonly skipped?: string;
  /** Things said on the way (the Alertmanager configuration left as it was with `only`). */
  readonly notices: readonly string[];
}

export type IncrementalResult =
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[]; readonly skipped?: string }
  | ({ readonly kind: 'checked'; readonly drift: Drift } & Done)
  | ({ readonly kind: 'written'; readonly summary: WriteSummary } & Done)
  | ({ readonly kind: 'validated' } & Done);

/** Rule files checked by promtool together (bounded memory: one batch checked while the next renders). */
const PROMTOOL_BATCH = 64;
/**
 * Rendered services whose panels promtool tests together: one per core, so each batch keeps every core
 * busy while the next renders, and few services' files wait in memory for their result (a service is
 * written only once all its checks passed).
 */
const PANEL_BATCH = Math.max(2, availableParallelism());
/** Below this many services to build or render, a worker's start (it loads the whole entry) costs more than it saves. */
const WORKERS_FROM = 8;

/**
 * The one synth path (`runSynth`, `oac synth`, `--check`, `--only`, `oac validate`): one service at a
 * time, never holding the organisation's files nor, with `lazyStacks`, its stacks. Every service is first
 * digested (its stack built and reduced to what the run keeps of it: lib/synth/service-digest.ts), then
 * each to render is rendered (both on worker threads when the entry is known, in the same pool) and checked, then handed to the writer in stack order (or compared with the folder),
 * and only a small summary of it is kept for the checks across services. A service whose input hash
 * (stack, platform, engine sources) is in the cache, with the recorded output hashes still what the
 * folder's manifest and bytes hold, is not rendered again: for a write it stays outside the writer's
 * `only` scope (its files are not touched), for `--check` its files are compared by hash. Output bytes
 * do not depend on the cache nor on the thread count: a hit stands for the very bytes a render would
 * produce (the same input to the same code), any doubt (a missing, unreadable or different entry, a
 * hand-edited file) renders the service, and files are written in stack order whoever rendered them.
 * promtool runs beside the rendering, never inside it: the panel check's `promtool test rules` jobs
 * (returned by each render) and `promtool check rules` go in batches to promtool pooled on every core and
 * cached by content, while the next services render; a service is written (or compared) once its panels
 * passed, so its issues are reported where a synchronous check would have put them.
 */
export async function synthIncremental(source: StackSource, platform: PlatformConfig, options: IncrementalOptions): Promise<IncrementalResult> {
  const check = options.mode === 'check';
  const validateOnly = options.mode === 'validate';
  const provenance = options.provenance ?? projectProvenance();
  const placeholders = placeholderIssues(platform);
  const organisation = organisationOf(source);
  const { names } = organisation;
  const chosen = options.only === undefined ? names.map((_, i) => i) : names.flatMap((n, i) => (options.only!.includes(n) ? [i] : []));
  const cache = validateOnly ? undefined : cacheOf(options.cacheDir);
  const engine = cache ? `${engineFingerprint()}\0${canonical(provenance)}` : undefined;

  // Workers digest the services (build each stack, keep what the run needs), then render those to render.
  const auto = options.jobs === undefined;
  const jobs = Math.min(options.jobs ?? availableParallelism(), chosen.length);
  let pool: WorkerPool | undefined;
  /** The pool, started for the first step with enough services to share out. */
  const poolFor = (services: number): WorkerPool | undefined => {
    if (pool || options.entry === undefined || jobs <= 1 || (auto && services < WORKERS_FROM)) return pool;
    return (pool = new WorkerPool({ entry: options.entry, provenance, ...(engine !== undefined && { engine }) }, names, jobs));
  };
  // A service whose declared input, code and engine are unchanged since a run is not built: its digest is kept.
  const declared = cache && engine !== undefined && options.codeKey !== undefined && options.only === undefined && organisation.inputAt
    ? declaredKeys(organisation, platform, engine, options.codeKey) : undefined;
  const kept = declared ? await keptDigests(cache!, declared, names) : new Map<number, ServiceDigest>();
  try {
    const built = await digestAll(organisation, poolFor, platform, new Set(chosen), engine, options.only !== undefined, names.flatMap((_, i) => (kept.has(i) ? [] : [i])));
    return await synthDigested(names.map((_, i) => kept.get(i) ?? built.get(i)!), built);
  } finally {
    await pool?.close();
  }

  /** The run itself, once every service is digested (in stack order); `built`: the digests made in this run. */
  async function synthDigested(digests: readonly ServiceDigest[], built: ReadonlyMap<number, ServiceDigest>): Promise<IncrementalResult> {
    // Every service renders with the platform's values: with bad ones, report them and each service's own issues only.
    const platformIssues = platformConfigIssues(platform);
    if (platformIssues.length > 0) return { kind: 'invalid', issues: [...placeholders, ...platformIssues, ...digests.flatMap((d) => (d.buildIssue ? [d.buildIssue] : d.modelIssues))] };
    const selected = chosen.map((i) => digests[i]!);
    const manifest = validateOnly ? undefined : await readManifest(options.outDir).catch(() => undefined);
    // A service is reused only if this very promtool passed its rules (none needed with promtool off).
    const promtool = options.promtool === 'off' ? undefined : await promtoolVersion().catch(() => '');
    // Files synth did not write anywhere in the folder: a full run, so the writer applies its rules to them.
    const onDisk = validateOnly ? [] : await outputFiles(options.outDir);
    const foreign = manifest ? onDisk.some((p) => p !== MANIFEST_NAME && !manifest.files.has(p)) : true;
    const manifestByService = groupByService(manifest);
    const verified = foreign || !cache ? undefined : await VerifiedFiles.load(cache.dir, options.outDir);
    const reusable = !verified || !cache ? new Map<string, CachedService>() : await reusableServices(selected, cache, manifestByService, verified, options.outDir, promtool);

    const memo = cache && engine !== undefined ? await AlertmanagerMemo.load(cache.dir, engine) : undefined;
    // With `only`, the Alertmanager configuration is rendered from every stack, so it stays right; a broken other stack would make it wrong.
    const notices: string[] = [];
    let platformFrom: readonly ServiceDigest[] | undefined = digests;
    if (options.only !== undefined) {
      const broken = digests.filter((d) => !options.only!.includes(d.service) && d.broken);
      if (broken.length > 0) {
        platformFrom = undefined;
        notices.push(`${PLATFORM_FOLDER}/ left as it was: it is rendered from every service, and ${broken.map((d) => d.service).join(', ')} ${broken.length === 1 ? 'has' : 'have'} problems (run \`oac validate\`)`);
      }
    }
    const known = new Set(names);
    const removed = options.only !== undefined ? [] : [...new Set([...(manifest?.files.keys() ?? [])].map((p) => p.split('/')[0]!))]
      .filter((top) => !known.has(top) && !isWriterEntry(top) && top !== MANIFEST_NAME && top !== PLATFORM_FOLDER && top !== SHARED_FOLDER);
    const platformFolders = [...(platformFrom ? [PLATFORM_FOLDER] : []), SHARED_FOLDER];
    const only = reusable.size === 0 && options.only === undefined ? undefined
      : [...selected.filter((d) => !reusable.has(d.service)).map((d) => d.service), ...removed, ...platformFolders];
    // What --check compares with --only: the chosen services' folders and the platform-wide ones synth renders.
    const checkScope = options.only === undefined ? undefined : [...options.only, ...platformFolders];
    const inScope = (path: string): boolean => checkScope === undefined || checkScope.some((top) => path.startsWith(`${top}/`));
    // Opened at the first file, so that bad input is reported as such even where the folder would be refused.
    let writer: OutputWriter | undefined;
    let writerError: unknown;
    const open = async (): Promise<OutputWriter | undefined> => {
      if (options.mode !== 'write' || writer || writerError) return writer;
      try {
        writer = await openOutput(options.outDir, { ...options.output, ...(only && { only }) });
      } catch (error) {
        writerError = error;
      }
      return writer;
    };
    const drift = { missing: [] as string[], changed: [] as string[], unexpected: [] as string[] };
    const put = async (path: string, content: string): Promise<void> => {
      if (validateOnly) options.onFile?.(path, content);
      else if (check) await compareWithDisk(options.outDir, path, content, drift);
      else await (await open())?.add(path, content);
    };

    const serviceIssues: ValidationIssue[] = [];
    const promtoolIssues: ValidationIssue[] = [];
    let skipped: string | undefined;
    const summaries: ServiceSummary[] = [];
    const fresh: { key: string; entry: CachedService }[] = [];
    // path -> sha256 of every file, for --check's manifest and unexpected files; a write only counts them (its writer keeps the manifest).
    const expected = new Map<string, string>();
    let fileCount = 0;
    const expect = (path: string, hash: string): void => {
      fileCount++;
      if (check) expected.set(path, hash);
    };
    const services: ServiceChanges[] = [];
    let batch: RuleFile[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    const promtoolOptions = options.promtoolCache === false ? { cacheDir: false as const } : {};
    const flushPromtool = async (): Promise<void> => {
      const files = batch;
      batch = [];
      await inFlight;
      if (files.length > 0 && options.promtool !== 'off') options.progress?.(`promtool check rules on ${files.length} rule file(s)`);
      inFlight = files.length === 0 ? Promise.resolve() : promtoolRuleIssues(files, options.promtool, promtoolOptions).then((r) => {
        promtoolIssues.push(...r.issues);
        skipped ??= r.skipped;
      });
    };
    // Services in stack order waiting for their panel check; each is settled (issues, files, rule file) once it is done.
    type Pending = { readonly job?: PanelAbsenceJob; readonly settle: (panelIssues: readonly ValidationIssue[]) => Promise<void> };
    let pending: Pending[] = [];
    let pendingRendered = 0;
    let panelsInFlight: Promise<unknown> = Promise.resolve();
    // Panel checks that passed in this run, by shape: a later service that is a renaming of one needs no promtool run.
    const provenShapes = new Set<string>();
    let panelsAnnounced = false;
    let settled: Promise<void> = Promise.resolve();
    const flushPanels = async (): Promise<void> => {
      const items = pending;
      pending = [];
      pendingRendered = 0;
      const jobs = items.flatMap((item) => (item.job ? [item.job] : []));
      const run = panelsInFlight.then(() => {
        if (jobs.length > 0 && options.promtool !== 'off' && !panelsAnnounced) {
          panelsAnnounced = true;
          options.progress?.(`promtool test rules on the panels of each service, ${PANEL_BATCH} at a time`);
        }
        // A missing or turned-off promtool skips this check; `promtool check rules` reports why (`skipped`).
        return panelAbsenceIssuesAll(jobs, options.promtool, { ...promtoolOptions, provenShapes });
      });
      panelsInFlight = run.catch(() => undefined);
      const before = settled;
      settled = before.then(async () => {
        const report = await run;
        let k = 0;
        for (const item of items) await item.settle(item.job ? report.issues[k++]! : []);
      });
      settled.catch(() => undefined); // awaited below (next flush, end, or the error path)
      await before; // at most two batches held: the one promtool tests and the one rendering
    };
    const changesOf = (digest: ServiceDigest, files: readonly (readonly [string, string])[]): ServiceChanges => {
      const before = manifestByService.get(digest.service) ?? new Map<string, string>();
      const now = new Map(files);
      return {
        service: digest.service, files: files.length, alerts: digest.alerts, dashboards: digest.dashboards,
        added: files.filter(([p]) => manifest?.files.get(p) === undefined).length,
        changed: files.filter(([p, h]) => { const was = manifest?.files.get(p); return was !== undefined && was !== h; }).length,
        removed: [...before.keys()].filter((p) => !now.has(p)).length,
      };
    };

    // A stack that could not be built has nothing to render: its digest carries the issue.
    const toRender = chosen.filter((i) => !reusable.has(names[i]!) && !digests[i]!.buildIssue);
    function* renderHere(): Generator<RenderedOne> {
      for (const i of toRender) yield renderAt(organisation, i, platform, provenance);
    }
    const renderPool = poolFor(toRender.length);
    const rendered: AsyncIterator<RenderedOne> | Iterator<RenderedOne> = renderPool ? renderPool.map('render', toRender) : renderHere();
    if (toRender.length > 0) options.progress?.(`rendering and checking ${toRender.length} service(s)${renderPool ? ` on ${jobs} threads` : ''}`);
    let renderedCount = 0;
    try {
      const iterator = rendered;
      for (const i of chosen) {
        const name = names[i]!;
        const digest = digests[i]!;
        const hit = reusable.get(name);
        if (hit) {
          pending.push({
            settle: async () => {
              summaries.push(hit.summary);
              for (const [path, hash] of hit.files) expect(path, hash);
              services.push(changesOf(digest, hit.files));
            },
          });
          continue;
        }
        const unbuilt = digest.buildIssue;
        if (unbuilt) {
          pending.push({ settle: async () => void serviceIssues.push(unbuilt) });
          continue;
        }
        const next = await iterator.next();
        if (next.done === true) throw new Error(`synth: no render of ${name}`);
        const one = next.value;
        renderedCount++;
        // Settled in stack order once its panels are checked: its issues then stand where a synchronous check put them.
        const settle = async (panelIssues: readonly ValidationIssue[]): Promise<void> => {
          serviceIssues.push(...one.issues, ...panelIssues);
          if (one.summary) summaries.push(one.summary);
          if (one.issues.length > 0 || panelIssues.length > 0) return;
          const files: [string, string][] = [];
          // Nothing is written once anything is wrong, but promtool still checks every clean service's rules, so the report is whole.
          if (serviceIssues.length === 0 && placeholders.length === 0) {
            for (const [path, content] of one.files) {
              const hash = sha256(content);
              files.push([path, hash]);
              expect(path, hash);
              await put(path, content);
            }
            services.push(changesOf(digest, files));
          }
          if (one.ruleFile) {
            batch.push(one.ruleFile);
            if (batch.length >= PROMTOOL_BATCH) await flushPromtool();
          }
          const key = digest.key;
          if (key !== undefined) fresh.push({ key, entry: { service: name, files, summary: one.summary!, promtool: '' } });
        };
        pending.push({ settle, ...(one.panelJob && { job: one.panelJob }) });
        if (++pendingRendered >= PANEL_BATCH) await flushPanels();
        // Rendering here is synchronous: let promtool's pool start its next process between services.
        if (!renderPool) await new Promise((resolve) => setImmediate(resolve));
      }
      await iterator.return?.();
      // Every service is rendered: the workers' heaps go before the checks across services and the commit need memory of their own.
      await pool?.close();
      await flushPanels();
      await settled;
      await flushPromtool();
      await inFlight;
      const across = acrossServices(selected, platform, summaries, serviceIssues.length === 0, platformFrom, memo?.yaml);
      const issues = [...placeholders, ...serviceIssues, ...across.issues, ...promtoolIssues];
      if (issues.length > 0) {
        await writer?.abort();
        return { kind: 'invalid', issues, ...(skipped && { skipped }) };
      }
      for (const [path, content] of across.files) {
        expect(path, sha256(content));
        await put(path, content);
      }
      await open(); // also when every service was reused: the commit still records the run
    } catch (error) {
      await rendered.return?.();
      await settled.catch(() => undefined); // no file may be staged after the abort
      await writer?.abort();
      throw error;
    }
    // Both promtool checks (rules, panels) ran with this promtool, or neither did (then `skipped` says why).
    const checkedBy = options.promtool !== 'off' && skipped === undefined ? promtool ?? '' : '';
    const remember = async () => {
      await fewAtATime(fresh, async ({ key, entry }) => cache?.set(key, { ...entry, promtool: checkedBy }));
      if (declared) await keepDigests(cache!, declared, built);
      await memo?.save().catch(() => undefined);
      // Only an optimisation: a record that cannot be written costs reads next time, not this run.
      await verified?.save((path) => manifest?.files.has(path) === true).catch(() => undefined);
    };
    const done: Done = { files: fileCount, rendered: renderedCount, services, notices, ...(skipped && { skipped }) };

    if (writerError) throw writerError;
    if (validateOnly) return { kind: 'validated', ...done };
    if (check) {
      // Reused services were compared already: their files on disk hash to what the render gave.
      if (options.only === undefined) {
        const manifestText = serializeManifest({ engine: engineVersion(), files: expected });
        await compareWithDisk(options.outDir, MANIFEST_NAME, manifestText, drift);
        expected.set(MANIFEST_NAME, '');
      }
      for (const path of onDisk) if (!expected.has(path) && path !== MANIFEST_NAME && inScope(path)) drift.unexpected.push(path);
      await remember();
      const sorted = { missing: drift.missing.sort(), changed: drift.changed.sort(), unexpected: drift.unexpected.sort() };
      return { kind: 'checked', drift: sorted, ...done };
    }
    const summary = await writer!.commit();
    await remember();
    return { kind: 'written', summary, ...done };
  }
}

/**
 * Services whose cached render is still in the folder: same input key, the manifest lists exactly the
 * cached files of `<service>/` with the cached hashes, and the bytes on disk hash to them (read again
 * only for files whose identity on disk changed since a run last read them: `VerifiedFiles`).
 */
async function reusableServices(
  candidates: readonly ServiceDigest[], cache: SynthCache, byService: ReadonlyMap<string, ReadonlyMap<string, string>>, verified: VerifiedFiles, outDir: string, promtool: string | undefined,
): Promise<Map<string, CachedService>> {
  const reusable = new Map<string, CachedService>();
  if (byService.size === 0) return reusable;
  const reuse = async ({ service: name, key }: ServiceDigest): Promise<void> => {
    const entry = key === undefined ? undefined : await cache.get(key);
    const listed = byService.get(name);
    if (!entry || entry.service !== name || !listed || listed.size !== entry.files.length) return;
    if (promtool !== undefined && (promtool === '' || entry.promtool !== promtool)) return;
    if (!entry.files.every(([path, hash]) => listed.get(path) === hash)) return;
    for (const [path, hash] of entry.files) {
      if ((await verified.hashOf(outDir, path)) !== hash) return; // a hand edit: render, so synth restores the file
    }
    reusable.set(name, entry);
  };
  await fewAtATime(candidates, reuse);
  return reusable;
}

/** The manifest's files by top folder (`<service>/...` under the service's name). */
function groupByService(manifest: Manifest | undefined): Map<string, Map<string, string>> {
  const byService = new Map<string, Map<string, string>>();
  for (const [path, hash] of manifest?.files ?? []) {
    const slash = path.indexOf('/');
    const top = slash < 0 ? path : path.slice(0, slash);
    let files = byService.get(top);
    if (!files) byService.set(top, (files = new Map()));
    files.set(path, hash);
  }
  return byService;
}

/**
 * The digests of the services at `indices`, by index: on the workers when there are enough of them (each
 * builds the stack of a lazy source itself), else here, one stack at a time. Input keys only for `keyed`
 * services (the chosen ones), shape checks only for the others when `--only` leaves them out (`shapes`).
 */
async function digestAll(
  organisation: Organisation, poolFor: (services: number) => WorkerPool | undefined, platform: PlatformConfig, keyed: ReadonlySet<number>,
  engine: string | undefined, shapes: boolean, indices: readonly number[],
): Promise<Map<number, ServiceDigest>> {
  const needs = (i: number): DigestNeeds => ({ key: engine !== undefined && keyed.has(i), shape: shapes && !keyed.has(i) });
  const digests = new Map<number, ServiceDigest>();
  const pool = poolFor(indices.length);
  if (!pool) {
    for (const i of indices) {
      const need = needs(i);
      digests.set(i, digestAt(organisation, i, platform, need.key ? engine : undefined, need.shape));
    }
    return digests;
  }
  let k = 0;
  for await (const digest of pool.map('digest', indices, 64, needs)) digests.set(indices[k++]!, digest);
  return digests;
}

async function compareWithDisk(outDir: string, path: string, content: string, drift: { missing: string[]; changed: string[] }): Promise<void> {
  const onDisk = await readFile(join(outDir, path), 'utf8').catch(() => undefined);
  if (onDisk === undefined) drift.missing.push(path);
  else if (onDisk !== content) drift.changed.push(path);
}

function cacheOf(cacheDir: string | false | undefined): SynthCache | undefined {
  if (cacheDir === false) return undefined;
  return new SynthCache(cacheDir ?? process.env.OAC_SYNTH_CACHE ?? join(process.cwd(), 'node_modules', '.cache', 'oac-synth'));
}
