import { DEFAULT_PLATFORM, defineService, SEV1, type PlatformConfig, type ServiceStack } from 'observability-as-code';
import { availabilityAlerts } from 'observability-as-code/alerts';

const service = defineService({
  name: 'checkout', title: 'Checkout', alertPrefix: 'Checkout', team: 'checkout',
  workloads: [{
    name: 'checkout', port: 8080, replicas: 2,
    image: { repository: 'ghcr.io/acme/checkout', tag: '1.0.0' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } },
    autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: '70%' },
  }],
});

export const checkout: ServiceStack = {
  service,
  alerts: availabilityAlerts(service, { workload: 'checkout', name: 'CheckoutDown', for: '1m', level: SEV1 }),
  dashboards: [],
};

export const platform: PlatformConfig = {
  ...DEFAULT_PLATFORM,
  runbookBaseUrl: 'https://github.com/acme/platform/blob/main/dist',
  grafanaUrl: 'https://grafana.acme.dev',
};
