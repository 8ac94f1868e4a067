import { authenticationFailuresAlert } from '../alerts/authentication.js';
import { availabilityAlerts } from '../alerts/availability.js';
import { redisAlerts } from '../alerts/datastores/redis.js';
import { httpGoldenSignalsAlerts } from '../alerts/http-golden-signals.js';
import { LLM_DURATION_METRIC, LLM_REQUESTS_METRIC, LLM_TOKENS_METRIC, llmProviderAlerts } from '../alerts/llm-providers.js';
import { performanceDashboard } from '../dashboards/service-performance.js';
import { sloDashboard } from '../dashboards/slo.js';
import { SEV1, SEV2_CRITICAL, SEV2_WARNING, SEV3, type AlertSpec, type RunbookProcedure, type ServiceStack, type Slo } from '../lib/core/index.js';
import { valueQuery } from '../lib/promql/signals.js';
import { defineSlo } from '../lib/slo/define-slo.js';
import { HARVEN_REDIS_JOB, HARVEN_REDIS_MAXMEMORY, harvenAiService as service } from './harven-ai.service.js';

/*
 * Harven.AI (its runbook). Severities: the service contract fixes the two HTTP
 * alerts (latency warning, error rate critical); the runbook names no SEV levels, so the `sev` label
 * follows the organisation's scale as Harvey uses it: SEV-1 for "users get errors" (error rate, API
 * down), SEV-2 critical for a dependency failure that stops a main feature until someone acts (logins,
 * OpenAI quota, Redis down), SEV-2 warning for a degradation (latency, Redis refusing connections),
 * SEV-3 tickets for causes that do not hurt users yet (evictions, Redis memory, OpenAI errors/latency,
 * a blind exporter).
 *
 * Today Harven runs on docker-compose (Coolify): every rule and dashboard query selects by `job` only
 * and none reads cAdvisor or kube-state-metrics, so the plain rule file and dashboards work as is (the
 * API overview's System row plots the process metrics, `system: 'process'`). Resource alerts are left
 * out: the container metrics do not exist there, and prometheus_client's process_* metrics are per
 * worker process (uvicorn/gunicorn workers), so a per-container memory threshold cannot be stated on them.
 */

const JOB = 'harven-backend';
const job = `job="${JOB}"`;
const DASHBOARD = 'Harven.AI - API Overview';
const LOGS = (filter: string): string => `\`docker logs harven-backend --tail=100 | grep -i ${filter}\``;
const REDIS_CLI = (command: string): string => `\`docker exec -it harven-redis redis-cli ${command}\``;
const ROLLBACK = 'Roll back: in Coolify open project Harven.AI > Deployments, select the previous deployment and click Redeploy; ' +
  'or on the host `git log --oneline -10`, `docker-compose down`, `git checkout <previous-commit>`, `docker-compose up -d --build`, ' +
  'then check `docker-compose ps` and `curl -s http://localhost:8000/ | jq` and watch the metrics for 10 minutes.';
const ESCALATE = 'Escalate: L1 DevOps on call (devops@harven.ai) first; L2 tech lead (techlead@harven.ai) after 30 minutes without resolution; ' +
  'L3 CTO (cto@harven.ai) for critical incidents (over an hour of downtime).';
const OPENAI_FALLBACK = 'Fall back to a cheaper model: set `OPENAI_MODEL=gpt-3.5-turbo` in the Coolify environment (read by `services/ai_service.py`) and redeploy.';
const SCAN_KEYS = (pattern: string): string => `\`docker exec harven-redis redis-cli --scan --pattern "${pattern}"\``;

const alerts: AlertSpec[] = [
  // Not in the service contract's fixed list: without it a stopped backend would be silent (no traffic, no 5xx ratio).
  ...availabilityAlerts(service, {
    workload: 'harven-backend', name: 'HarvenBackendDown', for: '1m', level: SEV1,
    // The runbook runs 2-3 backend containers (`--scale backend=3`): one of them down for 10 minutes is a ticket.
    instanceDown: { name: 'HarvenBackendInstanceDown', for: '10m', level: SEV3 },
    runbook: {
      meaning: 'Prometheus cannot scrape `harven-backend` on port 8000: the container is stopped, restarting or hung. Users get errors from the proxy or time out.',
      diagnose: [
        'Container state and restarts: `docker-compose ps` (or the Coolify panel of project Harven.AI).',
        `Last log lines: \`docker logs harven-backend --tail=100\``,
        'Does it answer on the host? `curl -s http://localhost:8000/ | jq`',
        'After the Kubernetes move: `kubectl get pods -n production -l app.kubernetes.io/name=harven-backend`.',
      ],
      act: [
        'If the container stopped or hangs: `docker-compose restart backend`.',
        `If a deploy just went out: ${ROLLBACK}`,
        ESCALATE,
      ],
    },
  }),
  ...httpGoldenSignalsAlerts(service, {
    workload: 'harven-backend',
    // the service contract: p95 > 3s for 5m, warning. 3s is a bucket bound of HARVEN_LATENCY_BUCKETS.
    latency: {
      name: 'HarvenHighLatency', above: '3s', for: '5m', level: SEV2_WARNING,
      runbook: {
        diagnose: [
          `Open the dashboard "${DASHBOARD}": p95 per handler, OpenAI latency and Redis.`,
          `Latency per endpoint (the runbook's query): \`histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{${job}}[5m])))\``,
          'OpenAI status: `curl -s https://status.openai.com/api/v2/status.json | jq .status.description`',
          `Redis: ${REDIS_CLI('ping')} (expect PONG) and ${REDIS_CLI('info memory')}`,
        ],
        act: [
          `OpenAI slow: check https://status.openai.com and consider the fallback. ${OPENAI_FALLBACK}`,
          'Slow database queries: check query performance in the Supabase dashboard and add the missing indexes.',
          `Redis saturated: clear the cache with \`docker exec harven-redis redis-cli FLUSHALL\`. It also drops rate limits and cached AI answers: expect a burst of OpenAI calls.`,
          'Too many requests: scale out with `docker-compose up -d --scale backend=3`.',
        ],
      },
    },
    // the service contract: 5xx > 5% for 5m, critical.
    errors: {
      name: 'HarvenHighErrorRate', above: '5%', for: '5m', level: SEV1,
      runbook: {
        diagnose: [
          'Sentry: https://sentry.io/organizations/harven/issues/ (new issues since the alert started).',
          `Recent errors: ${LOGS('error')}`,
          `Failing handlers: \`sum by (handler) (rate(http_requests_total{${job},status=~"5.."}[5m]))\``,
          'Health of every container: `docker-compose ps`',
        ],
        act: [
          `Bug in the code (a new Sentry issue since a deploy): ${ROLLBACK}`,
          'Supabase down: check https://status.supabase.com; nothing to restart on our side.',
          'OpenAI rate limit: check the quota (see HarvenOpenAIQuotaExceeded) and that OpenAI calls retry with backoff.',
          'Memory leak (memory climbing until requests fail): `docker-compose restart backend`.',
          ESCALATE,
        ],
      },
    },
  }),
  // Runbook §3 "mass 401/403". Normal refusals (expired tokens refreshed by the client, probes) stay a
  // few percent; 20% of all responses for 5m means a large share of users is locked out. Window 10m:
  // the counterRatio signal has no absolute floor, and a longer window keeps a quiet night's few
  // refused requests from reaching the share alone. Critical: nobody can use the app without logging in.
  authenticationFailuresAlert(service, {
    workload: 'harven-backend', name: 'HarvenAuthenticationFailures', above: '20%', window: '10m', for: '5m', level: SEV2_CRITICAL,
    runbook: {
      meaning: 'More than 20% of Harven.AI responses are 401 or 403: users cannot log in, or their Supabase Auth tokens (JWT) are rejected in bulk.',
      diagnose: [
        'Supabase Auth health: `curl -s "https://<project>.supabase.co/auth/v1/health"` and https://status.supabase.com',
        'Is the JWT secret set in the container? `docker exec harven-backend env | grep -c JWT_SECRET` (prints 1); compare it with the project\'s JWT secret in the Supabase dashboard, without pasting it anywhere.',
        `Refusals per handler and status: \`sum by (handler, status) (rate(http_requests_total{${job},status=~"401|403"}[5m]))\``,
        `Rate limiting: ${SCAN_KEYS('rate_limit:*')} \`| head -20\` (SCAN instead of the runbook's KEYS, which blocks Redis).`,
      ],
      act: [
        'Wrong JWT secret: fix the environment variables in Coolify and redeploy.',
        'Supabase Auth down: follow https://status.supabase.com and tell users; nothing to restart on our side.',
        'Rate limit hit by legitimate users: clear it with `docker exec harven-redis sh -c \'redis-cli --scan --pattern "rate_limit:*" | xargs -r redis-cli DEL\'` (`DEL rate_limit:*` does not expand patterns).',
        'Expired tokens (refusals rising an access-token lifetime after a release): check the front end\'s refresh-token logic.',
        ESCALATE,
      ],
    },
  }),
  // Runbook §4. Quota: 10% of calls refused with 429 for 5m. A few retried 429s in a burst stay below;
  // an exhausted quota (every call refused) or sustained throttling exceed it. Critical: the AI agents
  // stop answering and it does not heal by itself. Errors and latency are SEV-3 tickets that point at
  // OpenAI as the cause; the user-facing symptoms already page through the HTTP alerts.
  ...llmProviderAlerts(service, {
    workload: 'harven-backend', provider: 'openai', title: 'OpenAI',
    quota: {
      name: 'HarvenOpenAIQuotaExceeded', above: '10%', window: '5m', for: '5m', level: SEV2_CRITICAL,
      runbook: {
        diagnose: [
          'Usage and limits: https://platform.openai.com/usage (a per-minute rate limit recovers by itself; an exhausted quota or billing cap does not).',
          `AI logs: ${LOGS('openai')}`,
          `Refusals by model: \`sum by (model) (rate(${LLM_REQUESTS_METRIC}{${job},provider="openai",status="429"}[5m]))\``,
          `AI cache size: ${SCAN_KEYS('ai:*')} \`| wc -l\``,
        ],
        act: [
          `Immediately: ${OPENAI_FALLBACK}`,
          'Short term: cache AI answers more aggressively (longer TTLs on the `ai:*` keys).',
          'Medium term: ask finance to raise the OpenAI limit.',
          ESCALATE,
        ],
      },
    },
    errors: {
      name: 'HarvenOpenAIHighErrorRate', above: '10%', window: '5m', for: '5m', level: SEV3,
      runbook: {
        diagnose: [
          'OpenAI status: `curl -s https://status.openai.com/api/v2/status.json | jq .status.description`',
          `Failures by status and model: \`sum by (status, model) (rate(${LLM_REQUESTS_METRIC}{${job},provider="openai",status=~"5..|timeout|error"}[5m]))\``,
          `AI logs: ${LOGS('openai')}`,
        ],
        act: [
          `If OpenAI has an incident: ${OPENAI_FALLBACK}`,
          'Timeouts or connection errors only: check the host\'s outbound network and DNS before blaming OpenAI.',
        ],
      },
    },
    // 30s is a bucket bound of llm_request_duration_seconds. Typical completions take a few seconds; a
    // p95 above 30s for 10m is a provider slowdown, the first cause the runbook lists for high latency.
    latency: {
      name: 'HarvenOpenAIHighLatency', above: '30s', window: '5m', for: '10m', level: SEV3,
      runbook: {
        diagnose: [
          'OpenAI status: `curl -s https://status.openai.com/api/v2/status.json | jq .status.description`',
          `Which model is slow: \`histogram_quantile(0.95, sum by (le, model) (rate(${LLM_DURATION_METRIC}_bucket{${job},provider="openai"}[5m])))\``,
          `Tokens per call grew? \`sum by (type) (rate(${LLM_TOKENS_METRIC}{${job},provider="openai"}[5m]))\``,
        ],
        act: [OPENAI_FALLBACK, 'Serve repeated questions from the `ai:*` cache (longer TTLs).'],
      },
    },
  }),
  // Runbook §1 ("Redis saturado") and the Redis checks of §3/§4, from redis_exporter.
  ...redisAlerts(service, {
    job: HARVEN_REDIS_JOB,
    // Redis is the cache and the rate limiter: when it is down requests fail or lose their limits.
    down: {
      name: 'HarvenRedisDown', for: '1m', level: SEV2_CRITICAL,
      runbook: {
        diagnose: [
          'Container state: `docker-compose ps` and `docker logs harven-redis --tail=100` (out of memory, persistence errors).',
          `Does it answer? ${REDIS_CLI('ping')} (expect PONG)`,
        ],
        act: ['Restart it: `docker restart harven-redis`, then check `redis_up` on the dashboard.', ESCALATE],
      },
    },
    exporterDown: {
      name: 'HarvenRedisExporterDown', for: '5m', level: SEV3,
      runbook: {
        diagnose: [
          'Is the redis_exporter container running? `docker-compose ps`',
          'Does it answer? `curl -s http://<exporter-host>:9121/metrics | grep redis_up`',
          `Is the scrape job \`${HARVEN_REDIS_JOB}\` in Prometheus's configuration (Status > Targets)?`,
        ],
      },
    },
    // Any eviction in 10m: Redis reached maxmemory and drops cached AI answers (more OpenAI calls, see
    // the quota alert) and possibly rate-limit keys.
    evictions: {
      name: 'HarvenRedisEvictingKeys', above: 0, window: '10m', for: '5m', level: SEV3,
      runbook: {
        diagnose: [
          `Memory and policy: ${REDIS_CLI('info memory')} (used_memory_human, maxmemory_human, maxmemory_policy).`,
          `What fills it: ${SCAN_KEYS('ai:*')} \`| wc -l\` (AI cache) and ${SCAN_KEYS('rate_limit:*')} \`| wc -l\`.`,
        ],
        act: [
          'If the AI cache crowds everything out, shorten its TTLs; if the data is needed, raise maxmemory (and HARVEN_REDIS_MAXMEMORY in the stack).',
          'Last resort, as the runbook says: `docker exec harven-redis redis-cli FLUSHALL` (drops rate limits and the AI cache too).',
        ],
      },
    },
    rejectedConnections: {
      name: 'HarvenRedisRejectingConnections', above: 0, window: '10m', for: '1m', level: SEV2_WARNING,
      runbook: {
        diagnose: [
          `Clients against the limit: ${REDIS_CLI('info clients')} (connected_clients, maxclients).`,
          `Who holds them: ${REDIS_CLI('client list')} (many idle connections from the backend point at a connection-pool leak).`,
        ],
        act: ['Restart the backend to release leaked connections: `docker-compose restart backend`.'],
      },
    },
    // 90% of the maxmemory the compose file sets (HARVEN_REDIS_MAXMEMORY) leaves time to act before
    // evictions start (or, with noeviction, before writes fail).
    memory: {
      name: 'HarvenRedisMemoryHigh', maxmemory: HARVEN_REDIS_MAXMEMORY, above: '90%', for: '10m', level: SEV3,
      runbook: {
        diagnose: [
          `Memory and policy: ${REDIS_CLI('info memory')}`,
          `What fills it: ${SCAN_KEYS('ai:*')} \`| wc -l\` (AI cache) and \`docker exec harven-redis redis-cli --bigkeys\`.`,
        ],
        act: [
          'Shorten the TTLs of the AI cache, or raise maxmemory in the compose file and here together.',
          'Last resort, as the runbook says: `docker exec harven-redis redis-cli FLUSHALL` (drops rate limits and the AI cache too).',
        ],
      },
    },
  }),
];

const redis = `job="${HARVEN_REDIS_JOB}"`;
const openai = `${job},provider="openai"`;
/** The exact query an alert evaluates, so its panel draws the alert's line by itself. */
const plotted = (name: string): string => {
  const alert = alerts.find((a) => a.name === name);
  if (!alert) throw new Error(`stacks/harven-ai.ts: no alert named ${name}`);
  return valueQuery(alert.signal);
};
const dashboard = performanceDashboard({
  service,
  workload: service.workload('harven-backend'),
  alerts,
  title: DASHBOARD,
  uid: 'harven-ai-api-overview',
  // docker-compose has no cAdvisor or kube-state-metrics: the System row reads prometheus_client's
  // process_* metrics by job only (per uvicorn/gunicorn worker process when several run per container).
  system: 'process',
  // Neither exports metrics nor is called through an instrumented client; their failures surface as
  // the API's own 5xx and 401/403 (Application and Business rows).
  unobservedDependencies: {
    supabase: 'supabase-py calls are not instrumented; its failures show as the API\'s 5xx and 401/403, and on https://status.supabase.com',
    sentry: 'error reporting only: its outage loses error reports, never requests',
  },
  // The template's Business row holds what the runbook looks at first beyond the standard HTTP panels.
  business: [
    {
      title: 'Latency p95 per handler',
      description: 'The runbook\'s latency-by-endpoint query: p95 of http_request_duration_seconds per handler. HarvenHighLatency watches the p95 over all handlers.',
      expr: `histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{${job}}[5m])))`,
      legend: '{{handler}}', unit: 's', thresholds: [{ alert: 'HarvenHighLatency' }],
    },
    {
      title: 'Share of requests refused (401/403)',
      description: 'Responses answered 401 or 403 over all responses: what HarvenAuthenticationFailures evaluates.',
      expr: plotted('HarvenAuthenticationFailures'), legend: '401/403', unit: 'percentunit',
    },
    {
      title: 'Refused requests (401/403) per handler',
      description: 'Requests per second answered 401 or 403, per handler: only the login handler points at credentials or Supabase Auth; every handler at JWT validation.',
      // 401/403 series exist only after the first refusal: every handler that serves reads 0 until then.
      expr: `sum by (handler) (rate(http_requests_total{${job},status=~"401|403"}[5m])) or 0 * sum by (handler) (rate(http_requests_total{${job}}[5m]))`,
      legend: '{{handler}}', unit: 'reqps',
    },
  ],
  dependencies: [
    {
      title: 'OpenAI calls refused with 429',
      description: `Share of calls to OpenAI answered 429 (rate limit or quota): what HarvenOpenAIQuotaExceeded evaluates.`,
      expr: plotted('HarvenOpenAIQuotaExceeded'), legend: '429', unit: 'percentunit',
    },
    {
      title: 'OpenAI failed calls',
      description: 'Share of calls to OpenAI that failed with a 5xx, a timeout or a connection error: what HarvenOpenAIHighErrorRate evaluates.',
      expr: plotted('HarvenOpenAIHighErrorRate'), legend: 'failed', unit: 'percentunit',
    },
    {
      title: 'OpenAI calls per second by status',
      description: `${LLM_REQUESTS_METRIC} for provider openai, by status (HTTP code, timeout or error); retries count as calls.`,
      expr: `sum by (status) (rate(${LLM_REQUESTS_METRIC}{${openai}}[5m]))`, legend: '{{status}}', unit: 'reqps',
    },
    {
      title: 'OpenAI latency p95 by model',
      description: `p95 of ${LLM_DURATION_METRIC} per model. HarvenOpenAIHighLatency watches the p95 over all models.`,
      expr: `histogram_quantile(0.95, sum by (le, model) (rate(${LLM_DURATION_METRIC}_bucket{${openai}}[5m])))`,
      legend: '{{model}}', unit: 's', thresholds: [{ alert: 'HarvenOpenAIHighLatency' }],
    },
    {
      title: 'OpenAI tokens per minute by model and type',
      description: `${LLM_TOKENS_METRIC} per minute (prompt and completion), to compare with the account's TPM limit and billing.`,
      expr: `sum by (model, type) (rate(${LLM_TOKENS_METRIC}{${openai}}[5m])) * 60`, legend: '{{model}} {{type}}', unit: 'none',
    },
    {
      title: 'Redis up',
      description: `redis_up from the exporter (job ${HARVEN_REDIS_JOB}): 1 when it reaches Redis. Empty when the exporter itself is down (HarvenRedisExporterDown).`,
      expr: plotted('HarvenRedisDown'), legend: 'up', unit: 'none',
    },
    {
      title: 'Redis memory used',
      description: `Memory allocated by Redis; maxmemory is ${HARVEN_REDIS_MAXMEMORY}.`,
      expr: plotted('HarvenRedisMemoryHigh'), legend: 'used', unit: 'bytes',
    },
    {
      title: 'Redis evicted keys (10m)',
      description: 'Keys evicted at maxmemory over the last 10 minutes.',
      expr: plotted('HarvenRedisEvictingKeys'), legend: 'evicted', unit: 'none',
    },
    {
      title: 'Redis rejected connections (10m)',
      description: 'Connections refused at maxclients over the last 10 minutes.',
      expr: plotted('HarvenRedisRejectingConnections'), legend: 'rejected', unit: 'none',
    },
    {
      title: 'Redis connected clients',
      description: 'Client connections open; beyond maxclients new ones are refused.',
      expr: `max(redis_connected_clients{${redis}})`, legend: 'clients', unit: 'none',
    },
    {
      title: 'Redis cache hit ratio',
      description: 'Key lookups that found their key. A falling ratio after evictions or a FLUSHALL means more work for OpenAI and Supabase.',
      expr: `sum(rate(redis_keyspace_hits_total{${redis}}[5m])) / (sum(rate(redis_keyspace_hits_total{${redis}}[5m])) + sum(rate(redis_keyspace_misses_total{${redis}}[5m])))`,
      legend: 'hit ratio', unit: 'percentunit',
    },
  ],
});

/**
 * Neither the service contract nor the runbook sets an SLO for Harven. Chosen: availability 99.9% of requests
 * answered without a 5xx over 30 days, as for the other user-facing APIs (Harvey, Customer Support API):
 * 43 minutes of full-error budget a month. The SLI is server-side, so minutes the backend is down
 * (a docker-compose rollback stops it) are not counted: HarvenBackendDown covers them. No latency SLO:
 * the runbook only states the 3s p95 alert, and AI endpoints that wait for OpenAI have another latency
 * profile than the rest; one can follow when the per-handler latency is known.
 */
const slos: Slo[] = [
  defineSlo(service, {
    name: 'availability',
    description: 'Requests to Harven.AI are answered without a server error (any status but 5xx).',
    sli: { kind: 'availability', workload: 'harven-backend' },
    objective: '99.9%',
    period: '30d',
    runbook: {
      diagnose: [
        'Sentry: https://sentry.io/organizations/harven/issues/',
        `Failing handlers: \`sum by (handler, status) (rate(http_requests_total{${job},status=~"5.."}[5m]))\``,
        `Recent errors: ${LOGS('error')}`,
        'Supabase and OpenAI status: https://status.supabase.com and https://status.openai.com',
      ],
      act: [`If the errors began with a deploy: ${ROLLBACK}`, 'If OpenAI or Supabase fail, follow HarvenOpenAIQuotaExceeded or the Supabase status page.'],
    },
  }),
];

const sloOverview = sloDashboard({ service, slos, title: 'Harven.AI - SLOs', uid: 'harven-ai-slos' });

/** The runbook's procedures no alert starts, kept as runbook sections (the alerts' steps refer to them too). */
const procedures: RunbookProcedure[] = [
  {
    title: 'Roll back a deploy',
    when: 'A deploy made things worse (errors, latency, a new Sentry issue since it went out), whichever alert fired or none.',
    steps: [ROLLBACK, 'Tell the team in the incident channel which deployment was rolled back and why.'],
  },
  {
    title: 'Supabase database issues',
    when: 'Connection errors to Supabase, query timeouts or inconsistent data (supabase-py calls are not instrumented, so no alert names them).',
    steps: [
      'Supabase status: `curl -s "https://<project>.supabase.co/rest/v1/" -H "apikey: $SUPABASE_KEY" -H "Authorization: Bearer $SUPABASE_KEY"` (the key from the Coolify environment; never paste it anywhere) and https://status.supabase.com.',
      'Active connections: Supabase dashboard > Database > Connections.',
      `Database errors in the backend: ${LOGS('supabase')}.`,
      'Too many connections: check the connection pooling. Slow query: add indexes, optimize the query. Supabase down: follow https://status.supabase.com. RLS blocking: check the policies in the Supabase dashboard.',
    ],
  },
  {
    title: 'Deploy checklist',
    when: 'Before every deploy to production.',
    steps: [
      'Tests pass locally; the PR is approved; the security scan is clean.',
      'A recent database backup exists.',
      'Deploy in a low-traffic window, with the on-call team told beforehand.',
    ],
  },
  {
    title: 'Incident checklist',
    when: 'Any incident, whichever alert fired or none.',
    steps: [
      `Identify the symptoms; check the dashboards (Grafana "${DASHBOARD}", Sentry: https://sentry.io/organizations/harven/issues/).`,
      'Tell the stakeholders; isolate the problem.',
      'Apply a fix or roll back (see "Roll back a deploy").',
      'Write it up in the post-mortem and create the action items.',
    ],
  },
  {
    title: 'Escalation',
    when: 'An incident is not resolved by the first responder, or users cannot use Harven.AI.',
    steps: [ESCALATE],
  },
];

export const harvenAi: ServiceStack = { service, alerts, dashboards: [dashboard, sloOverview], slos, procedures };
