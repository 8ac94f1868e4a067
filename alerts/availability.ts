import type { AlertSpec } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';

export interface AvailabilityOptions extends CommonAlertOptions {
  /** The workload whose scrape target is watched. */
  readonly workload: string;
}

/**
 * `<Prefix>Down`: the workload's scrape target reports `up == 0`, or has vanished from Prometheus
 * altogether (a deleted Deployment or a broken ServiceMonitor must not look healthy).
 */
export function availabilityAlerts(service: Service, options: AvailabilityOptions): AlertSpec[] {
  const name = alertName(service, options.name, 'Down');
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  return [buildAlert(service, options, {
    name,
    group: 'availability',
    signal: { kind: 'targetDown', job: workload.job },
    summary: `${service.title} is down`,
    description: `Prometheus cannot scrape job ${workload.job} (target down or missing): ${service.title} is not answering.`,
    runbook: {
      meaning: `Prometheus cannot scrape \`${workload.job}\`: its pods are not running, not ready, or not answering on port ${workload.port}. Users get errors or timeouts.`,
      why: 'A scrape fails now and then; one minute of consecutive failures (several scrapes) means the service is really unreachable.',
      diagnose: [
        `List the pods and their restarts: \`kubectl get pods -n ${service.namespace} -l app.kubernetes.io/name=${workload.name}\``,
        `Read the events of a failing pod: \`kubectl describe pod -n ${service.namespace} <pod>\` (CrashLoopBackOff, OOMKilled, image pull errors).`,
        `Read the last logs: \`kubectl logs -n ${service.namespace} deployment/${workload.name} --tail=100\``,
      ],
      act: [
        `If a deploy just happened, roll it back (see the service's deploy procedure) and watch \`kubectl rollout status ${workload.kind.toLowerCase()}/${workload.name} -n ${service.namespace}\`.`,
      ],
    },
  })];
}
