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
}

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
  return buildAlert(service, options, {
    name,
    group: 'http',
    signal: { kind: 'errorRatio', job: workload.job, threshold, window: issues.duration(`alerts.${name}.window`, options.window ?? '5m') },
    summary: `${service.title} 5xx error rate above ${threshold}`,
    description: `{{ $value | humanizePercentage }} of ${service.title} responses are 5xx (threshold ${threshold}).`,
    runbook: {
      meaning: `More than ${threshold} of the requests to ${service.title} end in a server error (5xx).`,
      why: `Computed as 5xx over all responses; with no traffic the ratio is undefined and stays silent. ${options.for} of persistence skips single bursts.`,
      diagnose: [
        `Find the failing handlers: \`sum by (handler) (rate(http_requests_total{job="${workload.job}",status=~"5.."}[5m]))\``,
        `Read the errors in the logs: \`kubectl logs -n ${service.namespace} deployment/${workload.name} --tail=200 | grep -i error\``,
      ],
      act: ['If the errors started with a deploy, roll it back first and investigate after.'],
    },
  });
}
