import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { WritePhase } from '../../../../lib/synth/write-dist.js';

const SCRIPT = join(import.meta.dirname, 'writer-child.ts');

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

export interface ChildArgs {
  readonly out: string;
  readonly files: ReadonlyMap<string, string>;
  readonly killAt?: { readonly phase: WritePhase; readonly nth: number };
  readonly pauseAt?: WritePhase;
  readonly keepForeign?: boolean;
}

/** A writer child; `onStdout` sees each chunk (to wait for `paused`), `child` lets the test answer it. */
export function startWriter(args: ChildArgs, spawnOptions: { uid?: number; gid?: number } = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify({ ...args, files: [...args.files] })], {
    stdio: ['pipe', 'pipe', 'pipe'], ...spawnOptions,
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    for (const w of waiters.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr.on('data', (d: Buffer) => void (stderr += d));
  const done = new Promise<ChildRun>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! }));
  });
  const printed = (text: string) => new Promise<void>((resolve, reject) => {
    if (stdout.includes(text)) return resolve();
    waiters.push({ text, resolve });
    void done.then((run) => reject(new Error(`writer child ended without printing '${text}': ${run.stdout}${run.stderr}`)));
  });
  return { child, done, printed };
}

export function runWriter(args: ChildArgs, spawnOptions: { uid?: number; gid?: number } = {}): Promise<ChildRun> {
  return startWriter(args, spawnOptions).done;
}
