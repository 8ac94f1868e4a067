import { availabilityAlerts } from '../../alerts/availability.js';
import { lowThroughputAlert, type LowThroughputOptions } from '../../alerts/business-throughput.js';
import { containerResourcesAlerts, type ResourceAlertOptions } from '../../alerts/container-resources.js';
import { httpGoldenSignalsAlerts, type ErrorRateOptions, type HttpGoldenSignalsOptions } from '../../alerts/http-golden-signals.js';
import { performanceDashboard, type QueryPanelSpec } from '../../dashboards/service-performance.js';
import {
  defineService, SEV1, SEV2_WARNING, SEV3, type AlertSpec, type ServiceSpec, type ServiceStack, type SloSpec, type WorkloadSpec,
} from '../../lib/core/index.js';
import { defineSlo } from '../../lib/slo/define-slo.js';

/**
 * ONE good service definition, exercising every part synth renders: a workload with autoscaling, a
 * dependency, a business metric, alerts from every pack, a performance dashboard with business panels
 * and an SLO. Each bad-input case breaks exactly one field of it through a {@link Breakage}.
 */
export const shopWorkload: WorkloadSpec = {
  name: 'api',
  port: 8000,
  image: { repository: 'ghcr.io/example-org/shop-api', tag: 'v1.4.0' },
  replicas: 2,
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '70%' },
};

export const shopSpec: ServiceSpec = {
  name: 'shop-api',
  title: 'Shop API',
  alertPrefix: 'Shop',
  team: 'shop',
  workloads: [shopWorkload],
  dependencies: [{ name: 'postgresql', kind: 'postgresql', port: 5432, inCluster: { podLabels: { app: 'postgresql' } } }],
  metrics: [{ name: 'orders_created_total', type: 'counter', help: 'Orders placed.', labels: ['job', 'payment_method'], source: 'application' }],
};

const ordersPanel: QueryPanelSpec = {
  title: 'Orders per hour', description: 'From orders_created_total.', unit: 'none',
  expr: 'sum(rate(orders_created_total{job="api"}[1h])) * 3600', thresholds: [{ alert: 'ShopLowOrders' }],
};

/** One field to break; everything not named keeps its good value. Values are loosely typed on purpose. */
export interface Breakage {
  /** Replaces top-level fields of the service spec. */
  readonly service?: Readonly<Record<string, unknown>>;
  /** Replaces fields of the `api` workload. */
  readonly workload?: Readonly<Record<string, unknown>>;
  readonly latency?: Readonly<Record<string, unknown>>;
  readonly errors?: Readonly<Record<string, unknown>>;
  readonly cpu?: Readonly<Record<string, unknown>>;
  readonly orders?: Readonly<Record<string, unknown>>;
  /** Replaces the dashboard's business panels. */
  readonly panels?: readonly QueryPanelSpec[];
  readonly dashboardUid?: string;
  /** Changes the finished alert specs (what a stack could build by hand). */
  readonly alerts?: (alerts: AlertSpec[]) => AlertSpec[];
  /** Replaces fields of the availability SLO. */
  readonly slo?: Readonly<Record<string, unknown>>;
}

export function shopStack(breakage: Breakage = {}): ServiceStack {
  const service = defineService({
    ...shopSpec,
    workloads: [{ ...shopWorkload, ...breakage.workload } as WorkloadSpec],
    ...breakage.service,
  } as ServiceSpec);
  const latency = { above: '1s', for: '5m', level: SEV2_WARNING, ...breakage.latency } as HttpGoldenSignalsOptions['latency'];
  const errors = { above: '5%', for: '5m', level: SEV1, ...breakage.errors } as ErrorRateOptions;
  const cpu = { above: '80%', for: '5m', level: SEV2_WARNING, ...breakage.cpu } as ResourceAlertOptions;
  const built: AlertSpec[] = [
    ...availabilityAlerts(service, { workload: 'api', for: '1m', level: SEV1 }),
    ...httpGoldenSignalsAlerts(service, { workload: 'api', ...(latency && { latency }), errors }),
    ...containerResourcesAlerts(service, { workload: 'api', cpu, memory: { above: '90%', for: '5m', level: SEV2_WARNING } }),
    lowThroughputAlert(service, {
      name: 'ShopLowOrders', workload: 'api', metric: 'orders_created_total', what: 'orders', minPerHour: 1, for: '15m', level: SEV3,
      runbook: { meaning: 'No orders while traffic flows.', why: 'Checkout is broken.', diagnose: ['Check the payment provider.'], act: ['Fail over.'] },
      ...breakage.orders,
    } as LowThroughputOptions),
  ];
  const alerts = breakage.alerts ? breakage.alerts(built) : built;
  const dashboard = performanceDashboard({
    service, workload: service.workload('api'), alerts, title: 'Shop API - Performance', uid: breakage.dashboardUid ?? 'shop-api-performance',
    business: breakage.panels ?? [ordersPanel],
  });
  const slo = defineSlo(service, {
    name: 'availability', description: 'Requests are answered without a server error.',
    sli: { kind: 'availability', workload: 'api' }, objective: '99.5%', period: '30d', ...breakage.slo,
  } as SloSpec);
  return { service, alerts, dashboards: [dashboard], slos: [slo] };
}

/** A second good service, for the checks across services; `spec` replaces top-level fields. */
export function catalogStack(spec: Partial<ServiceSpec> = {}, dashboardUid = 'catalog-performance'): ServiceStack {
  const service = defineService({
    name: 'catalog', title: 'Catalog', alertPrefix: 'Catalog', team: 'shop',
    workloads: [{ ...shopWorkload, name: 'catalog', image: { repository: 'ghcr.io/example-org/catalog', tag: 'v2.0.1' } }],
    ...spec,
  });
  const workload = service.workloads[0]!.name;
  const alerts = [
    ...availabilityAlerts(service, { workload, for: '1m', level: SEV1 }),
    ...httpGoldenSignalsAlerts(service, { workload, errors: { above: '5%', for: '5m', level: SEV1 } }),
  ];
  const dashboard = performanceDashboard({ service, workload: service.workloads[0]!, alerts, title: 'Catalog - Performance', uid: dashboardUid });
  return { service, alerts, dashboards: [dashboard] };
}
