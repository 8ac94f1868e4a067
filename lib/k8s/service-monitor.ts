import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Duration } from '../core/index.js';
import { requireDnsLabel, WORKLOAD_NAME_LABEL } from './labels.js';

/** Properties of a {@link WorkloadServiceMonitor}. */
export interface WorkloadServiceMonitorProps {
  /** Workload whose Service (label `app.kubernetes.io/name: <workloadName>`) is scraped; also the object name. */
  readonly workloadName: string;
  /** Namespace of the workload's Service; the ServiceMonitor sits beside it. */
  readonly namespace: string;
  /** Value of the `job` label on every scraped series; alert rules select by it. */
  readonly job: string;
  /** HTTP path of the metrics endpoint, e.g. `/metrics`. */
  readonly metricsPath: string;
  /**
   * Labels the Prometheus operator's `serviceMonitorSelector` expects (e.g. kube-prometheus-stack's
   * `release: <helm release>`); without them the ServiceMonitor is silently ignored.
   */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Name of the Service port serving the metrics.
   * @default 'http'
   */
  readonly portName?: string;
  /**
   * Scrape interval.
   * @default 30s
   */
  readonly interval?: Duration;
}

/**
 * Rate windows in our rules are 5m or longer; a 30s scrape keeps every window >= 4x the scrape
 * interval (10 samples in 5m), so `rate()` always has enough points even when a scrape or two fails.
 */
export const DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(30);

/** A `monitoring.coreos.com/v1` ServiceMonitor scraping one workload's Service. */
export class WorkloadServiceMonitor extends Construct {
  readonly apiObject: ApiObject;
  readonly interval: Duration;

  constructor(scope: Construct, id: string, props: WorkloadServiceMonitorProps) {
    super(scope, id);
    requireDnsLabel('workloadName', props.workloadName);
    requireDnsLabel('namespace', props.namespace);
    if (props.job.trim() === '') throw new Error(`'job' of ServiceMonitor '${props.workloadName}' must be a non-empty string`);
    this.interval = props.interval ?? DEFAULT_SCRAPE_INTERVAL;

    const spec: IServiceMonitor['spec'] = {
      selector: { matchLabels: { [WORKLOAD_NAME_LABEL]: props.workloadName } },
      endpoints: [
        {
          port: props.portName ?? 'http',
          path: props.metricsPath,
          interval: this.interval.text,
          // The operator names the job after the Service, whose name depends on the Helm release; the
          // rules select on the job we modelled, so set it explicitly (user relabelings run last).
          relabelings: [{ action: 'replace', targetLabel: 'job', replacement: props.job }],
        },
      ],
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: props.workloadName, namespace: props.namespace, labels: { ...props.labels } },
      spec,
    });
  }
}
