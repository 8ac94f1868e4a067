import type { AlertSpec, RunbookEntry } from '../lib/core/alert.js';
import type { Service, Workload } from '../lib/core/service.js';
import type { DurationText, PercentText } from '../lib/core/units.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';

export interface ResourceAlertOptions extends CommonAlertOptions {
  /** Share of the container **limit**, e.g. `'80%'`. */
  readonly above: PercentText;
  /** CPU rate window. @default '5m' */
  readonly window?: DurationText;
}

export interface ContainerResourcesOptions {
  readonly workload: string;
  /** @default name '<Prefix>HighCPU' */
  readonly cpu?: ResourceAlertOptions;
  /** @default name '<Prefix>HighMemory' */
  readonly memory?: ResourceAlertOptions;
}

/**
 * Per-pod CPU and memory relative to the container limit (cAdvisor over kube-state-metrics).
 * Relative to the limit, not the request: the limit is where throttling and OOM kills start.
 */
export function containerResourcesAlerts(service: Service, options: ContainerResourcesOptions): AlertSpec[] {
  // Reported as the first alert's reference (both alerts share the workload).
  const owner = options.cpu ? options.cpu.name ?? `${service.alertPrefix}HighCPU` : options.memory?.name ?? `${service.alertPrefix}HighMemory`;
  const workload = service.workload(options.workload, `alerts.${owner}.workload`);
  const alerts: AlertSpec[] = [];
  if (options.cpu) alerts.push(resourceAlert(service, workload, 'cpu', options.cpu));
  if (options.memory) alerts.push(resourceAlert(service, workload, 'memory', options.memory));
  return alerts;
}

function resourceAlert(service: Service, workload: Workload, resource: 'cpu' | 'memory', options: ResourceAlertOptions): AlertSpec {
  const { issues } = service;
  const name = alertName(service, options.name, resource === 'cpu' ? 'HighCPU' : 'HighMemory');
  const threshold = issues.ratioFromPercent(`alerts.${name}.above`, options.above);
  const label = resource === 'cpu' ? 'CPU' : 'memory';
  const limit = resource === 'cpu' ? workload.limits.cpu.text : workload.limits.memory.text;
  return buildAlert(service, options, {
    name,
    group: 'resources',
    signal: {
      kind: 'resourceUtilisation', resource, namespace: service.namespace, workload, threshold,
      window: issues.duration(`alerts.${name}.window`, options.window ?? '5m'),
    },
    summary: `${service.title} pod {{ $labels.pod }} uses more than ${threshold} of its ${label} limit`,
    description: `Pod {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its ${label} limit (${limit}); threshold ${threshold}.`,
    runbook: resource === 'cpu' ? cpuRunbook(service, workload, limit) : memoryRunbook(service, workload, limit),
  });
}

function cpuRunbook(service: Service, workload: Workload, limit: string): RunbookEntry {
  return {
    meaning: `A ${workload.name} pod is close to its CPU limit (${limit}); the kernel throttles it there and latency grows.`,
    why: 'Measured against the limit, where throttling starts. The HPA scales on the request earlier, so this fires only when scaling did not keep up.',
    diagnose: [
      `See which pods are busy: \`kubectl top pods -n ${service.namespace} -l app.kubernetes.io/name=${workload.name}\``,
      `Check the autoscaler: \`kubectl get hpa ${workload.name} -n ${service.namespace}\` (at maxReplicas?)`,
    ],
    act: [`Scale out by hand if the HPA is at its maximum: \`kubectl scale deployment ${workload.name} --replicas=<n> -n ${service.namespace}\`.`],
  };
}

function memoryRunbook(service: Service, workload: Workload, limit: string): RunbookEntry {
  return {
    meaning: `A ${workload.name} pod's working set is close to its memory limit (${limit}); at the limit the kernel OOM-kills it.`,
    why: 'The working set is what the OOM killer looks at; the margin left below the limit gives time to act before a kill.',
    diagnose: [
      `Look for OOM kills and restarts: \`kubectl get pods -n ${service.namespace} -l app.kubernetes.io/name=${workload.name}\` and \`kubectl describe pod <pod> -n ${service.namespace}\``,
      'Compare with the last deploy: a steady climb after a release points at a leak.',
    ],
    act: ['Restart the leaking pod (`kubectl delete pod <pod>`) to buy time; raise the limit in the stack if the growth is real load.'],
  };
}
