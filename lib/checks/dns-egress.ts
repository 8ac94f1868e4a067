import type { ValidationIssue } from '../core/issues.js';
import { allows, describePeer, policiesRestricting } from './network-policy-rules.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/**
 * Pods whose egress is restricted (default deny) can still resolve names: some policy lets them reach
 * the cluster DNS pods on UDP 53 and on TCP 53 (DNS falls back to TCP for large answers).
 *
 *   networkpolicies.api.egress: 'UDP 53' is invalid; allowed: egress to the cluster DNS (namespace kube-system, pods k8s-app=kube-dns)
 *     on UDP and TCP port 53: api-default-deny, api-allow-egress restrict egress of the api pods ...
 */
export function dnsEgressIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const { dns } = rendered.platform;
  const issues: ValidationIssue[] = [];
  for (const workload of rendered.stack.service.workloads) {
    const policies = policiesRestricting(rendered, workload.name, 'Egress');
    if (policies.length === 0) continue;
    const missing = (['UDP', 'TCP'] as const).filter((protocol) =>
      !allows(policies, { direction: 'Egress', peer: dns, port: 53, protocol, namespace: rendered.stack.service.namespace }));
    if (missing.length === 0) continue;
    issues.push(issue(`networkpolicies.${workload.name}.egress`, missing.map((p) => `${p} 53`).join(' and '),
      `egress to the cluster DNS (${describePeer(dns)}) on UDP and TCP port 53: ${policies.map((p) => p.name).join(', ')} restrict ` +
      `egress of the ${workload.name} pods, and without DNS they cannot resolve any dependency`));
  }
  return issues;
}
