import { describe, expect, it } from 'vitest';
import { formatIssue, formatIssues } from '../../../lib/core/issues.js';
import { defineService, type ServiceSpec } from '../../../lib/core/service.js';
import { goodService, goodWorkload, withWorkload } from './fixtures.js';

const messages = (spec: ServiceSpec) => defineService(spec).issues.issues.map(formatIssue);

describe('defineService', () => {
  it('accepts the good fixture without issues and applies the documented defaults', () => {
    const service = defineService(goodService);
    expect(service.issues.issues).toEqual([]);
    expect(service.namespace).toBe('production');
    const api = service.workload('api');
    expect(api).toMatchObject({ job: 'api', kind: 'Deployment', metricsPath: '/metrics', healthPath: '/health', podRegex: 'api-.*' });
    expect(api.runAs).toEqual({ user: 10001, group: 10001 });
  });

  it('names service, field, value and what is allowed for a bad duration-like CPU value', () => {
    expect(messages(withWorkload({ resources: { requests: { cpu: '1Gi', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } })))
      .toEqual(["shop-api: workloads.api.resources.requests.cpu: '1Gi' is invalid; allowed: a Kubernetes CPU quantity such as '250m' or '2' (cores), greater than zero"]);
  });

  it('rejects an HPA whose minimum exceeds its maximum', () => {
    expect(messages(withWorkload({ autoscaling: { minReplicas: 5, maxReplicas: 3, cpuUtilization: '70%' } })))
      .toEqual(["shop-api: workloads.api.autoscaling.minReplicas: 5 is invalid; allowed: at most 'maxReplicas' (3)"]);
  });

  it('rejects an HPA with no metric to scale on', () => {
    expect(messages(withWorkload({ autoscaling: { minReplicas: 1, maxReplicas: 3 } })))
      .toEqual(['shop-api: workloads.api.autoscaling: {"minReplicas":1,"maxReplicas":3} is invalid; allowed: at least one of cpuUtilization or memoryUtilization']);
  });

  it('rejects requests above limits', () => {
    expect(messages(withWorkload({ resources: { requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '1', memory: '1Gi' } } }))).toEqual([
      "shop-api: workloads.api.resources.requests.cpu: '2' is invalid; allowed: at most the CPU limit (1000m)",
      "shop-api: workloads.api.resources.requests.memory: '2Gi' is invalid; allowed: at most the memory limit (1Gi)",
    ]);
  });

  it('reports every problem of a definition at once', () => {
    const spec = { ...goodService, name: 'Shop_API', alertPrefix: 'shop', workloads: [{ ...goodWorkload, port: 70000, replicas: 0 }] };
    expect(messages(spec)).toEqual([
      "Shop_API: name: 'Shop_API' is invalid; allowed: a lower-case DNS label: a-z, 0-9 and \"-\", starting and ending with a letter or digit, at most 63 characters",
      'Shop_API: workloads.api.port: 70000 is invalid; allowed: an integer from 1 to 65535',
      'Shop_API: workloads.api.replicas: 0 is invalid; allowed: an integer from 1 to 1000',
      "Shop_API: alertPrefix: 'shop' is invalid; allowed: a PascalCase identifier such as \"HarveyHighLatency\"",
    ]);
  });

  it('rejects a dependency that is both in the cluster and external, and a bad CIDR', () => {
    const spec: ServiceSpec = {
      ...goodService,
      dependencies: [{ name: 'llm', kind: 'https', port: 443, inCluster: { podLabels: { app: 'llm' } }, external: { cidr: '0.0.0.0/33' } }],
    };
    expect(messages(spec)).toEqual([
      'shop-api: dependencies.llm: {"name":"llm","kind":"https","port":443,"inCluster":{"podLabels":{"app":"llm"}},"external":{"cidr":"0.0.0.0/33"}} is invalid; allowed: exactly one of inCluster (pods in the cluster) or external (a CIDR)',
      "shop-api: dependencies.llm.external.cidr: '0.0.0.0/33' is invalid; allowed: an IPv4 CIDR such as 0.0.0.0/0",
    ]);
  });

  it('rejects latency buckets that are not ascending', () => {
    expect(messages({ ...goodService, latencyBuckets: [1, 0.5] }))
      .toEqual(['shop-api: latencyBuckets: [1,0.5] is invalid; allowed: a non-empty list of positive, strictly ascending bucket bounds (without +Inf)']);
  });

  it('reports an unknown workload looked up by an alert pack', () => {
    const service = defineService(goodService);
    service.workload('worker');
    expect(service.issues.issues.map(formatIssue)).toEqual(["shop-api: workload: 'worker' is invalid; allowed: one of the service's workloads: 'api'"]);
  });

  it('groups issues by service in the final message', () => {
    const issues = [
      { service: 'b', field: 'x', value: 1, allowed: 'two' },
      { service: 'a', field: 'y', value: 'z', allowed: 'w' },
    ];
    expect(formatIssues(issues)).toBe("2 validation errors:\n  a:\n    - y: 'z' is invalid; allowed: w\n  b:\n    - x: 1 is invalid; allowed: two");
  });
});

describe('defineService pod selectors', () => {
  it("accepts 'all-pods' as the explicit choice of every pod of a dependency's namespace", () => {
    const service = defineService({ ...goodService, dependencies: [{ name: 'cache', kind: 'redis', port: 6379, inCluster: { namespace: 'cache', podLabels: 'all-pods' } }] });
    expect(service.issues.issues).toEqual([]);
    expect(service.dependencies[0]!.inCluster).toEqual({ namespace: 'cache', podLabels: 'all-pods' });
  });
});
