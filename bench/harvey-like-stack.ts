import { defineService, type ServiceStack } from '../lib/core/index.js';
import { harveyLikeStack as harveyLike } from '../stacks/harvey-backend.js';
import { harveyBackendSpec } from '../stacks/harvey-backend.service.js';

/** The generated name of bench service `index`: `svc-00042`. */
export function benchServiceName(index: number): string {
  return `svc-${String(index).padStart(5, '0')}`;
}

/**
 * Bench service `index`: Harvey Backend's stack (stacks/harvey-backend.ts: same packs, runbooks, two SLOs,
 * two dashboards, HPA, NetworkPolicies, procedures) over its service spec under a generated name, so N of
 * them make an organisation of N Harvey-sized services. `variant` changes one threshold (the CPU alert),
 * for the one-changed-service runs.
 */
export function harveyLikeStack(index: number, variant = 0): ServiceStack {
  const name = benchServiceName(index);
  const service = defineService({
    ...harveyBackendSpec, name, title: `Service ${index}`, alertPrefix: `Svc${index}`, team: `team-${index % 50}`,
    workloads: harveyBackendSpec.workloads.map((w) => ({ ...w, name, image: { ...w.image, repository: `ghcr.io/example-org/${name}` } })),
  });
  return harveyLike(service, { cpuAbove: variant === 0 ? '80%' : '85%' });
}
