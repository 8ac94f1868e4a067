import type { ServiceSpec, WorkloadSpec } from '../../../lib/core/service.js';

/** One good service definition; bad-input tests break one field of it at a time. */
export const goodWorkload: WorkloadSpec = {
  name: 'api',
  port: 8000,
  image: { repository: 'ghcr.io/example-org/api', tag: 'v1' },
  replicas: 2,
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '70%' },
};

export const goodService: ServiceSpec = {
  name: 'shop-api',
  title: 'Shop API',
  alertPrefix: 'Shop',
  team: 'shop',
  workloads: [goodWorkload],
  dependencies: [{ name: 'postgresql', kind: 'postgresql', port: 5432, inCluster: { podLabels: { app: 'postgresql' } } }],
};

export function withWorkload(patch: Partial<Record<keyof WorkloadSpec, unknown>>): ServiceSpec {
  return { ...goodService, workloads: [{ ...goodWorkload, ...patch } as WorkloadSpec] };
}
