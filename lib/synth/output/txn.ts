import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputLocked, OutputWriteError, causeOf } from './errors.js';
import { errorCode } from './fs-steps.js';
import { applyJournal, readJournal, type PhaseHook } from './journal.js';
import { TXN_LEFTOVER, TXN_NAME } from './names.js';
import { currentOwner, liveness, parseOwner, type Owner } from './owner.js';

/**
 * The lock of an output folder is its transaction folder `<out>/.oac-txn`: prepared complete (owner and a
 * `.gitignore` of `*`) under a private name, then renamed into place, which fails while another exists.
 * It is released by renaming it aside (`.oac-txn.<pid>.done`) before removing it, so `.oac-txn` is always
 * whole while it exists. A lock whose owner no longer runs is moved aside (`.oac-txn.<pid>.stale`) and
 * recovered by the new holder: its committed journal finished, or its staging removed.
 */

const MAX_ATTEMPTS = 3;

export async function readOwner(txnDir: string): Promise<Owner | undefined> {
  const text = await readFile(join(txnDir, 'owner.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseOwner(text);
}

const sameOwner = (a: Owner | undefined, b: Owner | undefined) => a !== undefined && b !== undefined
  && a.pid === b.pid && a.host === b.host && a.processStart === b.processStart;

/** Takes the lock of `outDir` (which exists), then recovers what interrupted runs left. */
export async function acquire(outDir: string, name: string, notice: (m: string) => void, onPhase: PhaseHook): Promise<string> {
  const me = currentOwner();
  const txn = join(outDir, TXN_NAME);
  const prepared = join(outDir, `.oac-txn.${me.pid}.new`);
  await rm(prepared, { recursive: true, force: true });
  await mkdir(prepared);
  try {
    await writeFile(join(prepared, '.gitignore'), '*\n');
    await writeFile(join(prepared, 'owner.json'), `${JSON.stringify(me)}\n`);
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(prepared, txn);
        break;
      } catch (error) {
        if (!['EEXIST', 'ENOTEMPTY'].includes(errorCode(error) ?? '') || attempt >= MAX_ATTEMPTS) throw error;
      }
      const holder = await readOwner(txn);
      const state = holder ? liveness(holder) : 'unknown';
      if (state !== 'dead') {
        const who = holder ? `synth (pid ${holder.pid} on ${holder.host})` : 'another synth';
        throw new OutputLocked(`${who} is writing ${name}/ (it holds ${name}/${TXN_NAME}); ${name}/ left unchanged by this run. `
          + (state === 'unknown' ? `If no synth is running, remove ${name}/${TXN_NAME} by hand.` : 'Run synth again once it has finished.'), holder?.pid);
      }
      const aside = join(outDir, `.oac-txn.${me.pid}.stale-${attempt}`);
      await rename(txn, aside).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error; // another run broke it first
      });
      // Between reading the owner and the rename, another run may have broken the lock and taken it.
      const moved = await readOwner(aside);
      if (moved && !sameOwner(moved, holder)) {
        await rename(aside, txn).catch(() => undefined);
        throw new OutputLocked(`another synth took ${name}/${TXN_NAME} while this run was recovering it; ${name}/ left unchanged by this run.`, moved.pid);
      }
    }
  } catch (error) {
    await rm(prepared, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  await onPhase('locked');
  await recoverLeftovers(outDir, name, notice, onPhase);
  await onPhase('recovered');
  return txn;
}

/** Every `.oac-txn.<pid>.*` of a process that no longer runs (or of this one): finished or removed. */
async function recoverLeftovers(outDir: string, name: string, notice: (m: string) => void, onPhase: PhaseHook): Promise<void> {
  const entries = (await readdir(outDir)).filter((e) => TXN_LEFTOVER.test(e)).sort();
  for (const entry of entries) {
    const [, pid, kind] = TXN_LEFTOVER.exec(entry)!;
    const dir = join(outDir, entry);
    if (Number(pid) !== process.pid) {
      const owner = await readOwner(dir);
      // The pid in the name is the process working on it; only its own start time is recorded when it is the owner.
      const worker: Owner = owner && owner.pid === Number(pid) ? owner : { pid: Number(pid), host: currentOwner().host };
      if (liveness(worker) !== 'dead') continue;
    }
    const owner = await readOwner(dir);
    const who = owner ? `pid ${owner.pid}` : `pid ${pid}`;
    let journal;
    try {
      journal = await readJournal(dir);
    } catch (error) {
      throw new OutputWriteError(`${name}/${entry} holds an unreadable journal (${causeOf(error)}); ${name}/ may be partly updated. Inspect it, then remove it by hand.`, 'commit-pending');
    }
    if (journal) {
      let moved: number;
      try {
        moved = await applyJournal(outDir, dir, journal, (phase, path) => onPhase(phase, path));
      } catch (error) {
        throw new OutputWriteError(`could not finish the write an interrupted synth (${who}) had committed: ${causeOf(error)}; `
          + `${name}/ is partly updated; its journal is kept in ${name}/${entry} and the next synth finishes it.`, 'commit-pending', { cause: error });
      }
      if (kind !== 'done') {
        notice(`finished the write of an interrupted synth (${who}) from its journal in ${name}/${entry}: ${moved} file operation(s) were still to do; ${name}/ now holds its complete output.`);
      }
    } else if (kind === 'done') {
      // A finished run killed while removing its folder: nothing to report.
    } else {
      notice(`removed the staging folder ${name}/${entry} of an interrupted synth (${who}); it had not changed ${name}/.`);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** Releases the lock: rename aside (atomic unlock), then remove. Returns a notice when removal failed. */
export async function release(outDir: string, name: string): Promise<string | undefined> {
  const done = join(outDir, `.oac-txn.${process.pid}.done`);
  await rename(join(outDir, TXN_NAME), done);
  try {
    await rm(done, { recursive: true, force: true });
    return undefined;
  } catch (error) {
    return `could not remove ${name}/${done.slice(outDir.length + 1)} (${causeOf(error)}); the next synth removes it.`;
  }
}

/** Keeps a committed but unfinished transaction for the next run (this process included) to finish. */
export async function setAside(outDir: string): Promise<string> {
  const aside = join(outDir, `.oac-txn.${process.pid}.stale-0`);
  await rename(join(outDir, TXN_NAME), aside);
  return aside;
}
