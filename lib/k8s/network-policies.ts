import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Dependency, PodPeer } from '../core/index.js';
import { NAMESPACE_NAME_LABEL, requireDnsLabel, requireInteger, requireLabels, WORKLOAD_NAME_LABEL } from './labels.js';

/** Properties of {@link WorkloadNetworkPolicies}. */
export interface WorkloadNetworkPoliciesProps {
  /** Workload whose pods (label `app.kubernetes.io/name: <workloadName>`) the policies select. */
  readonly workloadName: string;
  /** Namespace of the workload. */
  readonly namespace: string;
  /** Container port serving user HTTP traffic. */
  readonly httpPort: number;
  /**
   * Container port Prometheus scrapes.
   * @default httpPort
   */
  readonly metricsPort?: number;
  /** The Prometheus pods, allowed in on `metricsPort`. */
  readonly prometheus: PodPeer;
  /**
   * The ingress controller pods, allowed in on `httpPort`.
   * @default - no user traffic (the workload does not serve ingress)
   */
  readonly ingressController?: PodPeer;
  /** Cluster DNS pods, allowed out on UDP and TCP 53. */
  readonly dns: PodPeer;
  /**
   * Everything the workload calls: in-cluster pods by namespace and labels, external addresses by CIDR.
   * @default - no dependencies (DNS only)
   */
  readonly dependencies?: readonly Dependency[];
  /**
   * Labels of the NetworkPolicy objects themselves.
   * @default - no labels
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Three NetworkPolicies for one workload, following the default-deny pattern:
 * - `<workload>-default-deny`: selects the pods for Ingress and Egress with no rules, so anything not
 *   allowed below is dropped;
 * - `<workload>-allow-ingress`: the ingress controller on the HTTP port and Prometheus on the metrics port;
 * - `<workload>-allow-egress`: DNS, then each dependency on its TCP port.
 *
 * A namespace-plus-pods peer is always ONE `NetworkPolicyPeer` with both selectors (AND); two list
 * elements would mean "any pod in that namespace OR those pods in our own namespace".
 */
export class WorkloadNetworkPolicies extends Construct {
  // ApiObjects, not k8s.KubeNetworkPolicy: the public declarations never load cdk8s-plus-28's (see hpa.ts).
  readonly defaultDeny: ApiObject;
  readonly allowIngress: ApiObject;
  readonly allowEgress: ApiObject;
  /** The container port Prometheus is admitted on. */
  readonly metricsPort: number;

  constructor(scope: Construct, id: string, props: WorkloadNetworkPoliciesProps) {
    super(scope, id);
    requireDnsLabel('workloadName', props.workloadName);
    requireDnsLabel('namespace', props.namespace);
    requireInteger('httpPort', props.httpPort, 1, 65535);
    this.metricsPort = props.metricsPort ?? props.httpPort;
    requireInteger('metricsPort', this.metricsPort, 1, 65535);

    const podSelector: k8s.LabelSelector = { matchLabels: { [WORKLOAD_NAME_LABEL]: props.workloadName } };
    const metadata = (suffix: string): k8s.ObjectMeta => ({
      name: `${props.workloadName}-${suffix}`,
      namespace: props.namespace,
      ...(props.labels && { labels: { ...props.labels } }),
    });

    this.defaultDeny = new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: metadata('default-deny'),
      spec: { podSelector, policyTypes: ['Ingress', 'Egress'] },
    });

    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    if (props.ingressController) {
      ingress.push({ from: [podPeer(props.ingressController)], ports: [tcp(props.httpPort)] });
    }
    ingress.push({ from: [podPeer(props.prometheus)], ports: [tcp(this.metricsPort)] });
    this.allowIngress = new k8s.KubeNetworkPolicy(this, 'AllowIngress', {
      metadata: metadata('allow-ingress'),
      spec: { podSelector, policyTypes: ['Ingress'], ingress },
    });

    const egress: k8s.NetworkPolicyEgressRule[] = [
      // DNS answers over UDP, and falls back to TCP for large responses (truncation): allow both.
      { to: [podPeer(props.dns)], ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] },
    ];
    for (const dependency of props.dependencies ?? []) egress.push(dependencyRule(dependency));
    this.allowEgress = new k8s.KubeNetworkPolicy(this, 'AllowEgress', {
      metadata: metadata('allow-egress'),
      spec: { podSelector, policyTypes: ['Egress'], egress },
    });
  }
}

/** Pods in another namespace: namespace AND pod selector in a single peer. */
function podPeer(peer: PodPeer): k8s.NetworkPolicyPeer {
  requireDnsLabel('namespace of a peer', peer.namespace);
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } },
    podSelector: { matchLabels: { ...peer.podLabels } },
  };
}

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}

function dependencyRule(dependency: Dependency): k8s.NetworkPolicyEgressRule {
  requireInteger(`dependencies.${dependency.name}.port`, dependency.port, 1, 65535);
  if (dependency.inCluster) {
    const { namespace, podLabels } = dependency.inCluster;
    // `'all-pods'` is the stated choice of an empty pod selector; an empty record would be an accident.
    if (podLabels !== 'all-pods') requireLabels(`dependencies.${dependency.name}.inCluster.podLabels`, podLabels);
    requireDnsLabel(`dependencies.${dependency.name}.inCluster.namespace`, namespace);
    return { to: [podPeer({ namespace, podLabels: podLabels === 'all-pods' ? {} : podLabels })], ports: [tcp(dependency.port)] };
  }
  if (dependency.external) {
    const { cidr, except } = dependency.external;
    return { to: [{ ipBlock: { cidr, ...(except.length > 0 && { except: [...except] }) } }], ports: [tcp(dependency.port)] };
  }
  throw new Error(`'dependencies.${dependency.name}' has neither inCluster nor external: cannot allow egress to it`);
}
