import { describe, expect, it } from 'vitest';
import { containerResourcesAlerts } from '../../alerts/container-resources.js';
import { SEV2_WARNING } from '../../lib/core/index.js';
import { alertExpression } from '../../lib/promql/signals.js';
import { issueMessages, shopService } from './fixture.js';

describe('containerResourcesAlerts', () => {
  it('measures CPU per pod against the CPU limit, excluding the pod-level cgroup', () => {
    const [cpu] = containerResourcesAlerts(shopService(), { workload: 'api', cpu: { above: '80%', for: '5m', level: SEV2_WARNING } });
    expect(cpu!.name).toBe('ShopHighCPU');
    expect(alertExpression(cpu!.signal)).toBe(
      'sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace="production",pod=~"api-.*",container!=""}[5m]))' +
      ' / sum by (namespace, pod) (kube_pod_container_resource_limits{namespace="production",pod=~"api-.*",resource="cpu"}) > 0.8');
  });

  it('measures memory as working set over the memory limit', () => {
    const [memory] = containerResourcesAlerts(shopService(), { workload: 'api', memory: { above: '90%', for: '5m', level: SEV2_WARNING } });
    expect(memory!.name).toBe('ShopHighMemory');
    expect(alertExpression(memory!.signal)).toBe(
      'sum by (namespace, pod) (container_memory_working_set_bytes{namespace="production",pod=~"api-.*",container!=""})' +
      ' / sum by (namespace, pod) (kube_pod_container_resource_limits{namespace="production",pod=~"api-.*",resource="memory"}) > 0.9');
  });

  it('rejects a percentage above 100 and an unknown workload', () => {
    const service = shopService();
    // @ts-expect-error '180' is not a PercentText
    containerResourcesAlerts(service, { workload: 'worker', cpu: { above: '180', for: '5m', level: SEV2_WARNING } });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopHighCPU.workload: "worker" — one of the service\'s workloads: \'api\'',
      'alerts.ShopHighCPU.above: "180" — a ratio between 0 and 1, written as a percentage such as \'5%\'',
    ]);
  });
});
