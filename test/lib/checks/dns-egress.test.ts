import { describe, expect, it } from 'vitest';
import { dnsEgressIssues } from '../../../lib/checks/dns-egress.js';
import { manifest, rendered, withManifests } from './fixture.js';

const shop = rendered();
const change = (edit: (egress: Record<string, any>[]) => void) => dnsEgressIssues(withManifests(shop, (manifests) => {
  edit(manifest(manifests, 'networkpolicy-api-allow-egress.yaml').spec.egress);
  return manifests;
}));

describe('dnsEgressIssues', () => {
  it('accepts the good fixture: DNS on UDP and TCP 53 to kube-dns', () => {
    expect(dnsEgressIssues(shop)).toEqual([]);
  });

  it('refuses default-deny egress without UDP 53, naming the policies', () => {
    expect(change((egress) => { egress[0]!.ports = egress[0]!.ports.filter((p: { protocol: string }) => p.protocol === 'TCP'); })).toEqual([{
      service: 'shop-api', field: 'networkpolicies.api.egress', value: 'UDP 53',
      allowed: 'egress to the cluster DNS (namespace kube-system, pods k8s-app=kube-dns) on UDP and TCP port 53: ' +
        'api-default-deny, api-allow-egress restrict egress of the api pods, and without DNS they cannot resolve any dependency',
    }]);
  });

  it('refuses DNS egress to pods that are not the cluster DNS', () => {
    expect(change((egress) => { egress[0]!.to[0].podSelector.matchLabels = { 'k8s-app': 'coredns-custom' }; }).map((i) => i.value)).toEqual(['UDP 53 and TCP 53']);
  });

  it('accepts egress rules without ports or peers, and pods whose egress nothing restricts', () => {
    expect(change((egress) => { delete egress[0]!.ports; })).toEqual([]);
    expect(dnsEgressIssues({ ...shop, manifests: shop.manifests.filter((m) => m.object.kind !== 'NetworkPolicy') })).toEqual([]);
  });
});
