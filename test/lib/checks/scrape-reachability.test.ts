import { describe, expect, it } from 'vitest';
import { scrapeReachabilityIssues } from '../../../lib/checks/scrape-reachability.js';
import { manifest, rendered, withManifests } from './fixture.js';

const shop = rendered();
const change = (edit: (m: Parameters<typeof manifest>[0]) => void) => scrapeReachabilityIssues(withManifests(shop, (manifests) => {
  edit(manifests);
  return manifests;
}));

describe('scrapeReachabilityIssues', () => {
  it('accepts the good fixture: the http port exists and the allow-ingress policy admits Prometheus on it', () => {
    expect(scrapeReachabilityIssues(shop)).toEqual([]);
  });

  it('refuses a ServiceMonitor port the workload does not expose', () => {
    expect(change((m) => { manifest(m, 'servicemonitor-api.yaml').spec.endpoints[0].port = 'metrics'; })).toEqual([{
      service: 'shop-api', field: 'k8s/servicemonitor-api.yaml', value: 'metrics', allowed: "a port the Service of api exposes: 'http' (8000)",
    }]);
  });

  it('refuses a metrics path the workload does not serve', () => {
    expect(change((m) => { manifest(m, 'servicemonitor-api.yaml').spec.endpoints[0].path = '/prometheus'; }).map((i) => [i.value, i.allowed])).toEqual([
      ['/prometheus', "the path api serves metrics on: '/metrics'"],
    ]);
  });

  it('refuses a ServiceMonitor selecting no workload of the service', () => {
    expect(change((m) => { manifest(m, 'servicemonitor-api.yaml').spec.selector.matchLabels['app.kubernetes.io/name'] = 'apl'; }).map((i) => i.value)).toEqual(['apl']);
  });

  it('refuses NetworkPolicies that restrict ingress without admitting Prometheus on the metrics port', () => {
    const issues = change((m) => {
      const rules = manifest(m, 'networkpolicy-api-allow-ingress.yaml').spec.ingress;
      rules[rules.length - 1].ports[0].port = 9090;
    });
    expect(issues).toEqual([{
      service: 'shop-api', field: 'networkpolicies.api.ingress', value: 'TCP 8000 from Prometheus',
      allowed: 'a NetworkPolicy rule admitting Prometheus (namespace monitoring, pods app.kubernetes.io/name=prometheus) on TCP 8000: ' +
        'api-default-deny, api-allow-ingress restrict ingress to the api pods and none admits it, so every scrape would time out',
    }]);
  });

  it('refuses a Prometheus peer in the wrong namespace', () => {
    expect(change((m) => {
      const rules = manifest(m, 'networkpolicy-api-allow-ingress.yaml').spec.ingress;
      rules[rules.length - 1].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = 'observability';
    }).map((i) => i.field)).toEqual(['networkpolicies.api.ingress']);
  });

  it('accepts a rule with no peers or no ports (it admits everyone or every port), and no ingress policy at all', () => {
    expect(change((m) => { delete manifest(m, 'networkpolicy-api-allow-ingress.yaml').spec.ingress.at(-1).from; })).toEqual([]);
    expect(change((m) => { delete manifest(m, 'networkpolicy-api-allow-ingress.yaml').spec.ingress.at(-1).ports; })).toEqual([]);
    expect(scrapeReachabilityIssues({ ...shop, manifests: shop.manifests.filter((x) => x.object.kind !== 'NetworkPolicy') })).toEqual([]);
  });

  it('accepts the named port http in a policy', () => {
    expect(change((m) => { manifest(m, 'networkpolicy-api-allow-ingress.yaml').spec.ingress.at(-1).ports[0].port = 'http'; })).toEqual([]);
  });
});
