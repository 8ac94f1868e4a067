import { describe, expect, it } from 'vitest';
import { hpaTargetVsAlertIssues } from '../../../lib/checks/hpa-target-vs-alert.js';
import { shopStack, shopWorkload } from '../../bad-input/fixture.js';
import { rendered } from './fixture.js';

const check = (workload: Record<string, unknown>, cpuAbove = '80%') =>
  hpaTargetVsAlertIssues({ ...rendered(), stack: shopStack({ workload, cpu: { above: cpuAbove } }) });

describe('hpaTargetVsAlertIssues', () => {
  it('accepts the good fixture: 70% of a 250m request (175m) is well below 80% of a 1000m limit (800m)', () => {
    expect(check({})).toEqual([]);
  });

  it('compares per pod in cores, not percent with percent: 90% of the request can be below 80% of the limit', () => {
    expect(check({ autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '90%' } })).toEqual([]);
  });

  it('refuses a target the pods reach only after the alert fires, with both amounts and the highest target that works', () => {
    const resources = { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } };
    expect(check({ resources, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '85%' } })).toEqual([{
      service: 'shop-api', field: 'workloads.api.autoscaling.cpuUtilization', value: '85%',
      allowed: 'a target below what alert ShopHighCPU fires at, compared per pod: the HPA aims for 85% of the 500m CPU request = 425m, ' +
        'the alert fires at 80% of the 500m CPU limit = 400m (HPA utilisation is relative to the request, the alert to the limit), ' +
        'so pods would alert before the HPA adds replicas; use a target under 80% or raise the alert threshold',
    }]);
  });

  it('refuses equal amounts too: the HPA must act before the alert', () => {
    const resources = { requests: { cpu: '1', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(check({ resources, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '80%' } }).map((i) => i.value)).toEqual(['80%']);
  });

  it('compares memory the same way, in MiB', () => {
    const resources = { ...shopWorkload.resources, requests: { cpu: '250m', memory: '1Gi' } };
    const issues = check({ resources, autoscaling: { minReplicas: 2, maxReplicas: 4, memoryUtilization: '95%' } });
    expect(issues.map((i) => [i.field, i.allowed.split(' (HPA')[0]])).toEqual([[
      'workloads.api.autoscaling.memoryUtilization',
      'a target below what alert ShopHighMemory fires at, compared per pod: the HPA aims for 95% of the 1024Mi memory request = 972.8Mi, the alert fires at 90% of the 1024Mi memory limit = 921.6Mi',
    ]]);
  });
});
