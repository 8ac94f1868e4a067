import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../lib/core/index.js';
import { WorkloadNetworkPolicies, type WorkloadNetworkPoliciesProps } from '../../../lib/k8s/network-policies.js';
import { manifestProblems } from '../../../lib/k8s/validate-manifest.js';

const good: WorkloadNetworkPoliciesProps = {
  workloadName: 'api',
  namespace: 'shop',
  httpPort: 8080,
  metricsPort: 9090,
  prometheus: DEFAULT_PLATFORM.prometheus,
  ingressController: DEFAULT_PLATFORM.ingressController,
  dns: DEFAULT_PLATFORM.dns,
};

function render(props: WorkloadNetworkPoliciesProps): Record<string, any>[] {
  const chart = new Chart(new App(), 'test');
  new WorkloadNetworkPolicies(chart, 'policies', props);
  return chart.toJson() as Record<string, any>[];
}

describe('WorkloadNetworkPolicies', () => {
  it('names the three policies after the workload and passes the NetworkPolicy schema', () => {
    const policies = render(good);
    expect(policies.map((p) => p.metadata.name)).toEqual(['api-default-deny', 'api-allow-ingress', 'api-allow-egress']);
    for (const p of policies) expect(manifestProblems(p)).toEqual([]);
  });

  it('admits user traffic on the HTTP port and scrapes on a separate metrics port', () => {
    const ingress = render(good)[1]!.spec.ingress as { ports: unknown[] }[];
    expect(ingress.map((rule) => rule.ports)).toEqual([[{ protocol: 'TCP', port: 8080 }], [{ protocol: 'TCP', port: 9090 }]]);
  });

  it('scrapes on the HTTP port when no metrics port is given', () => {
    const { metricsPort: _, ...props } = good;
    expect(render(props)[1]!.spec.ingress[1].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
  });

  it('omits except from an ipBlock that excludes nothing', () => {
    const egress = render({ ...good, dependencies: [{ name: 'api', kind: 'https', port: 443, external: { cidr: '203.0.113.0/24', except: [] } }] })[2]!.spec.egress;
    expect(egress[1]).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  it('refuses a port outside 1-65535, naming the field', () => {
    expect(() => render({ ...good, httpPort: 70000 })).toThrowError("'httpPort' (70000) must be an integer from 1 to 65535");
  });

  it('refuses a dependency that is neither in the cluster nor external', () => {
    expect(() => render({ ...good, dependencies: [{ name: 'ghost', kind: 'redis', port: 6379 }] })).toThrowError(
      "'dependencies.ghost' has neither inCluster nor external: cannot allow egress to it",
    );
  });
});
