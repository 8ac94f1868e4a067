import type { AlertSpec } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import type { DurationText, PercentText } from '../lib/core/units.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';
import { histogramLatencyAlert, type HistogramLatencyOptions } from './histogram-latency.js';

export interface ErrorRateOptions extends CommonAlertOptions {
  /** Share of 5xx responses, e.g. `'5%'`. */
  readonly above: PercentText;
  /** @default '5m' */
  readonly window?: DurationText;
  /** @default '<Prefix>HighErrorRate' */
  readonly name?: string;
  /**
   * Traffic floor: requests the job must have served within the window for the alert to fire. Required
   * (a number, or `'none'` to say so) when the threshold is below {@link LOW_ERROR_RATE} and the alert
   * pages or opens a ticket: at 0.1% or 1%, one failed request among a few hundred at night is over the
   * threshold. @default no floor for thresholds of 5% and more, and for info alerts
   */
  readonly minRequests?: number | 'none';
}

/** Below this error-rate threshold, a paging or ticketing alert needs an explicit traffic floor (`minRequests`). */
export const LOW_ERROR_RATE = 0.05;

export interface HttpGoldenSignalsOptions {
  readonly workload: string;
  readonly latency?: Omit<HistogramLatencyOptions, 'workload' | 'metric' | 'group' | 'subject'>;
  readonly errors?: ErrorRateOptions;
}

/**
 * Latency and errors of an HTTP API from `http_requests_total` / `http_request_duration_seconds`,
 * selected by `job` only, so the same rules work on Kubernetes and on plain hosts.
 */
export function httpGoldenSignalsAlerts(service: Service, options: HttpGoldenSignalsOptions): AlertSpec[] {
  const alerts: AlertSpec[] = [];
  const { workload } = options;
  if (options.latency) {
    alerts.push(histogramLatencyAlert(service, { ...options.latency, workload }, {
      meaning: `Requests to ${service.title} are slow: the share of slow requests is larger than the quantile allows. Users wait or time out.`,
      why: `The quantile is computed from histogram buckets, so the threshold is a bucket bound and exact; ${options.latency.for} of persistence ignores single slow bursts.`,
      diagnose: [
        'Find the slow handlers: `histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="' + (service.workloads.find((w) => w.name === workload) ?? service.workloads[0])?.job + '"}[5m])))`',
        `Check CPU and memory of the pods: \`kubectl top pods -n ${service.namespace}\``,
      ],
      act: [`Scale out: \`kubectl scale deployment ${workload} --replicas=<n> -n ${service.namespace}\` (the HPA may take it back later).`],
    }));
  }
  if (options.errors) alerts.push(errorRateAlert(service, workload, options.errors));
  return alerts;
}

function errorRateAlert(service: Service, workloadName: string, options: ErrorRateOptions): AlertSpec {
  const { issues } = service;
  const name = alertName(service, options.name, 'HighErrorRate');
  const workload = service.workload(workloadName, `alerts.${name}.workload`);
  const threshold = issues.ratioFromPercent(`alerts.${name}.above`, options.above);
  const window = issues.duration(`alerts.${name}.window`, options.window ?? '5m');
  const minRequests = trafficFloor(service, name, options, threshold.value);
  const floorWhy = minRequests === undefined ? '' :
    ` Only with at least ${minRequests} requests within ${window.text}: below that a single failed request is more than ${threshold}, which is noise, not an error rate.`;
  return buildAlert(service, options, {
    name,
    group: 'http',
    signal: { kind: 'errorRatio', job: workload.job, threshold, window, ...(minRequests !== undefined && { minRequests }) },
    summary: `${service.title} 5xx error rate above ${threshold}`,
    description: `{{ $value | humanizePercentage }} of ${service.title} responses are 5xx (threshold ${threshold}).`,
    runbook: {
      meaning: `More than ${threshold} of the requests to ${service.title} end in a server error (5xx).`,
      why: `Computed as 5xx over all responses; with no traffic the ratio is undefined and stays silent. ${options.for} of persistence skips single bursts.${floorWhy}`,
      diagnose: [
        `Find the failing handlers: \`sum by (handler) (rate(http_requests_total{job="${workload.job}",status=~"5.."}[5m]))\``,
        `Read the errors in the logs: \`kubectl logs -n ${service.namespace} deployment/${workload.name} --tail=200 | grep -i error\``,
      ],
      act: ['If the errors started with a deploy, roll it back first and investigate after.'],
    },
  });
}

/** The traffic floor of an error-rate alert: required below LOW_ERROR_RATE unless the alert is informational. */
function trafficFloor(service: Service, name: string, options: ErrorRateOptions, threshold: number): number | undefined {
  const field = `alerts.${name}.minRequests`;
  const input: unknown = options.minRequests;
  if (input === 'none') return undefined;
  if (input === undefined) {
    const informational = options.level?.severity === 'info';
    service.issues.check(threshold >= LOW_ERROR_RATE || informational, field, input,
      `a traffic floor for an error rate below ${LOW_ERROR_RATE * 100}% that notifies: a whole number of requests within the window, such as 1000 ` +
      "(one failed request among a few hundred is already over the threshold), or 'none' to alert on any traffic");
    return undefined;
  }
  const ok = typeof input === 'number' && Number.isInteger(input) && input > 0;
  service.issues.check(ok, field, input, "a positive whole number of requests within the window, such as 1000, or 'none'");
  return ok ? (input as number) : undefined;
}
