import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Provenance } from '../core/provenance.js';
import type { RenderedOne } from './synthesize.js';

/** What a worker needs to find the organisation on its own: the entry module and where headers say files come from. */
export interface WorkerSetup {
  /** Absolute path of the module exporting `stacks` and `platform`. */
  readonly entry: string;
  readonly provenance: Provenance;
}
export interface WorkerRequest {
  readonly index: number;
}
export type WorkerReply =
  | { readonly kind: 'ready'; readonly names: readonly string[] }
  | { readonly kind: 'rendered'; readonly index: number; readonly one: RenderedOne }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Loads tsx in the worker before the worker module: from source the worker is TypeScript, and the
 * user's entry may be TypeScript either way. (Node 20 does not pass the main thread's loader hooks on.)
 */
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.worker); })
  .catch((e) => parentPort.postMessage({ kind: 'failed', message: String(e && e.stack || e) }));
`;

/**
 * Renders the services at `indices` of the entry's `stacks` on `jobs` worker threads and yields them
 * in the order of `indices`, whatever thread finishes first: the caller writes in stack order, so the
 * output is the same bytes for any number of threads. At most `window` results wait to be taken, so
 * memory stays bounded while the writer is slower than the renderers. `names` are the stacks' names
 * as the caller loaded them: a worker whose entry exports other stacks is an error, not other output.
 */
export async function* renderInWorkers(
  setup: WorkerSetup, names: readonly string[], indices: readonly number[], jobs: number, window = 4 * jobs,
): AsyncGenerator<RenderedOne> {
  const workerUrl = new URL(`./render-worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const workers: Worker[] = [];
  const done = new Map<number, RenderedOne>(); // position in `indices` -> result
  let next = 0; // next position to hand out
  let taken = 0; // next position to yield
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const fail = (error: Error): void => {
    failure ??= error;
    notify();
  };
  const handOut = (worker: Worker): void => {
    if (next >= indices.length || next >= taken + window) {
      idle.add(worker);
      return;
    }
    const position = next++;
    busy.set(worker, position);
    worker.postMessage({ index: indices[position]! } satisfies WorkerRequest);
  };
  const idle = new Set<Worker>();
  const busy = new Map<Worker, number>();
  try {
    for (let i = 0; i < jobs; i++) {
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { ...setup, tsx, worker: workerUrl } });
      workers.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'failed') fail(new Error(`a synth worker could not load ${setup.entry}: ${reply.message}`));
        else if (reply.kind === 'ready') {
          const same = reply.names.length === names.length && reply.names.every((n, k) => n === names[k]);
          if (!same) fail(new Error(`${setup.entry} exports other stacks on a worker thread than on the main thread (${reply.names.length} vs ${names.length} services); synth needs an entry that builds the same stacks every time it is imported`));
          else handOut(worker);
        } else {
          done.set(busy.get(worker)!, reply.one);
          busy.delete(worker);
          handOut(worker);
          notify();
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 || busy.has(worker)) fail(new Error(`a synth worker stopped (exit ${code})`));
      });
    }
    while (taken < indices.length) {
      if (failure) throw failure;
      const one = done.get(taken);
      if (!one) {
        await new Promise<void>((resolve) => { wake = resolve; });
        continue;
      }
      done.delete(taken++);
      for (const worker of [...idle]) {
        idle.delete(worker);
        handOut(worker);
      }
      yield one;
    }
  } finally {
    busy.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
