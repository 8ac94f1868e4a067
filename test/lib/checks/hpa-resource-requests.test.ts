import { describe, expect, it } from 'vitest';
import { hpaResourceRequestIssues } from '../../../lib/checks/hpa-resource-requests.js';
import type { HelmValues } from '../../../lib/render/helm/values.js';
import { rendered } from './fixture.js';

const shop = rendered();

describe('hpaResourceRequestIssues', () => {
  it('accepts the good fixture, whose Helm values request the CPU the HPA scales on', () => {
    expect(hpaResourceRequestIssues(shop)).toEqual([]);
  });

  it('refuses a utilisation target on a resource the workload does not request', () => {
    const values = structuredClone(shop.helmValues.get('api')!) as HelmValues;
    delete (values.resources.requests as Partial<Record<string, string>>).cpu;
    expect(hpaResourceRequestIssues({ ...shop, helmValues: new Map([['api', values]]) })).toEqual([{
      service: 'shop-api', field: 'k8s/horizontalpodautoscaler-api.yaml', value: 'cpu',
      allowed: 'a resource with a request in helm/api.values.yaml (resources.requests.cpu): HPA utilisation is usage divided by the request, so without one the HPA cannot compute it and never scales',
    }]);
  });

  it('refuses an HPA scaling a workload without Helm values', () => {
    expect(hpaResourceRequestIssues({ ...shop, helmValues: new Map() }).map((i) => i.allowed.split(':')[0])).toEqual([
      'a resource with a request in helm/api.values.yaml (resources.requests.cpu)',
    ]);
  });
});
