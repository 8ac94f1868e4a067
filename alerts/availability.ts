import type { AlertSpec } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';

export interface AvailabilityOptions extends CommonAlertOptions {
  /** The workload whose scrape targets are watched. */
  readonly workload: string;
  /**
   * A second, lighter alert when some targets are down for long while others serve: a replica that never
   * becomes ready or crash-loops behind healthy siblings. Its `for` should exceed the workload's start-up
   * time (Prometheus scrapes pods that are not ready yet). Its annotation names the instance, and
   * Alertmanager mutes it while the no-healthy-target alert fires (inhibit rule on `service`, `job`).
   * @default name: the main name with `Down` → `InstanceDown` (`HarveyBackendDown` → `HarveyBackendInstanceDown`)
   */
  readonly instanceDown?: CommonAlertOptions;
}

/**
 * `<Prefix>Down`: the workload has no healthy target: every target reports `up == 0`, or none is left in
 * Prometheus at all (a deleted Deployment or a broken ServiceMonitor must not look healthy). One replica
 * among several missing scrapes is not an outage and does not page: that is `instanceDown`.
 */
export function availabilityAlerts(service: Service, options: AvailabilityOptions): AlertSpec[] {
  const name = alertName(service, options.name, 'Down');
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  const down = buildAlert(service, options, {
    name,
    group: 'availability',
    signal: { kind: 'targetDown', job: workload.job },
    summary: `${service.title} is down`,
    description: `Prometheus cannot scrape any target of job ${workload.job} (all down or missing): ${service.title} is not answering.`,
    runbook: {
      meaning: `No target of \`${workload.job}\` can be scraped: its pods are not running, not ready, or not answering on port ${workload.port}. Users get errors or timeouts.`,
      why: 'Only when no target is healthy (or none is left): one replica missing scrapes while others serve is the instance-down warning, not an outage. ' +
        'A scrape fails now and then; consecutive failures over the whole `for` mean the service is really unreachable.',
      diagnose: [
        `List the pods and their restarts: \`kubectl get pods -n ${service.namespace} -l app.kubernetes.io/name=${workload.name}\``,
        `Read the events of a failing pod: \`kubectl describe pod -n ${service.namespace} <pod>\` (CrashLoopBackOff, OOMKilled, image pull errors).`,
        `Read the last logs: \`kubectl logs -n ${service.namespace} deployment/${workload.name} --tail=100\``,
      ],
      act: [
        `If a deploy just happened, roll it back (see the service's deploy procedure) and watch \`kubectl rollout status ${workload.kind.toLowerCase()}/${workload.name} -n ${service.namespace}\`.`,
      ],
    },
  });
  if (!options.instanceDown) return [down];
  const instanceName = alertName(service, options.instanceDown.name ?? `${name.replace(/Down$/, '')}InstanceDown`, 'InstanceDown');
  const instance = buildAlert(service, options.instanceDown, {
    name: instanceName,
    group: 'availability',
    signal: { kind: 'instanceDown', job: workload.job },
    summary: `${service.title}: target {{ $labels.instance }} of ${workload.job} is down`,
    description: `Prometheus cannot scrape {{ $labels.instance }} (job ${workload.job}) while other targets answer: one replica of ${service.title} is down, not ready, or crash-looping.`,
    runbook: {
      meaning: `One replica of \`${workload.name}\` (the instance in the alert) cannot be scraped while others still serve: capacity is reduced, users are not cut off yet.`,
      why: `Longer than the workload's start-up time: Prometheus scrapes pods that are not ready yet, so a replica that is down for a start-up window is normal; one down for the whole \`for\` does not come up by itself. Muted while no target at all is healthy (${name}).`,
      diagnose: [
        `Find the pod behind the instance: \`kubectl get pods -n ${service.namespace} -l app.kubernetes.io/name=${workload.name} -o wide\` (the instance is <pod IP>:${workload.port}).`,
        `Read its events and logs: \`kubectl describe pod -n ${service.namespace} <pod>\`, \`kubectl logs -n ${service.namespace} <pod> --tail=100\` (readiness failures, CrashLoopBackOff, OOMKilled).`,
      ],
      act: [
        `Delete the stuck pod so its ReplicaSet replaces it: \`kubectl delete pod -n ${service.namespace} <pod>\`.`,
        'If every new pod fails the same way, stop the rollout and roll back before the healthy replicas are replaced too.',
      ],
    },
  });
  return [{ ...instance, inhibitedBy: { alert: name, equal: ['service', 'job'] } }, down];
}
