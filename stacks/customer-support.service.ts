import { CHROMADB_LATENCY_BUCKETS, chromadbMetrics } from '../alerts/datastores/chromadb.js';
import { MONGODB_METRICS } from '../alerts/datastores/mongodb.js';
import { llmMetrics } from '../alerts/llm-providers.js';
import { DEFAULT_LATENCY_BUCKETS, defineService, type MetricDefinition, type ServiceSpec } from '../lib/core/index.js';

/** Scrape job of the mongodb_exporter (percona, `--compatible-mode`) watching the MongoDB Atlas cluster. */
export const MONGODB_EXPORTER_JOB = 'mongodb-exporter';

/**
 * The API's `http_request_duration_seconds` buckets: prometheus_client's defaults plus 2s, so that every
 * latency threshold of the stack is a bound (the service contract: 500ms and 1000ms levels, 2s for
 * CustomerSupportHighResponseTime). The application passes the same list to its instrumentation
 * (prometheus-fastapi-instrumentator: `metrics.latency(buckets=...)`).
 */
export const API_LATENCY_BUCKETS: readonly number[] = [...DEFAULT_LATENCY_BUCKETS, 2].sort((a, b) => a - b);

/**
 * Business counters of the API (the service contract), incremented once per ticket when it is created, resolved
 * by the agents, or escalated to a human. `company_id` is the tenant (one label value per customer
 * company), so "are the escalations all from one company?" (runbook) is one query away.
 */
const TICKET_METRICS: readonly MetricDefinition[] = [
  { name: 'tickets_created_total', type: 'counter', source: 'application', labels: ['job', 'company_id'], help: 'Support tickets created (one per new customer conversation).' },
  { name: 'tickets_resolved_total', type: 'counter', source: 'application', labels: ['job', 'company_id'], help: 'Tickets resolved by the agents without a human.' },
  { name: 'tickets_escalated_total', type: 'counter', source: 'application', labels: ['job', 'company_id'], help: 'Tickets escalated to a human operator by the Escalator agent.' },
];

/**
 * The Telegram bot's own metrics, served with prometheus_client on its port 8080 next to `/health`
 * (the bot has no other HTTP server). Chosen here, the service contract names none:
 * - `telegram_updates_received_total` / `telegram_updates_failed_total`: updates taken from getUpdates,
 *   and those whose handling ended without a reply to the customer (exception, API error, timeout). The
 *   bot's SLO is answered updates over received ones;
 * - `telegram_getupdates_total{status}`: every getUpdates call, by `success`, `conflict` (409: another
 *   process polls with the same token, or a webhook is set), `unauthorized` (401: token revoked) or
 *   `error` (network, 5xx);
 * - `telegram_bot_last_poll_age_seconds`: seconds since the last successful getUpdates, computed when
 *   scraped (`Gauge.set_function(lambda: time.time() - last_success)`), so it keeps growing when the
 *   polling loop hangs, which no counter would show.
 */
const TELEGRAM_METRICS: readonly MetricDefinition[] = [
  { name: 'telegram_updates_received_total', type: 'counter', source: 'application', labels: ['job'], help: 'Updates (customer messages) received from Telegram through getUpdates.' },
  { name: 'telegram_updates_failed_total', type: 'counter', source: 'application', labels: ['job'], help: 'Received updates whose handling ended without a reply to the customer.' },
  {
    name: 'telegram_getupdates_total', type: 'counter', source: 'application', labels: ['job', 'status'],
    help: 'getUpdates calls to the Telegram Bot API by status: success, conflict (409), unauthorized (401), error.',
  },
  {
    name: 'telegram_bot_last_poll_age_seconds', type: 'gauge', source: 'application', labels: ['job'],
    help: 'Seconds since the last successful getUpdates call, computed at scrape time.',
  },
];

/**
 * The dashboard is Streamlit, which has no request metrics of its own (its `/_stcore/metrics` serves only
 * cache sizes), so its availability is measured where users reach it: ingress-nginx's request counter for
 * its Ingress. Selected by `ingress` alone: the controller's own `namespace` target label pushes the
 * metric's `namespace` to `exported_namespace` under kube-prometheus-stack's defaults. `MetricSource` has
 * no value for the ingress controller; `prometheus` marks it as scraped from outside the service's code.
 */
const INGRESS_METRICS: readonly MetricDefinition[] = [
  {
    name: 'nginx_ingress_controller_requests', type: 'counter', source: 'prometheus', labels: ['ingress', 'host', 'method', 'path', 'service', 'status'],
    help: 'Requests handled by ingress-nginx, by Ingress and status code (ingress-nginx controller metrics).',
  },
];

/**
 * MultiAgent Customer Support (its runbook): tickets answered by
 * LLM agents through a FastAPI API, a Telegram bot for customers and a Streamlit dashboard for the human
 * operators; MongoDB (Atlas), ChromaDB (knowledge base) and OpenAI.
 *
 * Choices where the service contract and the runbook are silent:
 * - MongoDB is the Atlas cluster of the runbook (`mongodb+srv://`, Performance Advisor, tier scaling),
 *   reached over the internet on 27017; ChromaDB runs in the cluster as a server (`chroma run`, port
 *   8000): an embedded PersistentClient on a pod's disk would be lost on rescheduling and could not be
 *   shared by the API's 2 to 4 replicas.
 * - The bot and the dashboard call the API through its public URL (`https://api.<domain>`, through the
 *   ingress controller, which the API admits), so no pod-to-pod rule is needed; that traffic, the
 *   Telegram Bot API (`api.telegram.org`) and OpenAI share the HTTPS egress rule of `openai`.
 */
export const customerSupportSpec: ServiceSpec = {
  name: 'customer-support',
  title: 'Customer Support',
  alertPrefix: 'CustomerSupport',
  team: 'customer-support',
  namespace: 'production',
  // The runbook's levels are P1..P4: every alert's `sev`, burn-rate tiers included (P2 pages, P3 tickets).
  sevVocabulary: 'P',
  latencyBuckets: API_LATENCY_BUCKETS,
  workloads: [
    {
      name: 'customer-support-api',
      job: 'customer-support-api',
      port: 8000,
      healthPath: '/health',
      image: { repository: 'ghcr.io/example-org/customer-support-api', tag: 'v0.1.0' },
      replicas: 2,
      // Runbook: the ECS task had 1 GiB and is raised to 2 GiB when memory stays above 85%. Here the request
      // keeps the 1 GiB the task reserved and the limit allows the 2 GiB, so a pod can grow into it without
      // a redeploy; the memory alerts (70% / 85%) are of the 2 GiB limit. CPU likewise bursts to twice its request.
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1000m', memory: '2Gi' } },
      // Runbook: 2 -> 4 tasks when CPU > 80%. ECS measures CPU against the task's reservation, which is the
      // request here: 80% of the 500m request = 400m, below the 500m (50% of the 1000m limit) at which
      // CustomerSupportApiCpuWarning fires, so the HPA adds pods before any CPU alert (checked by synth).
      // No memory target: the runbook answers memory pressure vertically (more memory per task), and a
      // Python process does not give memory back when load spreads over more pods.
      autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '80%' },
    },
    {
      // A long-polling bot must run exactly once: Telegram answers 409 Conflict to a second getUpdates with
      // the same token, and the two pollers steal each other's updates. So, an exception to "an HPA for
      // every workload": a fixed single replica and no HPA. A StatefulSet rather than a Deployment,
      // because it never starts the replacement pod before the old one is gone (a Deployment's rolling
      // update would briefly run two pollers, and a node partition could leave two running).
      name: 'customer-support-telegram-bot',
      kind: 'StatefulSet',
      job: 'customer-support-telegram-bot',
      // prometheus_client's server for /metrics and /health; Telegram is polled, nothing calls the bot.
      port: 8080,
      healthPath: '/health',
      image: { repository: 'ghcr.io/example-org/customer-support-telegram-bot', tag: 'v0.1.0' },
      replicas: 1,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      servesIngress: false,
    },
    {
      // Streamlit serves the operators' UI on 8501 with its own health endpoint; `/_stcore/metrics` is its
      // OpenMetrics endpoint (cache sizes), which keeps the target's `up` meaningful.
      name: 'customer-support-dashboard',
      job: 'customer-support-dashboard',
      port: 8501,
      healthPath: '/_stcore/health',
      metricsPath: '/_stcore/metrics',
      image: { repository: 'ghcr.io/example-org/customer-support-dashboard', tag: 'v0.1.0' },
      replicas: 1,
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
      // A few operators use it (99.0% allows 7h 12m of downtime a month): one pod, a second under load. A
      // Streamlit session lives on one pod's websocket, so the Ingress needs cookie affinity once there are two.
      autoscaling: { minReplicas: 1, maxReplicas: 2, cpuUtilization: '70%' },
    },
  ],
  dependencies: [
    // Atlas publishes no fixed addresses for a cluster's nodes (they move with scaling and failover): allow
    // 27017 to the internet, never to private ranges. With Atlas private endpoints, use their CIDR instead.
    {
      name: 'mongodb', kind: 'mongodb', port: 27017,
      external: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
    },
    { name: 'chromadb', kind: 'chromadb', port: 8000, inCluster: { podLabels: { 'app.kubernetes.io/name': 'chromadb' } } },
    // OpenAI publishes no stable IP ranges; the same rule carries api.telegram.org and the API's public URL.
    {
      name: 'openai', kind: 'https', port: 443,
      external: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
    },
  ],
  metrics: [
    ...TICKET_METRICS,
    ...TELEGRAM_METRICS,
    ...INGRESS_METRICS,
    ...MONGODB_METRICS,
    ...chromadbMetrics(CHROMADB_LATENCY_BUCKETS),
    ...llmMetrics(),
  ],
};

export const customerSupportService = defineService(customerSupportSpec);
