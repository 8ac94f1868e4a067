import { httpGoldenSignalsAlerts } from '../../../alerts/http-golden-signals.js';
import { defineService, SEV1, type ServiceSpec, type ServiceStack } from '../../../lib/core/index.js';
import { goodService, goodWorkload } from '../core/fixtures.js';

/** A small valid stack (one workload, one alert, no dashboard) for synth tests. */
export function shopStack(spec: Partial<ServiceSpec> = {}, errorsAbove = '5%'): ServiceStack {
  const service = defineService({ ...goodService, ...spec });
  const alerts = httpGoldenSignalsAlerts(service, {
    workload: 'api',
    errors: { above: errorsAbove as `${number}%`, for: '5m', level: SEV1 },
  });
  return { service, alerts, dashboards: [] };
}

/** The same service with three mistakes in it. */
export function brokenShopStack(): ServiceStack {
  return shopStack({
    workloads: [{ ...goodWorkload, autoscaling: { minReplicas: 6, maxReplicas: 4, cpuUtilization: '70%' }, port: 0 }],
  }, '500%');
}
