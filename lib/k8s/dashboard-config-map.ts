import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { DashboardModel } from '../core/index.js';
import { requireDnsLabel, requireDnsSubdomain } from './labels.js';

/**
 * `kubectl apply` (client-side) stores the whole object in the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation, and all annotations of an object together may hold at most 256 KiB. A dashboard ConfigMap
 * larger than that applies once and then breaks every later apply, so we refuse it at synth time.
 */
export const MAX_DASHBOARD_CONFIG_MAP_BYTES = 256 * 1024;

/** Properties of a {@link DashboardConfigMap}. */
export interface DashboardConfigMapProps {
  /** The dashboard, already built into its JSON model. */
  readonly dashboard: DashboardModel;
  /** Name of the service the dashboard belongs to (for error messages). */
  readonly serviceName: string;
  /** Namespace the Grafana sidecar watches. */
  readonly namespace: string;
  /** Label(s) the Grafana sidecar selects dashboard ConfigMaps by, e.g. `grafana_dashboard: "1"`. */
  readonly sidecarLabel: Readonly<Record<string, string>>;
  /** Annotation key the sidecar reads the folder from, e.g. `grafana_folder`. */
  readonly folderAnnotation: string;
  /** Grafana folder to put the dashboard in, normally the service title. */
  readonly folder: string;
  /**
   * Largest accepted size of the serialized ConfigMap, in bytes.
   * @default MAX_DASHBOARD_CONFIG_MAP_BYTES (256 KiB)
   */
  readonly maxBytes?: number;
}

/**
 * A ConfigMap `grafana-dashboard-<uid>` holding one dashboard as `<uid>.json`, picked up by the Grafana
 * sidecar (kube-prometheus-stack) through its label and filed into the folder named by the annotation.
 */
export class DashboardConfigMap extends Construct {
  // ApiObject, not k8s.KubeConfigMap: the public declarations never load cdk8s-plus-28's (see hpa.ts).
  readonly apiObject: ApiObject;
  /** Size of the serialized ConfigMap in bytes (what `last-applied-configuration` would hold). */
  readonly sizeBytes: number;

  constructor(scope: Construct, id: string, props: DashboardConfigMapProps) {
    super(scope, id);
    const { uid } = props.dashboard;
    const name = `grafana-dashboard-${uid}`;
    requireDnsSubdomain(`dashboards[${uid}].uid`, uid);
    requireDnsSubdomain('name', name);
    requireDnsLabel('namespace', props.namespace);

    this.apiObject = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name,
        namespace: props.namespace,
        labels: { ...props.sidecarLabel },
        annotations: { [props.folderAnnotation]: props.folder },
      },
      // Compact: the same dashboard is written indented as dashboards/<uid>.json for people to read; the
      // sidecar only parses it, and the ConfigMap stays a third of the size (and further under the limit).
      data: { [`${uid}.json`]: JSON.stringify(props.dashboard.json) },
    });

    this.sizeBytes = Buffer.byteLength(JSON.stringify(this.apiObject.toJson()), 'utf8');
    const limit = props.maxBytes ?? MAX_DASHBOARD_CONFIG_MAP_BYTES;
    if (this.sizeBytes > limit) {
      throw new Error(
        `service '${props.serviceName}': dashboard '${uid}' makes ConfigMap '${name}' ${kib(this.sizeBytes)} (${this.sizeBytes} bytes), ` +
          `over the ${kib(limit)} limit (${limit} bytes): client-side kubectl apply would fail on the last-applied-configuration ` +
          'annotation. Split the dashboard or trim its panels.',
      );
    }
  }
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
