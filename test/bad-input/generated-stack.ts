import { POSTGRES_EXPORTER_METRICS } from '../../alerts/datastores/postgresql.js';
import { REDIS_METRICS } from '../../alerts/datastores/redis.js';
import { availabilityAlerts } from '../../alerts/availability.js';
import { lowThroughputAlert } from '../../alerts/business-throughput.js';
import { containerResourcesAlerts } from '../../alerts/container-resources.js';
import { httpGoldenSignalsAlerts } from '../../alerts/http-golden-signals.js';
import { performanceDashboard } from '../../dashboards/service-performance.js';
import {
  defineService, DEFAULT_LATENCY_BUCKETS, SEV1, SEV2_WARNING, SEV3,
  type AlertSpec, type DependencySpec, type DurationText, type PercentText, type ServiceStack, type WorkloadSpec,
} from '../../lib/core/index.js';
import { defineSlo } from '../../lib/slo/define-slo.js';

/** mulberry32: a tiny seeded PRNG, so every run generates the same services. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Random {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

function random(seed: number): Random {
  const next = prng(seed);
  return {
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

const WORKLOAD_NAMES = ['api', 'worker', 'web', 'scheduler', 'consumer'];
const FORS: readonly DurationText[] = ['1m', '2m', '5m', '10m', '15m'];
const WINDOWS: readonly DurationText[] = ['2m', '5m', '10m', '30m', '1h'];
const CUSTOM_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 1.5, 2, 3, 5, 8, 13, 21];

/**
 * A random VALID service: one to three workloads with random resources and autoscaling (HPA targets
 * kept below the CPU/memory alerts, compared per pod), latency thresholds on bucket bounds, random
 * percents, `for` durations of at least the 1m evaluation interval and rate windows of at least 2m,
 * dependencies, a business counter and an availability SLO of at least 95% (below that, 14.4 times the
 * error budget exceeds 100% and the fastest burn-rate tier could never fire).
 */
export function generatedStack(index: number, seed: number): ServiceStack {
  const r = random(seed);
  const workloadCount = r.int(1, 3);
  const names = [...WORKLOAD_NAMES].sort(() => r.int(-1, 1)).slice(0, workloadCount);
  const plans = names.map((name) => {
    const requestMilli = r.int(1, 20) * 50;
    const limitMilli = requestMilli * r.int(1, 4);
    const requestMi = r.int(1, 16) * 64;
    const limitMi = requestMi * r.int(1, 4);
    const cpuAlert = r.int(50, 95);
    const memoryAlert = r.int(60, 95);
    // HPA target x request < alert x limit, with a margin of one percent point.
    const cpuTarget = r.int(10, Math.min(95, Math.floor((cpuAlert * limitMilli) / requestMilli) - 1));
    const memoryTarget = r.int(10, Math.min(95, Math.floor((memoryAlert * limitMi) / requestMi) - 1));
    const minReplicas = r.int(1, 3);
    const workload: WorkloadSpec = {
      name,
      port: r.int(1024, 65000),
      image: { repository: `ghcr.io/example-org/${name}`, tag: `v${r.int(0, 9)}.${r.int(0, 99)}.${r.int(0, 99)}` },
      replicas: r.int(1, 5),
      resources: {
        requests: { cpu: `${requestMilli}m`, memory: `${requestMi}Mi` },
        limits: { cpu: `${limitMilli}m`, memory: `${limitMi}Mi` },
      },
      ...(r.chance(0.8) && {
        autoscaling: {
          minReplicas, maxReplicas: r.int(minReplicas, 12),
          cpuUtilization: `${cpuTarget}%` as PercentText,
          ...(r.chance(0.5) && { memoryUtilization: `${memoryTarget}%` as PercentText }),
        },
      }),
      ...(r.chance(0.3) && { servesIngress: false }),
      ...(r.chance(0.2) && { readOnlyRootFilesystem: { enabled: false as const, reason: 'writes a model cache under /app' } }),
      runAs: { user: r.int(1000, 65000) },
    };
    return { workload, cpuAlert, memoryAlert };
  });
  const buckets = r.chance(0.5) ? DEFAULT_LATENCY_BUCKETS : CUSTOM_BUCKETS;
  const dependencies: DependencySpec[] = [
    // Exporter jobs: the dashboard draws their panels without the stack writing any.
    { name: 'postgresql', kind: 'postgresql', port: 5432, inCluster: { podLabels: { app: 'postgresql' } }, exporterJob: `generated-${index}-postgres-exporter` },
    { name: 'redis', kind: 'redis', port: 6379, inCluster: { namespace: 'data', podLabels: { app: 'redis' } }, exporterJob: `generated-${index}-redis-exporter` },
    { name: 'llm', kind: 'https', port: 443, external: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } },
  ].slice(0, r.int(0, 3)) as DependencySpec[];
  const prefix = `Gen${index}`;
  const service = defineService({
    name: `generated-${index}`, title: `Generated ${index}`, alertPrefix: prefix, team: 'platform',
    namespace: r.pick(['production', 'staging', 'apps']),
    workloads: plans.map((p) => p.workload),
    dependencies,
    latencyBuckets: buckets,
    metrics: [{ name: 'jobs_done_total', type: 'counter', help: 'Jobs done.', labels: ['job', 'kind'], source: 'application' }, ...POSTGRES_EXPORTER_METRICS, ...REDIS_METRICS],
  });
  const alerts: AlertSpec[] = [];
  for (const { workload, cpuAlert, memoryAlert } of plans) {
    const w = workload.name;
    const title = w.charAt(0).toUpperCase() + w.slice(1);
    alerts.push(...availabilityAlerts(service, { workload: w, name: `${prefix}${title}Down`, for: r.pick(FORS), level: SEV1 }));
    // Below 5% an error-rate alert that pages must say how much traffic it needs (a traffic floor).
    const errorRate = r.int(1, 500) / 10;
    alerts.push(...httpGoldenSignalsAlerts(service, {
      workload: w,
      latency: {
        // Any bound but the largest: histogram_quantile never exceeds the largest finite bound.
        name: `${prefix}${title}HighLatency`, above: `${r.pick(buckets.slice(0, -1))}s` as DurationText, quantile: r.pick([0.5, 0.9, 0.95, 0.99]),
        window: r.pick(WINDOWS), for: r.pick(FORS), level: SEV2_WARNING,
      },
      errors: { name: `${prefix}${title}HighErrorRate`, above: `${errorRate}%` as PercentText, window: r.pick(WINDOWS), for: r.pick(FORS), level: SEV1, ...(errorRate < 5 && { minRequests: r.pick([100, 1000] as const) }) },
    }));
    alerts.push(...containerResourcesAlerts(service, {
      workload: w,
      cpu: { name: `${prefix}${title}HighCPU`, above: `${cpuAlert}%` as PercentText, window: r.pick(WINDOWS), for: r.pick(FORS), level: SEV2_WARNING },
      memory: { name: `${prefix}${title}HighMemory`, above: `${memoryAlert}%` as PercentText, for: r.pick(FORS), level: SEV2_WARNING },
    }));
  }
  const first = plans[0]!.workload.name;
  alerts.push(lowThroughputAlert(service, {
    name: `${prefix}LowJobs`, workload: first, metric: 'jobs_done_total', what: 'jobs', minPerHour: r.int(1, 1000),
    window: r.pick(['1h', '2h'] as const), for: r.pick(FORS), level: SEV3,
    runbook: { meaning: 'Few jobs.', why: 'Stalled.', diagnose: ['Look at the queue.'], act: ['Restart the worker.'] },
  }));
  const dashboard = performanceDashboard({
    service, workload: service.workload(first), alerts, title: `Generated ${index}`, uid: `generated-${index}`,
    ...(dependencies.some((d) => d.name === 'llm') && { unobservedDependencies: { llm: 'the generated service exports no LLM client metrics' } }),
  });
  const slo = defineSlo(service, {
    name: 'availability', description: 'Requests answered without a server error.',
    sli: { kind: 'availability', workload: first }, objective: `${r.pick([95, 99, 99.5, 99.9, 99.95])}%`, period: r.pick(['30d', '28d', '7d'] as const),
  });
  return { service, alerts, dashboards: [dashboard], slos: [slo] };
}
