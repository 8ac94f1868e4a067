import {
  DEFAULT_LATENCY_BUCKETS, SEV1, SEV2_WARNING, defineService, defineSlo, type ServiceStack,
} from 'observability-as-code';
import { availabilityAlerts, containerResourcesAlerts, httpGoldenSignalsAlerts } from 'observability-as-code/alerts';
import { performanceDashboard } from 'observability-as-code/dashboards';

// 2s is a bound of the latency histogram, so "p95 above 2s" can be measured exactly; the application
// passes the same list to its instrumentation.
const LATENCY_BUCKETS = [...DEFAULT_LATENCY_BUCKETS, 2].sort((a, b) => a - b);

export const service = defineService({
  name: 'payments-api',
  title: 'Payments API',
  alertPrefix: 'Payments',
  team: 'payments',
  namespace: 'payments',
  latencyBuckets: LATENCY_BUCKETS,
  workloads: [{
    name: 'payments-api',
    port: 8080,
    replicas: 3,
    image: { repository: 'ghcr.io/acme/payments-api', tag: '1.4.2' },
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
    autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilization: '60%' },
  }],
  dependencies: [
    { name: 'postgresql', kind: 'postgresql', port: 5432, inCluster: { podLabels: { 'app.kubernetes.io/name': 'postgresql' } } },
  ],
});

const alerts = [
  ...availabilityAlerts(service, { workload: 'payments-api', name: 'PaymentsDown', for: '1m', level: SEV1 }),
  ...httpGoldenSignalsAlerts(service, {
    workload: 'payments-api',
    latency: { name: 'PaymentsHighLatency', above: '2s', for: '5m', level: SEV2_WARNING },
    errors: { name: 'PaymentsHighErrorRate', above: '1%', for: '5m', level: SEV1, minRequests: 100 },
  }),
  ...containerResourcesAlerts(service, {
    workload: 'payments-api',
    cpu: { name: 'PaymentsHighCPU', above: '85%', for: '10m', level: SEV2_WARNING },
  }),
];

export const paymentsApi: ServiceStack = {
  service,
  alerts,
  dashboards: [performanceDashboard({ service, workload: service.workload('payments-api'), alerts, title: 'Payments API', uid: 'payments-api',
    // The managed database's exporter is scraped by the database team's Prometheus, not this one.
    unobservedDependencies: { postgresql: 'managed PostgreSQL: its exporter is scraped by the database team, not by this Prometheus' } })],
  slos: [
    defineSlo(service, {
      name: 'availability', description: 'Payment requests are answered without a 5xx.', objective: '99.95%',
      sli: { kind: 'availability', workload: 'payments-api' },
    }),
  ],
};
