/**
 * A synth worker thread (started by lib/synth/render-pool.ts): imports the user's entry itself (stacks
 * hold functions and class instances, which no message can carry), then digests or renders the services
 * it is sent, one at a time, and posts each result back whole. With a lazy entry (`lazyStacks`) it builds
 * each stack when asked and keeps none. The main thread decides the order of the output.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { organisationOf, type StackSource } from '../core/lazy-stacks.js';
import type { PlatformConfig } from '../core/platform.js';
import type { Provenance } from '../core/provenance.js';
import type { ValidationIssue } from '../core/issues.js';
import { renderAt } from './synthesize.js';
import { digestAt } from './service-digest.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './render-pool.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (reply: WorkerReply): void => port.postMessage(reply);

try {
  if (!import.meta.url.endsWith('.ts')) register(); // from the build: the engine is loaded, the entry may be TypeScript
  const module = (await import(pathToFileURL(setup.entry).href)) as { stacks?: StackSource; platform?: PlatformConfig };
  const organisation = organisationOf(module.stacks ?? []);
  const platform = module.platform!;
  const provenance: Provenance = setup.provenance;
  post({ kind: 'ready', names: organisation.names });
  port.on('message', (request: WorkerRequest) => {
    const { index } = request;
    if (request.task === 'digest') {
      const digest = digestAt(organisation, index, platform, request.needs?.key === true ? setup.engine : undefined, request.needs?.shape === true);
      sendable((d) => post({ kind: 'digest', index, result: d }), digest, (d) => ({ ...d, modelIssues: d.modelIssues.map(plainIssue), alertNames: d.alertNames.map(plainValue), dashboardUids: d.dashboardUids.map(plainValue) }));
    } else {
      const one = renderAt(organisation, index, platform, provenance);
      sendable((r) => post({ kind: 'render', index, result: r }), one, (r) => ({ ...r, issues: r.issues.map(plainIssue) }));
    }
  });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
}

/** Posts `value`, or its plain form when it holds what no message can carry. */
function sendable<T>(send: (value: T) => void, value: T, plain: (value: T) => T): void {
  try {
    send(value);
  } catch {
    send(plain(value));
  }
}

/** An issue's value may be anything the user wrote (a function, a class instance); the report needs its text only. */
function plainIssue(issue: ValidationIssue): ValidationIssue {
  return { ...issue, value: plainValue(issue.value) };
}

function plainValue(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    return typeof value === 'function' || typeof value === 'symbol' ? value.toString()
      : JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'function' || typeof v === 'symbol' ? `(${typeof v})` : v))) as unknown;
  }
}
