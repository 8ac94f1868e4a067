/**
 * A synth worker thread (started by lib/synth/render-pool.ts): imports the user's entry itself (stacks
 * hold functions and class instances, which no message can carry), then renders the services it is
 * sent, one at a time, and posts each back whole. The main thread decides the order of the output.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { PlatformConfig } from '../core/platform.js';
import type { Provenance } from '../core/provenance.js';
import type { ServiceStack } from '../core/stack.js';
import { renderService, type RenderedOne } from './synthesize.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './render-pool.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (reply: WorkerReply): void => port.postMessage(reply);

try {
  const module = (await import(pathToFileURL(setup.entry).href)) as { stacks?: readonly ServiceStack[]; platform?: PlatformConfig };
  const stacks = module.stacks ?? [];
  const platform = module.platform!;
  const provenance: Provenance = setup.provenance;
  post({ kind: 'ready', names: stacks.map((s) => s.service.name) });
  port.on('message', (request: WorkerRequest) => {
    const one = renderService(stacks[request.index]!, platform, provenance);
    try {
      post({ kind: 'rendered', index: request.index, one });
    } catch {
      post({ kind: 'rendered', index: request.index, one: cloneable(one) });
    }
  });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
}

/** An issue's value may be anything the user wrote (a function, a class instance); the report needs its text only. */
function cloneable(one: RenderedOne): RenderedOne {
  const plain = (value: unknown): unknown => {
    try {
      structuredClone(value);
      return value;
    } catch {
      return typeof value === 'function' || typeof value === 'symbol' ? value.toString() : JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'function' || typeof v === 'symbol' ? `(${typeof v})` : v))) as unknown;
    }
  };
  return { ...one, issues: one.issues.map((issue) => ({ ...issue, value: plain(issue.value) })) };
}
