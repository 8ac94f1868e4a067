import { availabilityAlerts, containerResourcesAlerts, httpGoldenSignalsAlerts } from '../alerts/index.js';
import { performanceDashboard } from '../dashboards/service-performance.js';
import { defineService, SEV1, SEV2_WARNING, type ServiceStack } from '../lib/core/index.js';

/** A typical HTTP service (one workload, six alerts, one dashboard) under a generated name. */
export function benchStack(index: number): ServiceStack {
  const name = `svc-${String(index).padStart(5, '0')}`;
  const service = defineService({
    name, title: `Service ${index}`, alertPrefix: `Svc${index}`, team: 'bench',
    workloads: [{
      name, port: 8080, replicas: 2, image: { repository: `ghcr.io/example-org/${name}`, tag: 'v1' },
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: '70%' },
    }],
    dependencies: [{ name: 'postgresql', kind: 'postgresql', port: 5432, inCluster: { podLabels: { app: 'postgresql' } } }],
  });
  const alerts = [
    ...availabilityAlerts(service, { workload: name, for: '1m', level: SEV1 }),
    ...httpGoldenSignalsAlerts(service, {
      workload: name,
      latency: { above: '1s', for: '5m', level: SEV2_WARNING },
      errors: { above: '5%', for: '5m', level: SEV1 },
    }),
    ...containerResourcesAlerts(service, {
      workload: name,
      cpu: { above: '80%', for: '5m', level: SEV2_WARNING },
      memory: { above: '90%', for: '5m', level: SEV2_WARNING },
    }),
  ];
  const dashboard = performanceDashboard({ service, workload: service.workload(name), alerts, title: `Service ${index}`, uid: name });
  return { service, alerts, dashboards: [dashboard] };
}
