import { POSTGRES_EXPORTER_METRICS } from '../alerts/datastores/postgresql.js';
import { REDIS_METRICS } from '../alerts/datastores/redis.js';
import { RQ_EXPORTER_METRICS } from '../alerts/worker-queues.js';
import { defineService, type MetricDefinition, type ServiceSpec } from '../lib/core/index.js';

/**
 * Equivalence Engine (its runbook): an evaluation API
 * (`equivalence-web`: evaluate, batch, admin) and an RQ worker (`equivalence-worker`) processing the
 * batch jobs; PostgreSQL (tenants, api keys, audit), Redis (RQ broker and cache), external mappers
 * (embeddings and LLM) with a degraded fallback mapper.
 */

/**
 * Scrape jobs of the exporters next to the datastores. They are deployed with the datastores (their
 * charts' ServiceMonitors), not by this stack; their names are the contract between the two:
 * - rq-exporter (mdawar/rq-exporter, port 9726) reading the RQ queues and workers from the Redis below;
 * - redis_exporter (oliver006/redis_exporter, port 9121) for that Redis;
 * - postgres_exporter (prometheus-community, port 9187) for the service's PostgreSQL.
 */
export const EQUIVALENCE_EXPORTER_JOBS = {
  rq: 'equivalence-rq-exporter',
  redis: 'equivalence-redis-exporter',
  postgresql: 'equivalence-postgres-exporter',
} as const;

/** The service's PostgreSQL database (`pg_dump -U equivalence equivalence` in the runbook). */
export const EQUIVALENCE_DATABASE = 'equivalence';

/**
 * Metrics the application exports with prometheus_client (chosen here; the service contract and the runbook name
 * none). Names are service-prefixed, so the rules select them by name alone, whichever of the two jobs
 * (web for `evaluate`, worker for batch jobs) exports them.
 */
export const EQUIVALENCE_APP_METRICS: readonly MetricDefinition[] = [
  {
    name: 'equivalence_jobs_enqueued_total', type: 'counter', labels: ['job', 'queue'], source: 'application',
    help: 'Batch jobs put on an RQ queue by the API (incremented after a successful enqueue).',
  },
  {
    name: 'equivalence_jobs_processed_total', type: 'counter', labels: ['job', 'queue', 'status'], source: 'application',
    help: 'Batch jobs ended by an RQ worker; status as RQ names it: finished (succeeded) or failed (raised or timed out).',
  },
  {
    name: 'equivalence_mapper_requests_total', type: 'counter', labels: ['job', 'mapper'], source: 'application',
    help: 'Calls to an external mapper; mapper is embeddings or llm.',
  },
  {
    name: 'equivalence_mapper_timeouts_total', type: 'counter', labels: ['job', 'mapper'], source: 'application',
    help: 'Calls to an external mapper that timed out (connect or read timeout).',
  },
  {
    name: 'equivalence_mapper_fallback_total', type: 'counter', labels: ['job', 'mapper'], source: 'application',
    help: 'Evaluations answered by the fallback (degraded) mapper because the external mapper named by mapper failed.',
  },
  {
    // Set at start-up by web and worker (and re-checked every minute): a migration that failed or was not
    // run leaves the database behind the code (or ahead of it after a code rollback). Both keep serving
    // /metrics (the readiness probe fails instead of the process exiting), so the gauge is seen.
    name: 'equivalence_schema_revision_mismatch', type: 'gauge', labels: ['job'], source: 'application',
    help: '1 while the database schema revision (alembic_version) differs from the head revision of the running code, else 0.',
  },
];

export const equivalenceEngineSpec: ServiceSpec = {
  name: 'equivalence-engine',
  title: 'Equivalence Engine',
  alertPrefix: 'EquivalenceEngine',
  team: 'equivalence',
  namespace: 'production',
  workloads: [
    {
      name: 'equivalence-web',
      job: 'equivalence-web',
      // The runbook checks `curl http://localhost:8000/health`.
      port: 8000,
      healthPath: '/health',
      image: { repository: 'ghcr.io/example-org/equivalence-engine', tag: 'v1.0.0' },
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
      // Scales on CPU (the API's work is CPU and waiting on mappers). The CPU alert (80% of the 1000m
      // limit = 800m per pod) stays far above the HPA target (70% of 250m).
      // No memory target (the stacks' one rule): a Python process keeps its memory when load drops, so a memory target only ever scales up; memory is watched by the memory alert.
      autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: '70%' },
    },
    {
      name: 'equivalence-worker',
      job: 'equivalence-worker',
      // The worker serves no user traffic. It starts prometheus_client's `start_http_server(8001)` next to
      // `rq worker`, which answers every path with the metrics, so `/metrics` is scraped and `/health`
      // (the probes) answers 200 as long as the process lives; a hung worker shows as missing from
      // rq_workers instead (its heartbeat stops).
      port: 8001,
      healthPath: '/health',
      servesIngress: false,
      image: { repository: 'ghcr.io/example-org/equivalence-engine', tag: 'v1.0.0' },
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
      // A compromise: an RQ worker runs one job at a time, so CPU follows the queue only while jobs are
      // CPU-bound; jobs waiting on the external mappers keep CPU low while the queue grows. Scaling on
      // the queue length (rq_jobs{status="queued"}) needs KEDA or an external-metrics adapter, which this
      // platform does not run; the backlog alerts cover the gap. No memory target: a Python worker's
      // memory does not drop when the load does, so it would only ever scale up.
      autoscaling: { minReplicas: 2, maxReplicas: 8, cpuUtilization: '70%' },
    },
  ],
  dependencies: [
    {
      name: 'postgresql', kind: 'postgresql', port: 5432,
      inCluster: { podLabels: { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'equivalence-postgresql' } },
    },
    {
      name: 'redis', kind: 'redis', port: 6379,
      inCluster: { podLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'equivalence-redis' } },
    },
    // The embeddings and LLM mappers are external HTTPS services without published IP ranges: allow
    // HTTPS to the internet, never to private ranges.
    {
      name: 'mapper-providers', kind: 'https', port: 443,
      external: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
    },
  ],
  metrics: [...RQ_EXPORTER_METRICS, ...REDIS_METRICS, ...POSTGRES_EXPORTER_METRICS, ...EQUIVALENCE_APP_METRICS],
};

export const equivalenceEngineService = defineService(equivalenceEngineSpec);
