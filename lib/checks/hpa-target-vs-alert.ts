import type { ResourceUtilisationSignal } from '../core/alert.js';
import type { ValidationIssue } from '../core/issues.js';
import type { Workload } from '../core/service.js';
import { roundFloat } from '../core/units.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/**
 * The HPA must scale out before the resource alert fires. The two percentages have different bases
 * (the HPA's utilisation is relative to the container **request**, the alert's to the **limit**,
 * the service contract), so they are compared as amounts per pod: request x target < limit x threshold.
 *
 *   workloads.api.autoscaling.cpuUtilization: '90%' is invalid; allowed: a target below what alert ShopHighCPU fires at,
 *     compared per pod: the HPA aims for 90% of the 1000m CPU request = 900m, the alert fires at 80% of the 1000m CPU limit = 800m ...
 */
export function hpaTargetVsAlertIssues(rendered: RenderedService): ValidationIssue[] {
  const { service, alerts } = rendered.stack;
  const issue = issueFactory(service.name);
  const issues: ValidationIssue[] = [];
  for (const workload of service.workloads) {
    for (const resource of ['cpu', 'memory'] as const) {
      const target = resource === 'cpu' ? workload.autoscaling?.cpuUtilization : workload.autoscaling?.memoryUtilization;
      if (!target) continue;
      const request = amount(workload, 'requests', resource);
      const limit = amount(workload, 'limits', resource);
      const hpaAt = request * target.ratio;
      const watching = alerts.map((a) => ({ name: a.name, signal: a.signal }))
        .filter((a): a is { name: string; signal: ResourceUtilisationSignal } =>
          a.signal.kind === 'resourceUtilisation' && a.signal.resource === resource && a.signal.workload.name === workload.name);
      for (const alert of watching) {
        const alertAt = limit * alert.signal.threshold.value;
        if (hpaAt < alertAt) continue;
        const label = resource === 'cpu' ? 'CPU' : 'memory';
        const highestTarget = roundFloat(Math.floor((alertAt / request) * 1000) / 10);
        issues.push(issue(`workloads.${workload.name}.autoscaling.${resource}Utilization`, target.toString(),
          `a target below what alert ${alert.name} fires at, compared per pod: the HPA aims for ${target} of the ` +
          `${show(resource, request)} ${label} request = ${show(resource, hpaAt)}, the alert fires at ${alert.signal.threshold} of the ` +
          `${show(resource, limit)} ${label} limit = ${show(resource, alertAt)} (HPA utilisation is relative to the request, the alert to ` +
          `the limit), so pods would alert before the HPA adds replicas; use a target under ${highestTarget}% or raise the alert threshold`));
      }
    }
  }
  return issues;
}

/** Cores or bytes. */
function amount(workload: Workload, kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): number {
  return resource === 'cpu' ? workload[kind].cpu.cores : workload[kind].memory.bytes;
}

function show(resource: 'cpu' | 'memory', value: number): string {
  return resource === 'cpu' ? `${roundFloat(Math.round(value * 10000) / 10)}m` : `${roundFloat(Math.round((value / 1024 ** 2) * 10) / 10)}Mi`;
}
