import type { ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import { unbuiltIssue, type Organisation } from '../core/lazy-stacks.js';
import type { ServiceStack } from '../core/stack.js';
import { stackShapeIssues } from '../core/stack-validation.js';
import { alertmanagerPartOf, type AlertmanagerPart } from '../render/alertmanager/config.js';
import { serviceInputKey } from './input-hash.js';

/**
 * What synth keeps of one service's stack for the whole run, instead of the stack: enough for the
 * checks across services (unique names), the platform-wide Alertmanager configuration, the cache and the
 * summary line. A few KB, so an organisation of 10,000 services fits where 10,000 stacks would not; the
 * stack itself is built again where the service renders (lib/synth/render-worker.ts).
 */
export interface ServiceDigest {
  readonly service: string;
  /** Input key for the synth cache (lib/synth/input-hash.ts); absent without cache or when the stack cannot be read whole. */
  readonly key?: string;
  /** The problems of the service's own definition (`defineService`), reported with the platform's. */
  readonly modelIssues: readonly ValidationIssue[];
  /**
   * The model has problems, or the stack's shape where it was checked (`checkShape`: the services `--only`
   * leaves out; the others render, which reports it): the Alertmanager configuration cannot be rendered from it.
   */
  readonly broken: boolean;
  readonly alertNames: readonly unknown[];
  readonly dashboardUids: readonly unknown[];
  readonly hasWorkloads: boolean;
  readonly alerts: number;
  readonly dashboards: number;
  /** Its part of the Alertmanager configuration, or why it could not be made (a renderer error). */
  readonly alertmanager: AlertmanagerPart | { readonly error: string };
  /** The stack could not be built (a lazy source's build threw): every other field is empty. */
  readonly buildIssue?: ValidationIssue;
}

/**
 * The digest of a stack; `engine` (engine fingerprint and provenance) makes the key, none without cache or
 * for a service that is not rendered; `checkShape` runs the shape check that `broken` then includes.
 */
export function digestOf(stack: ServiceStack, platform: PlatformConfig, engine: string | undefined, checkShape = false): ServiceDigest {
  const name = stack.service.name;
  let key: string | undefined;
  if (engine !== undefined) {
    try {
      key = serviceInputKey(stack, platform, engine);
    } catch {
      key = undefined; // an input that cannot be read whole (a throwing getter) is rendered, and the render reports it
    }
  }
  const modelIssues = stack.service.issues.issues;
  let alertmanager: ServiceDigest['alertmanager'];
  try {
    alertmanager = alertmanagerPartOf(stack);
  } catch (error) {
    alertmanager = { error: (error as Error).message };
  }
  const alerts = listOf(stack.alerts);
  const dashboards = listOf(stack.dashboards);
  return {
    service: name, ...(key !== undefined && { key }), modelIssues, broken: modelIssues.length > 0 || (checkShape && stackShapeIssues(stack).length > 0),
    alertNames: alerts.map((a) => (a as { name?: unknown } | undefined)?.name), dashboardUids: dashboards.map((d) => (d as { uid?: unknown } | undefined)?.uid),
    hasWorkloads: listOf(stack.service.workloads).length > 0, alerts: alerts.length, dashboards: dashboards.length, alertmanager,
  };
}

/** The digest of the stack at `index`, built here; one that cannot be built (or read) is a digest holding its issue. */
export function digestAt(organisation: Organisation, index: number, platform: PlatformConfig, engine: string | undefined, checkShape = false): ServiceDigest {
  try {
    return digestOf(organisation.at(index), platform, engine, checkShape);
  } catch (error) {
    return unbuiltDigest(unbuiltIssue(organisation.names[index]!, error));
  }
}

/** The digest of a service whose stack could not be built: its issue, and nothing else to check. */
function unbuiltDigest(issue: ValidationIssue): ServiceDigest {
  return {
    service: issue.service, modelIssues: [], broken: true, alertNames: [], dashboardUids: [], hasWorkloads: false, alerts: 0, dashboards: 0,
    alertmanager: { error: issue.value as string }, buildIssue: issue,
  };
}

/** A stack from JavaScript may hold anything there; its shape is reported by stackShapeIssues. */
function listOf<T>(items: readonly T[]): readonly T[] {
  return Array.isArray(items) ? items : [];
}
