import { POSTGRES_EXPORTER_METRICS } from '../alerts/datastores/postgresql.js';
import { QDRANT_METRICS } from '../alerts/datastores/qdrant.js';
import { REDIS_METRICS } from '../alerts/datastores/redis.js';
import { defineService, HTTP_IN_PROGRESS_METRIC, type ServiceSpec } from '../lib/core/index.js';

/**
 * Scrape jobs of the datastores' metrics, deployed with the datastores (their charts' ServiceMonitors),
 * not by this stack: postgres_exporter (port 9187), redis_exporter (9121) and Qdrant's own `/metrics`
 * (6333). The dashboard's Dependencies panels select them.
 */
export const HARVEY_EXPORTER_JOBS = {
  postgresql: 'harvey-postgres-exporter',
  redis: 'harvey-redis-exporter',
  qdrant: 'harvey-qdrant',
} as const;

/**
 * Harvey Backend (from its runbook and operations guide):
 * legal-document generation API (LLM agents + RAG) on Kubernetes, deployed with Helm.
 */
export const harveyBackendSpec: ServiceSpec = {
  name: 'harvey-backend',
  title: 'Harvey Backend',
  alertPrefix: 'Harvey',
  team: 'harvey',
  namespace: 'production',
  workloads: [
    {
      name: 'harvey-backend',
      port: 8000,
      healthPath: '/health',
      image: { repository: 'ghcr.io/example-org/harvey-backend', tag: 'v1.2.3' },
      replicas: 3,
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } },
      // No memory target (the stacks' one rule): a Python process keeps its memory when load drops, so a memory target only ever scales up; memory is watched by the memory alert.
      autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: '70%' },
      // The image's Dockerfile creates the non-root user `harvey`; uid 1000 is its first regular uid.
      runAs: { user: 1000, group: 1000, userName: 'harvey' },
    },
  ],
  dependencies: [
    { name: 'postgresql', kind: 'postgresql', port: 5432, inCluster: { podLabels: { 'app.kubernetes.io/name': 'postgresql' } }, exporterJob: HARVEY_EXPORTER_JOBS.postgresql },
    { name: 'redis', kind: 'redis', port: 6379, inCluster: { podLabels: { 'app.kubernetes.io/name': 'redis' } }, exporterJob: HARVEY_EXPORTER_JOBS.redis },
    { name: 'qdrant', kind: 'qdrant', port: 6333, inCluster: { podLabels: { 'app.kubernetes.io/name': 'qdrant' } }, exporterJob: HARVEY_EXPORTER_JOBS.qdrant },
    // OpenAI and Anthropic publish no stable IP ranges: allow HTTPS to the internet, never to private ranges.
    {
      name: 'llm-providers', kind: 'https', port: 443,
      external: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
    },
  ],
  metrics: [
    // The runbook's "active connections": prometheus-fastapi-instrumentator with should_instrument_requests_inprogress=True.
    HTTP_IN_PROGRESS_METRIC,
    ...POSTGRES_EXPORTER_METRICS,
    ...REDIS_METRICS,
    ...QDRANT_METRICS,
    { name: 'documents_generated_total', type: 'counter', help: 'Legal documents generated.', labels: ['job', 'document_type'], source: 'application' },
    { name: 'feedback_total', type: 'counter', help: 'User feedback events received.', labels: ['job'], source: 'application' },
    { name: 'feedback_positive_total', type: 'counter', help: 'Positive user feedback events.', labels: ['job'], source: 'application' },
    {
      name: 'harvey_llm_latency_seconds', type: 'histogram', help: 'Latency of calls to LLM providers.',
      labels: ['job', 'provider', 'model'], source: 'application', buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
    },
  ],
};

export const harveyBackendService = defineService(harveyBackendSpec);
