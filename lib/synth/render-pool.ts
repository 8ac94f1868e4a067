import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Provenance } from '../core/provenance.js';
import type { ServiceDigest } from './service-digest.js';
import type { RenderedOne } from './synthesize.js';

/** What a worker needs to find the organisation on its own: the entry module and where headers say files come from. */
export interface WorkerSetup {
  /** Absolute path of the module exporting `stacks` and `platform`. */
  readonly entry: string;
  readonly provenance: Provenance;
  /** Engine fingerprint and provenance, for the input keys of the digests; absent without cache. */
  readonly engine?: string;
}
/** `digest` a service (build its stack, keep what the run needs of it) or `render` it. */
export type WorkerTask = 'digest' | 'render';
export interface WorkerRequest {
  readonly task: WorkerTask;
  readonly index: number;
  /** For a digest: what it computes beyond the basics (lib/synth/service-digest.ts). */
  readonly needs?: DigestNeeds;
}
/** A digest's input key (a service to render, with a cache) and shape check (a service `--only` leaves out). */
export interface DigestNeeds {
  readonly key: boolean;
  readonly shape: boolean;
}
export interface TaskResult {
  readonly digest: ServiceDigest;
  readonly render: RenderedOne;
}
export type WorkerReply =
  | { readonly kind: 'ready'; readonly names: readonly string[] }
  | { readonly kind: 'digest'; readonly index: number; readonly result: ServiceDigest }
  | { readonly kind: 'render'; readonly index: number; readonly result: RenderedOne }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * From source the worker is TypeScript, so tsx is registered before the worker module is imported. From
 * the build it is not: the worker then loads the engine without tsx's hooks (~0.5 s faster) and registers
 * tsx itself just before importing the user's entry, which may be TypeScript either way. (Node 20 does not
 * pass the main thread's loader hooks on.)
 */
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
(workerData.worker.endsWith('.ts') ? import(workerData.tsx).then((tsx) => tsx.register()) : Promise.resolve())
  .then(() => import(workerData.worker))
  .catch((e) => parentPort.postMessage({ kind: 'failed', message: String(e && e.stack || e) }));
`;

/**
 * `jobs` worker threads, each importing the entry, that digest or render services by position in the
 * entry's `stacks`. `names` are the stacks' names as the caller loaded them: a worker whose entry
 * exports other stacks is an error, not other output. Close it when done (`close`, also on errors).
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>;
  private failure: Error | undefined;
  private onReply: ((worker: Worker, reply: WorkerReply) => void) | undefined;
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(setup: WorkerSetup, names: readonly string[], jobs: number) {
    const workerUrl = new URL(`./render-worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    let started = 0;
    let allReady: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => { allReady = resolve; });
    for (let i = 0; i < jobs; i++) {
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { ...setup, tsx, worker: workerUrl } });
      this.workers.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'failed') this.fail(new Error(`a synth worker could not load ${setup.entry}: ${reply.message}`));
        else if (reply.kind === 'ready') {
          const same = reply.names.length === names.length && reply.names.every((n, k) => n === names[k]);
          if (!same) this.fail(new Error(`${setup.entry} exports other stacks on a worker thread than on the main thread (${reply.names.length} vs ${names.length} services); synth needs an entry that builds the same stacks every time it is imported`));
          else if (++started === jobs) allReady();
        } else this.onReply?.(worker, reply);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a synth worker stopped (exit ${code})`));
      });
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  private async waitForSomething(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => { this.wake = resolve; });
    if (this.failure) throw this.failure;
  }

  /**
   * Runs `task` for the services at `indices` and yields the results in the order of `indices`, whatever
   * thread finishes first: the caller writes in stack order, so the output is the same bytes for any
   * number of threads. At most `window` results wait to be taken, so memory stays bounded while the
   * caller is slower than the workers. One task at a time per pool.
   */
  async *map<T extends WorkerTask>(
    task: T, indices: readonly number[], window = 4 * this.workers.length, needs?: (index: number) => DigestNeeds,
  ): AsyncGenerator<TaskResult[T]> {
    await Promise.race([this.ready, this.waitForSomething()]);
    if (this.failure) throw this.failure;
    const done = new Map<number, TaskResult[T]>(); // position in `indices` -> result
    const busy = new Map<Worker, number>();
    const idle = new Set<Worker>(this.workers);
    let next = 0; // next position to hand out
    let taken = 0; // next position to yield
    const handOut = (): void => {
      for (const worker of [...idle]) {
        if (next >= indices.length || next >= taken + window) return;
        idle.delete(worker);
        const position = next++;
        busy.set(worker, position);
        const index = indices[position]!;
        worker.postMessage({ task, index, ...(needs && { needs: needs(index) }) } satisfies WorkerRequest);
      }
    };
    this.onReply = (worker, reply) => {
      if (reply.kind !== task || !busy.has(worker)) {
        this.fail(new Error(`a synth worker replied ${reply.kind} to ${task}`));
        return;
      }
      done.set(busy.get(worker)!, reply.result as TaskResult[T]);
      busy.delete(worker);
      idle.add(worker);
      handOut();
      this.notify();
    };
    try {
      handOut();
      while (taken < indices.length) {
        if (this.failure) throw this.failure;
        const result = done.get(taken);
        if (result === undefined) {
          await this.waitForSomething();
          continue;
        }
        done.delete(taken++);
        handOut();
        yield result;
      }
    } finally {
      this.onReply = undefined;
      // Results still in flight would arrive for a map that is gone: only a closed pool may be left mid-task.
      if (busy.size > 0) await this.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
