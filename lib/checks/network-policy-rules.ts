import type { PodPeer } from '../core/platform.js';
import { NAMESPACE_NAME_LABEL, WORKLOAD_NAME_LABEL } from '../k8s/labels.js';
import { manifestsOfKind, type RenderedService } from './rendered-service.js';

/**
 * Just enough of the NetworkPolicy semantics to ask "may these pods talk to those on this port?" of
 * rendered manifests: label selectors (matchLabels, matchExpressions), peers (namespace AND pod
 * selector in one peer), ports (number, name, range) and the Ingress/Egress policy types. An ipBlock
 * peer only counts when it is 0.0.0.0/0 without exceptions (pod IPs are unknown at synth time).
 */
interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}
interface Peer {
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}
interface PolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}
interface PolicyRule {
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
  readonly ports?: readonly PolicyPort[];
}
export interface NetworkPolicySpec {
  readonly podSelector?: LabelSelector;
  readonly policyTypes?: readonly string[];
  readonly ingress?: readonly PolicyRule[];
  readonly egress?: readonly PolicyRule[];
}
export interface SelectingPolicy {
  readonly name: string;
  readonly file: string;
  readonly spec: NetworkPolicySpec;
}

export type Direction = 'Ingress' | 'Egress';

/** The NetworkPolicies restricting `direction` for the pods of a workload (labelled `app.kubernetes.io/name: <workload>`). */
export function policiesRestricting(rendered: RenderedService, workload: string, direction: Direction): SelectingPolicy[] {
  const namespace = rendered.stack.service.namespace;
  const podLabels = { [WORKLOAD_NAME_LABEL]: workload };
  return manifestsOfKind(rendered, 'NetworkPolicy')
    .map((m) => ({ file: m.file, metadata: (m.object.metadata ?? {}) as { name?: string; namespace?: string }, spec: (m.object.spec ?? {}) as NetworkPolicySpec }))
    .filter(({ metadata, spec }) => (metadata.namespace ?? namespace) === namespace && selects(spec.podSelector ?? {}, podLabels)
      && types(spec).includes(direction))
    .map(({ file, metadata, spec }) => ({ name: metadata.name ?? file, file, spec }));
}

export interface Connection {
  readonly direction: Direction;
  /** The pods at the other end. */
  readonly peer: PodPeer;
  /** Port on the receiving pods. */
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Name of that port on the receiving pods, when it has one (e.g. `http`). */
  readonly portName?: string;
  /** Namespace of the policies (a peer without namespaceSelector means this namespace). */
  readonly namespace: string;
}

/** Whether any of the policies lets the connection through. */
export function allows(policies: readonly SelectingPolicy[], c: Connection): boolean {
  return policies.some(({ spec }) => (c.direction === 'Ingress' ? spec.ingress : spec.egress)?.some((rule) => {
    const peers = c.direction === 'Ingress' ? rule.from : rule.to;
    const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, c.peer, c.namespace));
    const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, c.port, c.protocol, c.portName));
    return peerOk && portOk;
  }) ?? false);
}

/** How people read a peer: `namespace monitoring, pods app.kubernetes.io/name=prometheus`. */
export function describePeer(peer: PodPeer): string {
  const labels = Object.entries(peer.podLabels).map(([k, v]) => `${k}=${v}`).join(',');
  return `namespace ${peer.namespace}, pods ${labels || '(any)'}`;
}

function types(spec: NetworkPolicySpec): readonly string[] {
  // Without policyTypes, Kubernetes assumes Ingress, plus Egress when egress rules are present.
  return spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
}

function peerMatches(peer: Peer, target: PodPeer, policyNamespace: string): boolean {
  if (peer.ipBlock) return peer.ipBlock.cidr === '0.0.0.0/0' && (peer.ipBlock.except ?? []).length === 0;
  // A peer without namespaceSelector means pods of the policy's own namespace.
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, { [NAMESPACE_NAME_LABEL]: target.namespace })
    : target.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector ?? {}, target.podLabels);
}

function portMatches(p: PolicyPort, port: number, protocol: string, portName: string | undefined): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'string') return p.port === portName;
  return p.endPort !== undefined ? port >= p.port && port <= p.endPort : p.port === port;
}

function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In': return labels[key] !== undefined && values.includes(labels[key]);
      case 'NotIn': return labels[key] === undefined || !values.includes(labels[key]);
      case 'Exists': return labels[key] !== undefined;
      case 'DoesNotExist': return labels[key] === undefined;
      default: return false;
    }
  });
  return byLabels && byExpressions;
}
