import { readFileSync, writeFileSync } from 'node:fs';
import { readFile, readdir, rmdir, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ForeignFilesFound, OutputFolderRefused, OutputWriteError, causeOf, isOutputError } from './errors.js';
import { errorCode, makeDirectories, makeDirectoriesSync } from './fs-steps.js';
import { findProjectRoot, pathProblem, refuseUnsafeFolder, scanScope, userEntries, type DiskEntry } from './folder-rules.js';
import { applyJournal, commitJournal, rollBackJournal, type Applied, type Journal, type PhaseHook } from './journal.js';
import { ManifestUnreadable, byPath, engineVersion, readManifest, serializeManifest, sha256, type Manifest } from './manifest.js';
import { MANIFEST_NAME, TXN_NAME, isWriterEntry } from './names.js';
import { currentOwner } from './owner.js';
import { acquire, release, setAside } from './txn.js';

export interface OutputOptions {
  /**
   * Rewrite only these subtrees (top-level folders such as a service name, or any relative folder). Every
   * file outside them stays byte- and mtime-untouched and keeps its manifest entry; files added outside
   * them are an error.
   */
  readonly only?: readonly string[];
  /** Keep files synth did not write in place (and say so) instead of stopping. */
  readonly keepForeign?: boolean;
  /** Take every file of a manifest-less folder as synth's (they are then replaced or deleted). */
  readonly adopt?: boolean;
  /** Where the project root is looked for (package.json or .git, upwards). @default process.cwd() */
  readonly cwd?: string;
  /** The folder as the user named it, for messages. @default outDir */
  readonly displayName?: string;
  /** @default `<package name>@<version>` of this package */
  readonly engine?: string;
  /** Notices: recovered interrupted runs, adoption, kept foreign files. @default none */
  readonly log?: (notice: string) => void;
  /**
   * Every path the run will add, when known up front (writeDist passes a Map's keys): a folder without
   * manifest is then adopted or refused before anything in it is touched, its own mtime included.
   */
  readonly paths?: ReadonlySet<string>;
  /** Tests only: called just after each step; a throw there is an error, an exit there a kill. */
  readonly onPhase?: PhaseHook;
}

export interface WriteSummary {
  /** Files synth writes (the new manifest's entries in scope). */
  readonly files: number;
  /** Files whose bytes changed (new or different); the others were not touched (same mtime). */
  readonly written: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Files synth did not write that were left in place (`keepForeign`). */
  readonly keptForeign: readonly string[];
  /** A manifest-less folder whose files were all taken as synth's. */
  readonly adopted: boolean;
  readonly notices: readonly string[];
}

export interface OutputWriter {
  /** The manifest found in the folder (after recovery), if any. */
  readonly previous: Manifest | undefined;
  /** Stages one file (written to the transaction folder at once, so memory stays bounded). */
  add(path: string, content: string | Uint8Array): Promise<void>;
  /** Makes the output folder hold exactly the added files (within `only`), crash-safely. */
  commit(): Promise<WriteSummary>;
  /** Drops everything staged; the output folder stays as it was. Safe to call after a failed commit. */
  abort(): Promise<void>;
}

const list = (paths: readonly string[], max = 20) =>
  paths.slice(0, max).map((p) => `  ${p}`).join('\n') + (paths.length > max ? `\n  ... and ${paths.length - max} more` : '');

/** Opens an output folder for writing: refusals, lock, recovery of interrupted runs, foreign-file scan. */
export async function openOutput(outDir: string, options: OutputOptions = {}): Promise<OutputWriter> {
  const out = resolve(outDir);
  const name = (options.displayName ?? outDir).replace(/\/+$/, '');
  const onPhase: PhaseHook = options.onPhase ?? (() => undefined);
  const notices: string[] = [];
  const notice = (m: string) => {
    notices.push(m);
    options.log?.(m);
  };
  const scope = options.only?.map((p) => p.replace(/\/+$/, ''));
  for (const root of scope ?? []) {
    const problem = pathProblem(root);
    if (problem) throw new OutputFolderRefused(`only: '${root}' ${problem}. Nothing was written.`);
  }
  // A path is in scope when it or one of its parent folders is a root: a lookup per path segment, not per root (10,000 services).
  const roots = new Set(scope);
  const inScope = (path: string) => {
    if (scope === undefined) return true;
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) if (roots.has(path.slice(0, at))) return true;
    return roots.has(path);
  };

  const notAdoptable = (unknown: readonly string[]) => new OutputFolderRefused(`refusing to write ${name}/: it has no ${MANIFEST_NAME} and holds ${unknown.length} file(s) synth does not write:\n${list(unknown)}\n`
    + `Move them out of ${name}/ (synth then adopts the rest), or pass --adopt to take all its files as synth's (they are deleted). Nothing was written.`);
  const unchangedMessage = (cause: unknown, what: string) => `could not ${what} ${name}/: ${causeOf(cause)}; ${name}/ left unchanged.`;
  const existed = await refuseUnsafeFolder(out, name, findProjectRoot(options.cwd ?? process.cwd())).catch((error: unknown) => {
    throw isOutputError(error) ? error : new OutputWriteError(unchangedMessage(error, 'inspect'), 'unchanged', { cause: error });
  });

  // Decided before touching anything, so that a refused folder keeps even its directory mtime.
  let legacy = false;
  if (existed === 'directory') {
    // One listing for both counts: two listings taken while another run commits can differ by that run's
    // manifest and lock, and a folder that has a manifest would then look like one without.
    const all = await readdir(out).catch((error: unknown) => { throw new OutputWriteError(unchangedMessage(error, 'read'), 'unchanged', { cause: error }); });
    const entries = all.filter((e) => !isWriterEntry(e));
    if (entries.length > 0 && all.length === entries.length) {
      legacy = true;
      if (!options.adopt && scope !== undefined) {
        throw new OutputFolderRefused(`refusing to write ${name}/: it is not empty and has no ${MANIFEST_NAME}, so synth cannot tell its own files from anyone else's. `
          + `Run a full synth once (it adopts ${name}/ when every file in it is one synth writes), or pass --adopt to take all its files as synth's. Nothing was written.`);
      }
      if (!options.adopt && options.paths) {
        const unknown = [...(await scanScope(out, undefined))].filter(([p, kind]) => kind !== 'directory' && !options.paths!.has(p)).map(([p]) => p).sort(byPath);
        if (unknown.length > 0) throw notAdoptable(unknown);
      }
    }
  }
  // A run that changes nothing puts back the folder's own timestamps, which taking the lock inside it moved.
  const folderTimes = existed === 'directory' ? await stat(out).catch(() => undefined) : undefined;
  const restoreFolderTimes = async () => {
    if (folderTimes) await utimes(out, folderTimes.atime, folderTimes.mtime).catch(() => undefined);
  };
  let createdOut: string[] = [];
  try {
    createdOut = await makeDirectories(out);
  } catch (error) {
    throw new OutputWriteError(unchangedMessage(error, 'create'), 'unchanged', { cause: error });
  }
  const undoCreate = async () => {
    for (const dir of [...createdOut].reverse()) await rmdir(dir).catch(() => undefined);
    await restoreFolderTimes();
  };

  let txn: string;
  try {
    txn = await acquire(out, name, notice, onPhase);
  } catch (error) {
    await undoCreate();
    if (isOutputError(error)) throw error;
    throw new OutputWriteError(unchangedMessage(error, 'start writing'), 'unchanged', { cause: error });
  }
  const fail = async (error: unknown): Promise<never> => {
    const leftover = await release(out, name).catch((e: unknown) => `could not remove ${name}/${TXN_NAME} (${causeOf(e)}); the next synth removes it.`);
    await undoCreate();
    if (leftover) notice(leftover);
    throw error;
  };

  let previous: Manifest | undefined;
  let onDisk: Map<string, DiskEntry>;
  try {
    previous = await readManifest(out);
    if (previous) legacy = false;
    else if (!legacy && (await userEntries(out)).length > 0) legacy = true; // a manifest-less folder that also held an interrupted run's leftovers
    if (legacy && scope !== undefined && !options.adopt) {
      throw new OutputFolderRefused(`refusing to write ${name}/: it is not empty and has no ${MANIFEST_NAME}, so synth cannot tell its own files from anyone else's. `
        + `Run a full synth once (it adopts ${name}/ when every file in it is one synth writes), or pass --adopt to take all its files as synth's. Nothing was written.`);
    }
    onDisk = await scanScope(out, scope);
    await onPhase('scanned');
  } catch (error) {
    if (error instanceof ManifestUnreadable) {
      return fail(new OutputFolderRefused(`refusing to write ${name}/: ${error.message}; synth will not guess which files are its own. `
        + `Restore ${MANIFEST_NAME} (from git), or move ${name}/ away and synth again. Nothing was written.`));
    }
    return fail(isOutputError(error) ? error : new OutputWriteError(unchangedMessage(error, 'read'), 'unchanged', { cause: error }));
  }

  // In a manifest-less folder every file is a candidate for adoption, decided at commit once all paths are known.
  const owned = (path: string) => legacy || previous?.files.has(path) === true;
  const diskFiles = [...onDisk].filter(([, kind]) => kind !== 'directory').map(([path]) => path).sort(byPath);
  const foreign = diskFiles.filter((path) => !owned(path));
  // A file not in the manifest that is byte for byte what synth writes there (a file another branch's
  // synth wrote, brought in by a git merge) loses nothing when taken over; that is decided in add().
  const stopping = foreign.filter((path) => !options.paths?.has(path));
  if (stopping.length > 0 && !options.keepForeign) {
    return fail(new ForeignFilesFound(`${name}/ holds ${stopping.length} file(s) synth did not write (not in ${name}/${MANIFEST_NAME}):\n${list(stopping)}\n`
      + `synth never deletes or overwrites them. Move them out of ${name}/, or pass --keep-foreign to keep them in place. ${name}/ left unchanged.`, stopping));
  }

  const added = new Map<string, string>();
  /** Files not in the manifest that held exactly what synth writes there: synth's from now on. */
  const takenOver = new Set<string>();
  const staged: string[] = [];
  let unchanged = 0;
  let state: 'open' | 'failed' | 'committing' | 'closed' = 'open';
  const stagingDirs = new Set<string>();
  const stageDir = (dir: string) => {
    if (stagingDirs.has(dir)) return;
    makeDirectoriesSync(dir);
    stagingDirs.add(dir);
  };
  const collision = (message: string, path: string) => new ForeignFilesFound(`${message} ${name}/ left unchanged.`, [path]);

  async function add(path: string, content: string | Uint8Array): Promise<void> {
    if (state !== 'open') throw new Error(`output writer for ${name}/ is ${state}; add() after commit()/abort() or a failed add()`);
    try {
      const problem = pathProblem(path);
      if (problem) throw new OutputWriteError(`cannot write '${path}': the path ${problem}; ${name}/ left unchanged.`, 'unchanged');
      if (added.has(path)) throw new OutputWriteError(`cannot write '${path}' twice; ${name}/ left unchanged.`, 'unchanged');
      if (!inScope(path)) throw new OutputWriteError(`cannot write '${path}': it is outside only=[${scope!.join(', ')}]; ${name}/ left unchanged.`, 'unchanged');
      const hash = sha256(content);
      added.set(path, hash);
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const ancestor = parts.slice(0, i).join('/');
        const kind = onDisk.get(ancestor);
        if (kind === 'symlink') throw new OutputFolderRefused(`refusing to write ${name}/${path}: ${name}/${ancestor} is a symbolic link and synth does not write through links. Nothing was written.`);
        if (kind !== undefined && kind !== 'directory' && !owned(ancestor)) {
          throw collision(`synth writes ${name}/${path}, but ${name}/${ancestor} is a file synth did not write; move it away.`, ancestor);
        }
      }
      const kind = onDisk.get(path);
      if (kind !== undefined && kind !== 'file') throw collision(`synth writes the file ${name}/${path}, but a ${kind} is there; move it away.`, path);
      if (kind === 'file' && !owned(path)) {
        if (readFileSync(join(out, path)).equals(typeof content === 'string' ? Buffer.from(content) : content)) {
          takenOver.add(path);
          unchanged++;
          return;
        }
        throw collision(`synth writes ${name}/${path}, which exists, was not written by synth (not in ${MANIFEST_NAME}) and holds other bytes; move it away.`, path);
      }
      // Also when the hash differs from the manifest's: a git merge may have brought these very bytes.
      if (kind === 'file') {
        const current = readFileSync(join(out, path));
        if (current.equals(typeof content === 'string' ? Buffer.from(content) : content)) {
          unchanged++;
          return;
        }
      }
      const target = join(txn, 'new', path);
      stageDir(dirname(target));
      writeFileSync(target, content, { flag: 'wx' });
      staged.push(path);
      await onPhase('staged-file', path);
    } catch (error) {
      state = 'failed';
      if (isOutputError(error)) throw error;
      throw new OutputWriteError(`could not stage ${name}/${path}: ${causeOf(error)}; ${name}/ left unchanged.`, 'unchanged', { cause: error });
    }
  }

  async function abort(): Promise<void> {
    if (state === 'closed' || state === 'committing') return;
    state = 'closed';
    const leftover = await release(out, name).catch((e: unknown) => `could not remove ${name}/${TXN_NAME} (${causeOf(e)}); the next synth removes it.`);
    await undoCreate();
    if (leftover) notice(leftover);
  }

  async function commit(): Promise<WriteSummary> {
    if (state !== 'open') throw new Error(`output writer for ${name}/ is ${state}; commit() once, after every add()`);
    state = 'committing';
    const failBeforeCommit = async (error: unknown): Promise<never> => {
      state = 'closed';
      return fail(error);
    };
    const paths = [...added.keys()].sort(byPath);
    for (let i = 1; i < paths.length; i++) {
      if (paths[i]!.startsWith(`${paths[i - 1]}/`)) {
        return failBeforeCommit(new OutputWriteError(`cannot write both ${paths[i - 1]} and ${paths[i]} (a file cannot be a folder); ${name}/ left unchanged.`, 'unchanged'));
      }
    }
    let adopted = false;
    if (legacy) {
      const unknown = diskFiles.filter((p) => !added.has(p));
      if (unknown.length > 0 && !options.adopt) return failBeforeCommit(notAdoptable(unknown));
      adopted = true;
    }
    const old = legacy ? new Map(diskFiles.map((p) => [p, ''])) : previous?.files ?? new Map<string, string>();
    const deletes = [...old.keys()].filter((p) => inScope(p) && !added.has(p) && onDisk.get(p) === 'file').sort(byPath);
    const files = new Map([...old].filter(([p]) => !inScope(p)));
    for (const path of paths) files.set(path, added.get(path)!);
    const manifestText = serializeManifest({ engine: options.engine ?? engineVersion(), files });
    const puts = [...staged].sort(byPath);
    try {
      const current = await readFile(join(out, MANIFEST_NAME), 'utf8').catch(() => undefined);
      if (current !== manifestText) {
        await writeFile(join(txn, 'new', MANIFEST_NAME), manifestText, { flag: 'wx' }).catch(async (error: unknown) => {
          if (errorCode(error) !== 'ENOENT') throw error;
          await makeDirectories(join(txn, 'new'));
          await writeFile(join(txn, 'new', MANIFEST_NAME), manifestText, { flag: 'wx' });
        });
        puts.push(MANIFEST_NAME);
      }
      await onPhase('staged');
    } catch (error) {
      return failBeforeCommit(isOutputError(error) ? error : new OutputWriteError(`could not stage ${name}/${MANIFEST_NAME}: ${causeOf(error)}; ${name}/ left unchanged.`, 'unchanged', { cause: error }));
    }
    const kept = foreign.filter((path) => !takenOver.has(path));
    if (!options.keepForeign && kept.length > 0) {
      // Files that only the list of paths let through, and that the run did not write after all.
      return failBeforeCommit(new ForeignFilesFound(`${name}/ holds ${kept.length} file(s) synth did not write (not in ${name}/${MANIFEST_NAME}):\n${list(kept)}\n`
        + `synth never deletes or overwrites them. Move them out of ${name}/, or pass --keep-foreign to keep them in place. ${name}/ left unchanged.`, kept));
    }
    if (takenOver.size > 0) notice(`took over ${takenOver.size} file(s) in ${name}/ not in ${MANIFEST_NAME} that hold exactly what synth writes there:\n${list([...takenOver].sort(byPath))}`);
    if (kept.length > 0) notice(`kept ${kept.length} file(s) in ${name}/ that synth did not write (--keep-foreign):\n${list(kept)}`);
    if (adopted) notice(`adopted ${name}/: it had no ${MANIFEST_NAME}; ${options.adopt ? 'all its files were taken as synth\'s (--adopt)' : 'every file in it is one synth writes'}. It now carries ${MANIFEST_NAME}.`);
    const summary = (): WriteSummary => ({
      files: paths.length, written: staged.length, deleted: deletes.length, unchanged, keptForeign: kept, adopted, notices,
    });
    if (puts.length === 0 && deletes.length === 0) {
      state = 'closed';
      const leftover = await release(out, name).catch((e: unknown) => `could not remove ${name}/${TXN_NAME} (${causeOf(e)}); the next synth removes it.`);
      await restoreFolderTimes();
      if (leftover) notice(leftover);
      return summary();
    }

    const journal: Journal = { format: 1, owner: currentOwner(), deletes, puts };
    try {
      await commitJournal(txn, journal, onPhase);
    } catch (error) {
      return failBeforeCommit(isOutputError(error) ? error : new OutputWriteError(`could not commit the write of ${name}/: ${causeOf(error)}; ${name}/ left unchanged.`, 'unchanged', { cause: error }));
    }
    const applied: Applied = { createdDirs: [] };
    try {
      await onPhase('committed');
      await applyJournal(out, txn, journal, onPhase, applied);
    } catch (error) {
      state = 'closed';
      try {
        await rollBackJournal(out, txn, journal, applied);
      } catch (rollbackError) {
        await setAside(out).catch(() => undefined);
        throw new OutputWriteError(`could not write ${name}/: ${causeOf(error)}; putting the previous files back failed too (${causeOf(rollbackError)}). `
          + `${name}/ is partly updated: every file is whole, old or new; the journal in ${name}/ lets the next synth finish the write.`, 'commit-pending', { cause: error });
      }
      return fail(new OutputWriteError(`could not write ${name}/: ${causeOf(error)}; the files already moved were put back: ${name}/ left unchanged.`, 'unchanged', { cause: error }));
    }
    state = 'closed';
    const leftover = await release(out, name).catch((e: unknown) => `could not remove ${name}/${TXN_NAME} (${causeOf(e)}); ${name}/ is complete; the next synth removes it.`);
    if (leftover) notice(leftover);
    await onPhase('released');
    return summary();
  }

  return { previous, add, commit, abort };
}
