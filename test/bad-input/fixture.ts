import { authenticationFailuresAlert } from '../../alerts/authentication.js';
import { availabilityAlerts } from '../../alerts/availability.js';
import { businessRatioAlerts } from '../../alerts/business-ratios.js';
import { chromadbAlerts, chromadbMetrics } from '../../alerts/datastores/chromadb.js';
import { MONGODB_METRICS, mongodbAlerts } from '../../alerts/datastores/mongodb.js';
import { POSTGRES_EXPORTER_METRICS, postgresqlAlerts } from '../../alerts/datastores/postgresql.js';
import { QDRANT_METRICS, qdrantAlerts } from '../../alerts/datastores/qdrant.js';
import { REDIS_METRICS, redisAlerts } from '../../alerts/datastores/redis.js';
import { llmMetrics, llmProviderAlerts } from '../../alerts/llm-providers.js';
import { RQ_EXPORTER_METRICS, workerQueuesAlerts } from '../../alerts/worker-queues.js';
import { lowThroughputAlert, type LowThroughputOptions } from '../../alerts/business-throughput.js';
import { containerResourcesAlerts, type ResourceAlertOptions } from '../../alerts/container-resources.js';
import { httpGoldenSignalsAlerts, type ErrorRateOptions, type HttpGoldenSignalsOptions } from '../../alerts/http-golden-signals.js';
import { performanceDashboard, type QueryPanelSpec } from '../../dashboards/service-performance.js';
import {
  defineService, SEV1, SEV2_CRITICAL, SEV2_WARNING, SEV3, type AlertSpec, type DashboardModel, type ServiceSpec, type ServiceStack, type SloSpec, type WorkloadSpec,
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
  /** Changes the finished dashboards (what a stack could build by hand). */
  readonly dashboards?: (dashboards: DashboardModel[]) => unknown[];
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
    // The fixture declares no datastore metrics: nothing can show its dependencies.
    unobservedDependencies: Object.fromEntries(service.dependencies.map((d) => [d.name, 'the shop fixture declares no datastore metrics'])),
  });
  const slo = defineSlo(service, {
    name: 'availability', description: 'Requests are answered without a server error.',
    sli: { kind: 'availability', workload: 'api' }, objective: '99.5%', period: '30d', ...breakage.slo,
  } as SloSpec);
  const dashboards = (breakage.dashboards ? breakage.dashboards([dashboard]) : [dashboard]) as DashboardModel[];
  return { service, alerts, dashboards, slos: [slo] };
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

/** Replaces fields of one pack's options in {@link supportStack}; the key names the pack. */
export interface PackBreakage {
  readonly service?: Readonly<Record<string, unknown>>;
  readonly auth?: Readonly<Record<string, unknown>>;
  readonly llm?: Readonly<Record<string, unknown>>;
  readonly ratio?: Readonly<Record<string, unknown>>;
  readonly queues?: Readonly<Record<string, unknown>>;
  readonly postgresql?: Readonly<Record<string, unknown>>;
  readonly redis?: Readonly<Record<string, unknown>>;
  readonly mongodb?: Readonly<Record<string, unknown>>;
  readonly qdrant?: Readonly<Record<string, unknown>>;
  readonly chromadb?: Readonly<Record<string, unknown>>;
  /** Replaces fields of the latency SLO. */
  readonly slo?: Readonly<Record<string, unknown>>;
}

const supportWorkload: WorkloadSpec = {
  ...shopWorkload, name: 'support', image: { repository: 'ghcr.io/example-org/support', tag: 'v3.1.0' },
};

/**
 * A second good service using every other alert pack (authentication, LLM providers, business ratios
 * at two levels, worker queues and each datastore) and a latency SLO, so each pack's options can be
 * broken one at a time like the shop's.
 */
export function supportStack(breakage: PackBreakage = {}): ServiceStack {
  const service = defineService({
    name: 'support', title: 'Support', alertPrefix: 'Support', team: 'support',
    workloads: [supportWorkload],
    metrics: [
      ...llmMetrics(), ...RQ_EXPORTER_METRICS, ...POSTGRES_EXPORTER_METRICS, ...REDIS_METRICS, ...MONGODB_METRICS, ...QDRANT_METRICS, ...chromadbMetrics(),
      { name: 'tickets_created_total', type: 'counter', help: 'Tickets opened.', labels: ['job', 'channel'], source: 'application' },
      { name: 'tickets_escalated_total', type: 'counter', help: 'Tickets handed to a person.', labels: ['job', 'channel'], source: 'application' },
      { name: 'support_jobs_processed_total', type: 'counter', help: 'Jobs ended by the workers, by queue and status.', labels: ['job', 'queue', 'status'], source: 'application' },
    ],
    ...breakage.service,
  } as ServiceSpec);
  const workload = 'support';
  const o = <T>(good: T, broken: Readonly<Record<string, unknown>> | undefined): T => ({ ...good, ...broken }) as T;
  const alerts: AlertSpec[] = [
    ...availabilityAlerts(service, { workload, for: '1m', level: SEV1 }),
    authenticationFailuresAlert(service, o({ workload, above: '20%', for: '10m', level: SEV2_WARNING }, breakage.auth)),
    ...llmProviderAlerts(service, o({
      workload, provider: 'openai', title: 'OpenAI',
      errors: { above: '10%', for: '5m', level: SEV2_WARNING }, quota: { above: '5%', for: '5m', level: SEV2_WARNING },
      latency: { above: '30s', for: '10m', level: SEV3 },
    }, breakage.llm)),
    ...businessRatioAlerts(service, o({
      workload, what: 'escalation rate', minEvents: 10,
      numerator: { metric: 'tickets_escalated_total' }, denominator: { metric: 'tickets_created_total' },
      levels: {
        warning: { name: 'SupportEscalationRateWarning', above: '20%', for: '10m', level: SEV3 },
        critical: { name: 'SupportEscalationRateHigh', above: '30%', for: '10m', level: SEV2_CRITICAL },
      },
    }, breakage.ratio)),
    ...workerQueuesAlerts(service, o({
      exporterJob: 'rq-exporter', exporterDown: { for: '5m', level: SEV3 },
      backlog: { above: 100, for: '10m', level: SEV3 }, failed: { processed: 'support_jobs_processed_total', above: 0, for: '5m', level: SEV3 },
    }, breakage.queues)),
    ...postgresqlAlerts(service, o({
      exporterJob: 'postgres-exporter', database: 'support', down: { for: '1m', level: SEV1 }, connections: { above: 80, for: '5m', level: SEV2_WARNING },
    }, breakage.postgresql)),
    ...redisAlerts(service, o({
      job: 'redis-exporter', down: { for: '1m', level: SEV2_CRITICAL }, memory: { maxmemory: '1Gi', above: '90%', for: '5m', level: SEV2_WARNING },
    }, breakage.redis)),
    ...mongodbAlerts(service, o({
      job: 'mongodb-exporter', down: { for: '1m', level: SEV1 }, poolExhausted: { workload, for: '5m', level: SEV2_WARNING },
    }, breakage.mongodb)),
    ...qdrantAlerts(service, o({ job: 'qdrant', down: { for: '1m', level: SEV2_CRITICAL }, errors: { above: '5%', for: '5m', level: SEV2_WARNING } }, breakage.qdrant)),
    ...chromadbAlerts(service, o({
      workload, unreachable: { above: '10%', for: '5m', level: SEV2_WARNING }, slow: { above: '1s', for: '10m', level: SEV3 },
    }, breakage.chromadb)),
  ];
  const dashboard = performanceDashboard({ service, workload: service.workload(workload), alerts, title: 'Support - Performance', uid: 'support-performance' });
  const slo = defineSlo(service, {
    name: 'latency', description: 'Requests are answered within a second.',
    sli: { kind: 'latency', workload, threshold: '1s' }, objective: '99%', ...breakage.slo,
  } as SloSpec);
  return { service, alerts, dashboards: [dashboard], slos: [slo] };
}
