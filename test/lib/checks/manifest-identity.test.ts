import { describe, expect, it } from 'vitest';
import { manifestIdentityIssues } from '../../../lib/checks/manifest-identity.js';
import { catalogStack, shopStack } from '../../bad-input/fixture.js';
import { rendered as renderedService } from './fixture.js';

/** What synth keeps of a rendered service for the checks across services. */
const rendered = (...args: Parameters<typeof renderedService>) => {
  const one = renderedService(...args);
  return { service: one.stack.service.name, manifests: one.manifests };
};

describe('manifestIdentityIssues', () => {
  it('accepts services whose objects have distinct names', () => {
    expect(manifestIdentityIssues([rendered(shopStack()), rendered(catalogStack())])).toEqual([]);
  });

  it('reports each copy of an object two services would both apply, under its own service', () => {
    const other = rendered(catalogStack({}, 'shop-api-performance'));
    expect(manifestIdentityIssues([rendered(shopStack()), other])).toEqual([
      {
        service: 'shop-api', field: 'k8s/configmap-grafana-dashboard-shop-api-performance.yaml', value: 'core/ConfigMap monitoring/grafana-dashboard-shop-api-performance',
        allowed: 'a (group, kind, namespace, name) no other manifest has (also written by catalog: k8s/configmap-grafana-dashboard-shop-api-performance.yaml): applying both, one would replace the other',
      },
      {
        service: 'catalog', field: 'k8s/configmap-grafana-dashboard-shop-api-performance.yaml', value: 'core/ConfigMap monitoring/grafana-dashboard-shop-api-performance',
        allowed: 'a (group, kind, namespace, name) no other manifest has (also written by shop-api: k8s/configmap-grafana-dashboard-shop-api-performance.yaml): applying both, one would replace the other',
      },
    ]);
  });

  it('tells apart objects of the same name in other namespaces', () => {
    const shop = rendered(shopStack());
    const elsewhere = rendered(shopStack({ service: { name: 'shop-staging', namespace: 'staging' }, dashboardUid: 'shop-staging' }));
    expect(manifestIdentityIssues([shop, elsewhere])).toEqual([]);
  });

  it('tells apart objects of the same kind and name in other API groups, and counts the core group as one', () => {
    const shop = rendered(shopStack());
    const object = (apiVersion: string, kind: string) => ({ file: `${kind.toLowerCase()}-x.yaml`, object: { apiVersion, kind, metadata: { name: 'x', namespace: 'production' } } });
    const a = { ...shop, manifests: [object('monitoring.coreos.com/v1', 'PrometheusRule'), object('v1', 'ConfigMap')] };
    const b = { service: catalogStack().service.name, manifests: [object('example.com/v1alpha1', 'PrometheusRule'), object('v1', 'ConfigMap')] };
    expect(manifestIdentityIssues([a, b]).map((i) => [i.service, i.value])).toEqual([['shop-api', 'core/ConfigMap production/x'], ['catalog', 'core/ConfigMap production/x']]);
  });
});
