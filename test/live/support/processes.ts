import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every process and temporary directory the live suite starts, so that all of them are stopped and
 * removed whatever happens: `stopAll()` from afterAll, and a synchronous SIGKILL from the process 'exit'
 * handler should the worker die before afterAll runs.
 */
const children = new Set<ChildProcess>();
const dirs = new Set<string>();

process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  dirs.add(dir);
  return dir;
}

/** A port that was free a moment ago on 127.0.0.1 (bound to port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** What the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
}

/**
 * Starts `command` with the arguments for a free port, waits until `readyPath` answers 200, and retries on
 * a new port when the chosen one was taken in between (the process exits complaining the address is in
 * use). Gives up after `timeoutMs`, killing the process and quoting its output.
 */
export async function startServer(command: string, args: (port: number) => string[], readyPath: string, timeoutMs = 20_000): Promise<Started> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(command, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const failed = await Promise.race([spawnError, sleep(100).then(() => undefined)]);
      if (failed) throw new Error(`could not start ${command}: ${failed.message} (run bash scripts/ensure-promtool.sh)`);
      if (child.exitCode !== null) break;
      try {
        if ((await fetch(`${url}${readyPath}`)).ok) return { child, port, url, output: () => output };
      } catch {
        // not listening yet
      }
    }
    await stop(child);
    if (/address already in use/i.test(output) && attempt < 5) continue;
    throw new Error(`${command} did not become ready on ${url}${readyPath} within ${timeoutMs} ms:\n${output.slice(-4000)}`);
  }
}

/** SIGTERM, then SIGKILL if it has not exited after 5 s. */
export async function stop(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stop));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with the
 * description and the last value seen: a bounded wait for something that must happen, not a fixed sleep.
 */
export async function eventually<T>(description: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(everyMs);
  }
}
