import { describe, expect, it } from 'vitest';
import { secureDefaultIssues } from '../../../lib/checks/secure-defaults.js';
import type { HelmValues } from '../../../lib/render/helm/values.js';
import { shopStack } from '../../bad-input/fixture.js';
import { rendered } from './fixture.js';

const shop = rendered();
const withValues = (edit: (values: any) => void) => {
  const values = structuredClone(shop.helmValues.get('api')!) as HelmValues;
  edit(values);
  return secureDefaultIssues({ ...shop, helmValues: new Map([['api', values]]) });
};

describe('secureDefaultIssues', () => {
  it('accepts the good fixture: non-root, no privilege escalation, all capabilities dropped, read-only root filesystem', () => {
    expect(secureDefaultIssues(shop)).toEqual([]);
  });

  it('refuses a writable root filesystem the workload did not opt out of', () => {
    expect(withValues((v) => { v.securityContext.readOnlyRootFilesystem = false; })).toEqual([{
      service: 'shop-api', field: 'helm/api.values.yaml', value: 'securityContext.readOnlyRootFilesystem: false',
      allowed: 'true, unless workloads.api.readOnlyRootFilesystem opts out with a reason',
    }]);
  });

  it('accepts the opt-out with its reason, carried into the values', () => {
    const optedOut = rendered(shopStack({ workload: { readOnlyRootFilesystem: { enabled: false, reason: 'writes its model cache to /app/cache' } } }));
    expect(optedOut.helmValues.get('api')!.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(optedOut.helmValues.get('api')!.securityExceptions).toEqual({ readOnlyRootFilesystem: 'writes its model cache to /app/cache' });
    expect(secureDefaultIssues(optedOut)).toEqual([]);
  });

  it('refuses root, privilege escalation and kept capabilities, one issue each', () => {
    expect(withValues((v) => {
      v.podSecurityContext.runAsNonRoot = false;
      v.podSecurityContext.runAsUser = 0;
      v.securityContext.allowPrivilegeEscalation = true;
      v.securityContext.capabilities.drop = ['NET_RAW'];
    }).map((i) => `${i.value} -> ${i.allowed}`)).toEqual([
      'podSecurityContext.runAsNonRoot: false -> true: containers never run as root',
      'podSecurityContext.runAsUser: 0 -> a uid greater than 0',
      'securityContext.allowPrivilegeEscalation: true -> false',
      `securityContext.capabilities.drop: ["NET_RAW"] -> a list containing 'ALL'`,
    ]);
  });
});
