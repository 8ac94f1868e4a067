import { REDIS_METRICS } from '../alerts/datastores/redis.js';
import { llmMetrics } from '../alerts/llm-providers.js';
import { defineService, PROCESS_METRICS, type MemoryText, type ServiceSpec } from '../lib/core/index.js';

/**
 * Bucket bounds (seconds) of `http_request_duration_seconds` as Harven's FastAPI instrumentation must
 * export them. the service contract fixes HarvenHighLatency at p95 > 3s, and a latency threshold must be a bucket
 * bound, so 3 is one (prometheus_client's defaults jump from 2.5 to 5). The bounds reach 60s because
 * the AI endpoints wait for OpenAI. The application sets the same list, e.g. with
 * prometheus-fastapi-instrumentator: `metrics.default(latency_lowr_buckets=HARVEN_LATENCY_BUCKETS)`,
 * and `Instrumentator(should_group_status_codes=False)`: grouped codes (`4xx`) would hide the 401/403
 * the authentication alert counts (`5xx` still matches `status=~"5.."`).
 */
export const HARVEN_LATENCY_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60];

/** Scrape job of the redis_exporter (port 9121) that watches the `harven-redis` container. */
export const HARVEN_REDIS_JOB = 'harven-redis';

/**
 * Redis's `maxmemory` as the compose file must set it (`--maxmemory 512mb`, with an eviction policy such
 * as allkeys-lru): the image's default is no limit, and Redis then grows until the host kills it.
 * HarvenRedisMemoryHigh compares used memory with this number, so the two must stay equal.
 */
export const HARVEN_REDIS_MAXMEMORY: MemoryText = '512Mi';

/** HTTPS to the internet, never to private ranges: Supabase, OpenAI and Sentry publish no stable IP ranges. */
const PUBLIC_HTTPS = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } as const;

/**
 * Harven.AI (its runbook): education AI backend (FastAPI), today on
 * docker-compose under Coolify, with Redis (cache, rate limits), Supabase (hosted Postgres and Auth,
 * reached over HTTPS through its REST API), OpenAI and Sentry.
 *
 * Every rule and dashboard query selects by `job` only and uses no cAdvisor or kube-state-metrics series,
 * so the plain rule file and dashboard JSON work with the Prometheus next to the compose stack. The workload below (resources, probes, HPA,
 * NetworkPolicies, Helm values) describes the planned Kubernetes move; the runbook gives no sizes, so
 * they are a starting point for an I/O-bound API that mostly waits for OpenAI and Supabase.
 */
export const harvenAiSpec: ServiceSpec = {
  name: 'harven-ai',
  title: 'Harven.AI',
  alertPrefix: 'Harven',
  team: 'harven',
  namespace: 'production',
  latencyBuckets: HARVEN_LATENCY_BUCKETS,
  workloads: [
    {
      name: 'harven-backend',
      job: 'harven-backend',
      port: 8000,
      // The runbook checks health with `curl -s http://localhost:8000/` (after a rollback): the root route.
      healthPath: '/',
      image: { repository: 'ghcr.io/example-org/harven-backend', tag: 'v1.0.0' },
      // The runbook scales to 3 under load (`docker-compose up -d --scale backend=3`): 2 normally, up to 6.
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
      // No memory target (the stacks' one rule): a Python process keeps its memory when load drops, so a memory target only ever scales up; memory is watched by the memory alert.
      autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: '70%' },
      // Non-root with the default uid/gid 10001: the runbook does not name the image's user.
    },
  ],
  dependencies: [
    // docker-compose service `harven-redis` today; after the move, Redis pods next to the backend.
    { name: 'redis', kind: 'redis', port: 6379, inCluster: { podLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'harven-redis' } } },
    // supabase-py talks to PostgREST and GoTrue (Auth) over HTTPS; a direct Postgres connection
    // (5432, or 6543 through the pooler) would need its own egress rule.
    { name: 'supabase', kind: 'https', port: 443, external: PUBLIC_HTTPS },
    { name: 'openai', kind: 'https', port: 443, external: PUBLIC_HTTPS },
    { name: 'sentry', kind: 'https', port: 443, external: PUBLIC_HTTPS },
  ],
  // PROCESS_METRICS (process_cpu_seconds_total, ...: prometheus_client exports them by itself) feed the
  // dashboard's System row, the only resource view that exists on docker-compose.
  metrics: [...llmMetrics(), ...REDIS_METRICS, ...PROCESS_METRICS],
};

export const harvenAiService = defineService(harvenAiSpec);
