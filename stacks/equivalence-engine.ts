import { alertName, buildAlert } from '../alerts/alert-options.js';
import { availabilityAlerts } from '../alerts/availability.js';
import { containerResourcesAlerts } from '../alerts/container-resources.js';
import { postgresqlAlerts } from '../alerts/datastores/postgresql.js';
import { redisAlerts } from '../alerts/datastores/redis.js';
import { httpGoldenSignalsAlerts, type ErrorRateOptions } from '../alerts/http-golden-signals.js';
import { twoLevelAlerts } from '../alerts/two-level.js';
import { workerQueuesAlerts } from '../alerts/worker-queues.js';
import { performanceDashboard } from '../dashboards/service-performance.js';
import { sloDashboard } from '../dashboards/slo.js';
import {
  SEV1, SEV2_CRITICAL, SEV3, SEV4, type AlertSpec, type RunbookProcedure, type ServiceStack, type Signal, type Slo,
} from '../lib/core/index.js';
import { valueQuery } from '../lib/promql/signals.js';
import { defineSlo } from '../lib/slo/define-slo.js';
import { EQUIVALENCE_DATABASE, EQUIVALENCE_EXPORTER_JOBS as JOBS, equivalenceEngineService as service } from './equivalence-engine.service.js';

/*
 * Severities follow the runbook's table (the runbook) as the service contract maps
 * it: SEV-1 API unavailable (critical); SEV-2 processing stopped, worker or Redis down (critical: the
 * runbook states no lighter level, and stopped batch processing needs someone now); SEV-3 slowness or
 * backlog, failed jobs (warning); SEV-4 isolated errors, mapper timeouts, fallback mapper in use, failed
 * migrations (info). The runbook ranks "mapper does not answer" SEV-3 in its incident list; the service contract
 * puts mapper timeouts and the fallback at SEV-4, and the service contract wins. Choices where both are silent
 * are commented where they are made.
 */

const NS = service.namespace;
// Commands run inside the service's own containers: both have the RQ CLI and redis-py (RQ depends on it)
// and read the broker address from REDIS_URL, so no password appears here.
const WEB = 'equivalence-web';
const WORKER = 'equivalence-worker';
const RQ_INFO = `\`kubectl exec -n ${NS} deploy/${WORKER} -- sh -c 'rq info -u "$REDIS_URL"'\` (docker compose: \`rq info -u redis://localhost:6379/0\`)`;
const REDIS_PING = `\`kubectl exec -n ${NS} deploy/${WEB} -- python -c 'import os, redis; print(redis.Redis.from_url(os.environ["REDIS_URL"]).ping())'\` (docker compose: \`redis-cli ping\`)`;
const BACKUP = `Back up first: \`kubectl exec -n ${NS} <postgresql-pod> -- pg_dump -U equivalence equivalence -Fc -f /tmp/equiv_backup.dump\`, then \`kubectl cp ${NS}/<postgresql-pod>:/tmp/equiv_backup.dump ./backup.dump\`.`;
const NEVER_AUDIT = 'Never edit or delete audit records by hand, and never delete data without a backup.';

const apiAlerts: AlertSpec[] = [
  // SEV-1 "API unavailable": the target down (the runbook's first symptom, `curl /health` fails) ...
  ...availabilityAlerts(service, {
    workload: WEB, name: 'EquivalenceEngineApiDown', for: '1m', level: SEV1,
    // One API replica down past its start-up window (300s) while the other serves: a ticket.
    instanceDown: { name: 'EquivalenceEngineApiInstanceDown', for: '10m', level: SEV3 },
    runbook: {
      meaning: 'Prometheus cannot scrape the Equivalence Engine API (`equivalence-web`): its pods are down, crash-looping or not answering on port 8000. Evaluations fail; batch submissions cannot be enqueued.',
      diagnose: [
        `Are the web pods up? \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${WEB}\` (docker compose: \`docker compose ps\`)`,
        `Read the error: \`kubectl logs -n ${NS} deployment/${WEB} --tail=200\` (docker compose: \`docker compose logs --tail 200 web\`)`,
        `Check the health endpoint: \`kubectl port-forward -n ${NS} deploy/${WEB} 8000:8000\`, then \`curl -sS http://localhost:8000/health\``,
        `Check PostgreSQL and Redis: \`kubectl get pods -n ${NS} -l app.kubernetes.io/instance=equivalence-postgresql\`, ${REDIS_PING}`,
        'A schema error at start-up means a failed migration: see EquivalenceEngineSchemaMigrationFailed.',
      ],
      act: [
        'If PostgreSQL or Redis is down, bring it back first; the API recovers by itself.',
        `Restart the API: \`kubectl rollout restart deployment/${WEB} -n ${NS}\` (docker compose: \`docker compose restart web\`).`,
        `If a release just went out, roll it back: \`kubectl rollout undo deployment/${WEB} -n ${NS}\`.`,
      ],
    },
  }),
  // ... and 5xx above 5% (SEV-1, as Harvey's error alert), with isolated errors (SEV-4) as its lower level:
  // Alertmanager mutes the SEV-4 while the SEV-1 fires.
  ...twoLevelAlerts<ErrorRateOptions>(service, {
    levels: {
      warning: {
        name: 'EquivalenceEngineApiErrors', above: '1%', for: '15m', level: SEV4,
        runbook: {
          meaning: 'A small share of API requests end in a server error (5xx): isolated errors, not an outage. Consumers retry or get an error for single evaluations.',
          why: 'SEV-4 in the runbook ("isolated error"): 1% for 15 minutes is visible but not urgent; above 5% the SEV-1 alert takes over and mutes this one.',
          act: ['Find the failing handler and the exception in the logs; open a bug if it is new. No immediate action needed.'],
        },
      },
      critical: {
        name: 'EquivalenceEngineApiHighErrorRate', above: '5%', for: '5m', level: SEV1,
        runbook: {
          diagnose: [
            'Find the failing handlers: `sum by (handler, status) (rate(http_requests_total{job="equivalence-web",status=~"5.."}[5m]))`',
            `Read the errors: \`kubectl logs -n ${NS} deployment/${WEB} --tail=200 | grep -i error\``,
            `Check PostgreSQL (tenants, API keys: every request needs it) and Redis: \`kubectl get pods -n ${NS}\`, ${REDIS_PING}`,
            'Check the mappers: timeouts and fallback use on the dashboard (Dependencies row).',
          ],
          act: [
            `If the errors began with a release, roll back: \`kubectl rollout undo deployment/${WEB} -n ${NS}\``,
            'If a datastore is down, bring it back first.',
          ],
        },
      },
    },
  }, (_level, options) => httpGoldenSignalsAlerts(service, { workload: WEB, errors: options })[0]!),
  // SEV-3 slowness. The latency signal selects http_request_duration_seconds by job only, so the batch
  // handler is included: that is harmless, because POST /batch only enqueues the job and answers at once
  // (the slow part runs in the worker, outside any HTTP request); what this measures is the synchronous
  // path, evaluate above all, which waits on the mappers. 2.5s is a bucket bound (prometheus_client
  // defaults): a synchronous evaluation with an embedding and an LLM call rarely needs more.
  ...httpGoldenSignalsAlerts(service, {
    workload: WEB,
    latency: {
      name: 'EquivalenceEngineHighLatency', above: '2.5s', for: '10m', level: SEV3,
      runbook: {
        diagnose: [
          'Find the slow handlers: `histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="equivalence-web"}[5m])))`',
          'Slow evaluate with mapper timeouts or fallback use: the external mappers are slow (Dependencies row of the dashboard).',
          `Check CPU and memory of the pods: \`kubectl top pods -n ${NS} -l app.kubernetes.io/name=${WEB}\``,
          'Slow admin or key lookups point at PostgreSQL: connections and deadlocks on the dashboard.',
        ],
        act: [
          `If CPU-bound, check the HPA: \`kubectl get hpa ${WEB} -n ${NS}\`; at its maximum (6), raise maxReplicas in stacks/equivalence-engine.service.ts (\`kubectl scale\` would be reverted by the HPA).`,
          'If a mapper is slow, check EMBED_URL / LLM_URL and the provider; the fallback mapper should take over on timeouts.',
        ],
      },
    },
  }),
];

const workerAlerts: AlertSpec[] = workerQueuesAlerts(service, {
  exporterJob: JOBS.rq,
  rqInfo: RQ_INFO,
  // SEV-2 "worker down": no worker target healthy, or none left. One crash-looping worker among several
  // is capacity lost, not processing stopped: FewRqWorkers and the backlog alerts see it, and
  // EquivalenceEngineProcessingStopped pages when the queue is not consumed at all, whatever the pods
  // report; 5m lets a rescheduled pod come back first.
  workerDown: {
    workload: WORKER, name: 'EquivalenceEngineWorkerDown', for: '5m', level: SEV2_CRITICAL,
    runbook: {
      diagnose: [
        `Is Redis up? ${REDIS_PING}: workers cannot run without their broker.`,
        `Are the workers running? \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${WORKER}\` (docker compose: \`docker compose ps worker\`)`,
        `Read the worker logs: \`kubectl logs -n ${NS} deployment/${WORKER} --tail=200\` (docker compose: \`docker compose logs --tail 200 worker\`)`,
        `Are jobs waiting? ${RQ_INFO}`,
      ],
      act: [
        'If Redis is down, bring Redis up first (EquivalenceEngineRedisDown).',
        `Restart the workers: \`kubectl rollout restart deployment/${WORKER} -n ${NS}\` (docker compose: \`docker compose restart worker\`).`,
      ],
    },
  },
  // SEV-2 "processing stopped" (runbook incident 2): jobs wait and none ended for 15 minutes, read from
  // the queue and the jobs-processed counter, so it pages even while the worker pods look healthy (the
  // metrics server answers with `rq worker` dead). Redis down, the other half, is EquivalenceEngineRedisDown.
  processingStopped: {
    name: 'EquivalenceEngineProcessingStopped', processed: 'equivalence_jobs_processed_total', window: '15m', for: '5m', level: SEV2_CRITICAL,
    runbook: {
      diagnose: [
        `Jobs queued and workers: ${RQ_INFO}`,
        `Is Redis up? ${REDIS_PING}`,
        `Is \`rq worker\` alive in the worker pods? \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${WORKER}\`, \`kubectl logs -n ${NS} deployment/${WORKER} --tail=200\``,
      ],
      act: [
        'If Redis is down, bring Redis up first (EquivalenceEngineRedisDown).',
        `Restart the workers: \`kubectl rollout restart deployment/${WORKER} -n ${NS}\` (docker compose: \`docker compose restart worker\`).`,
        'Check the fallback mapper: jobs stuck on a mapper that never answers look like a stopped queue.',
      ],
    },
  },
  // The minimum of the worker HPA: fewer registered workers than that means workers died or hang.
  fewWorkers: { name: 'EquivalenceEngineFewRqWorkers', below: 2, for: '10m', level: SEV3 },
  // SEV-3 backlog. The runbook's daily question "are queued jobs growing?" as two alerts: more than 100
  // jobs waiting for 15 minutes (a batch submission is absorbed well within that at 2+ workers), and
  // fewer jobs processed than enqueued over 30 minutes for 15 more (work arrives faster than it is done).
  backlog: {
    name: 'EquivalenceEngineQueueBacklog', above: 100, for: '15m', level: SEV3,
    runbook: {
      diagnose: [
        `Jobs queued and workers: ${RQ_INFO}`,
        `Is Redis available? ${REDIS_PING}`,
        `Are the workers running and busy? \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${WORKER}\`, \`kubectl logs -n ${NS} deployment/${WORKER} --tail=200\``,
        'Are jobs slow because a mapper is? Mapper timeouts and fallback use on the dashboard.',
      ],
      act: [
        `Restart stuck workers: \`kubectl rollout restart deployment/${WORKER} -n ${NS}\`.`,
        `Add workers if all are busy: the worker HPA goes up to 8 (\`kubectl get hpa ${WORKER} -n ${NS}\`); at 8, raise maxReplicas in stacks/equivalence-engine.service.ts (\`kubectl scale\` would be reverted by the HPA).`,
      ],
    },
  },
  growing: {
    name: 'EquivalenceEngineQueueGrowing', enqueued: 'equivalence_jobs_enqueued_total', processed: 'equivalence_jobs_processed_total',
    below: '90%', window: '30m', for: '15m', level: SEV3,
  },
  // SEV-3 failed jobs: more than 10 jobs of a queue failed within 30 minutes (the counter, not RQ's
  // failed-job registry, which keeps them a year: the alert resolves 30 minutes after the last failure).
  failed: {
    name: 'EquivalenceEngineFailedJobs', processed: 'equivalence_jobs_processed_total', above: 10, window: '30m', for: '5m', level: SEV3,
    runbook: {
      act: [
        'Fix the cause first (a mapper down, a bad release: roll it back).',
        `Requeue the failed jobs once it is fixed: \`kubectl exec -n ${NS} deploy/${WORKER} -- sh -c 'rq requeue -u "$REDIS_URL" --queue <queue> --all'\`.`,
        'Delete jobs that must not run again from the failed-job registry only after noting their ids; evaluations are audited, so never touch their audit records.',
      ],
    },
  },
  // Without the exporter every queue alert is blind: a ticket, not a page (nothing user-visible yet).
  exporterDown: { name: 'EquivalenceEngineRqExporterDown', for: '5m', level: SEV3 },
});

const datastoreAlerts: AlertSpec[] = [
  // SEV-2 "Redis down": the RQ broker (no batch job is enqueued or processed) and the API's cache.
  ...redisAlerts(service, {
    job: JOBS.redis,
    down: {
      name: 'EquivalenceEngineRedisDown', for: '1m', level: SEV2_CRITICAL,
      runbook: {
        meaning: 'Redis, the RQ broker and cache of the Equivalence Engine, is unreachable: batch jobs can be neither enqueued nor processed, and the API loses its cache.',
        diagnose: [
          `Does Redis answer? ${REDIS_PING}`,
          `Check its pods: \`kubectl get pods -n ${NS} -l app.kubernetes.io/instance=equivalence-redis\` (restarts, OOMKilled) and their logs.`,
        ],
        act: [
          'Bring Redis up first, then restart the workers if they do not reconnect by themselves (EquivalenceEngineWorkerDown).',
          `Check the queues afterwards: ${RQ_INFO}; jobs enqueued before the outage are kept only if Redis persisted them.`,
        ],
      },
    },
    exporterDown: { name: 'EquivalenceEngineRedisExporterDown', for: '5m', level: SEV3 },
    // RQ keeps jobs as Redis keys: an evicted key is a lost job, so any eviction is a ticket (RQ's Redis
    // should run with maxmemory-policy noeviction).
    evictions: {
      name: 'EquivalenceEngineRedisEvictingKeys', above: 0, window: '10m', for: '1m', level: SEV3,
      runbook: {
        act: [
          'Set `maxmemory-policy noeviction` on the Redis holding the RQ queues (jobs must never be evicted) and give it more memory.',
          `Look for jobs lost meanwhile: ${RQ_INFO}; resubmit the affected batches.`,
        ],
      },
    },
    rejectedConnections: { name: 'EquivalenceEngineRedisRejectingConnections', above: 0, window: '10m', for: '1m', level: SEV3 },
  }),
  // PostgreSQL holds tenants and API keys: every authenticated request reads them, so PostgreSQL down is
  // the API down (SEV-1), though the runbook lists it only as a check of incident 1.
  ...postgresqlAlerts(service, {
    exporterJob: JOBS.postgresql,
    database: EQUIVALENCE_DATABASE,
    down: {
      name: 'EquivalenceEnginePostgresqlDown', for: '1m', level: SEV1,
      runbook: {
        act: [
          'Bring PostgreSQL back first (restart the pod, free disk space); API and workers reconnect by themselves.',
          `${BACKUP} Restore only from a backup: \`pg_restore -U equivalence -d equivalence --clean <dump>\`.`,
          NEVER_AUDIT,
        ],
      },
    },
    exporterDown: { name: 'EquivalenceEnginePostgresqlExporterDown', for: '5m', level: SEV3 },
    // max_connections is PostgreSQL's default 100: 80 leaves room for admin sessions and deploy surges.
    connections: { name: 'EquivalenceEnginePostgresqlTooManyConnections', above: 80, for: '10m', level: SEV3 },
    // A deadlock aborts one transaction (one request or job fails): an isolated error, SEV-4.
    deadlocks: { name: 'EquivalenceEnginePostgresqlDeadlocks', above: 0, window: '10m', for: '1m', level: SEV4 },
  }),
];

const resourceAlerts: AlertSpec[] = [
  // SEV-3 slowness from saturation. CPU 80% of the limit is far above the HPA target, so it fires only
  // when scaling did not keep up; memory 90% of the limit leaves ~100Mi before an OOM kill.
  ...containerResourcesAlerts(service, {
    workload: WEB,
    cpu: { name: 'EquivalenceEngineWebHighCPU', above: '80%', for: '10m', level: SEV3 },
    memory: { name: 'EquivalenceEngineWebHighMemory', above: '90%', for: '10m', level: SEV3 },
  }),
  // No CPU alert for the worker: a busy worker at its CPU limit is working as intended (the queue
  // alerts say whether it keeps up). Memory: an OOM kill loses the job being processed.
  ...containerResourcesAlerts(service, {
    workload: WORKER,
    memory: { name: 'EquivalenceEngineWorkerHighMemory', above: '90%', for: '10m', level: SEV3 },
  }),
];

/** Fallback answers in 10 minutes that still do not notify: one failed mapper call (or a few) is not an incident. */
const FALLBACK_FLOOR = 5;

/** SEV-4 application alerts on the metrics the service defines (stacks/equivalence-engine.service.ts). */
function applicationAlerts(): AlertSpec[] {
  const { issues } = service;
  const mapperTimeouts = alertName(service, 'EquivalenceEngineMapperTimeouts', 'MapperTimeouts');
  const fallback = alertName(service, 'EquivalenceEngineFallbackMapperInUse', 'FallbackMapperInUse');
  const migration = alertName(service, 'EquivalenceEngineSchemaMigrationFailed', 'SchemaMigrationFailed');
  const mapperDiagnose = [
    'Which mapper: `sum by (mapper) (rate(equivalence_mapper_timeouts_total[5m]))` and `sum by (mapper) (rate(equivalence_mapper_fallback_total[5m]))`',
    `Are EMBED_URL and LLM_URL set as expected? \`kubectl exec -n ${NS} deploy/${WEB} -- env | grep -E 'EMBED_URL|LLM_URL'\``,
    `Does the mapper answer? \`kubectl exec -n ${NS} deploy/${WEB} -- sh -c 'curl -sS -m 5 "$EMBED_URL/health"'\` (local mock: \`curl http://localhost:9001/health\`)`,
    'Check the provider\'s status page, the credentials (expired key: 401/403 in the logs) and egress (NetworkPolicy `equivalence-web-allow-egress`).',
  ];
  return [
    // 5% of mapper calls timing out over 10 minutes: more than a stray slow call, but evaluations still
    // complete through the fallback, so it informs (SEV-4) rather than tickets.
    buildAlert(service, { for: '10m', level: SEV4 }, {
      name: mapperTimeouts,
      group: 'mappers',
      signal: {
        kind: 'counterRatio',
        numerator: { metric: 'equivalence_mapper_timeouts_total', matchers: [] },
        denominator: { metric: 'equivalence_mapper_requests_total', matchers: [] },
        window: issues.duration(`alerts.${mapperTimeouts}.window`, '10m'),
        threshold: issues.ratioFromPercent(`alerts.${mapperTimeouts}.above`, '5%'),
        comparator: '>',
      },
      summary: 'Equivalence Engine: external mapper calls time out',
      description: '{{ $value | humanizePercentage }} of the calls to the external mappers timed out over the last 10m (threshold 5%).',
      runbook: {
        meaning: 'Calls to the external mappers (embeddings, LLM) time out: evaluations take longer and fall back to the degraded mapper.',
        why: 'Timeouts over all mapper calls, so the share does not depend on traffic; 5% for 10 minutes is a provider problem, not a stray slow call. With no calls the ratio is undefined and stays silent.',
        diagnose: mapperDiagnose,
        act: [
          'For development, use the local mocks (the compose file\'s embed and LLM mocks).',
          'For real providers, check credentials and network; the fallback mapper must take over by itself (EquivalenceEngineFallbackMapperInUse).',
        ],
      },
    }),
    // More than 5 fallback answers in 10 minutes: the runbook says one failed call must not notify, and
    // an increase over a window stays above 0 for the whole window after a single event (`for` alone
    // cannot filter it), so the floor is a count: a provider failing, not one call.
    buildAlert(service, { for: '5m', level: SEV4 }, {
      name: fallback,
      group: 'mappers',
      signal: {
        kind: 'counterIncrease',
        series: { metric: 'equivalence_mapper_fallback_total', matchers: [] },
        window: issues.duration(`alerts.${fallback}.window`, '10m'),
        threshold: FALLBACK_FLOOR,
        by: ['mapper'],
      },
      summary: 'Equivalence Engine answers with the fallback mapper instead of {{ $labels.mapper }}',
      description: `{{ printf "%.0f" $value }} evaluations used the fallback (degraded) mapper instead of {{ $labels.mapper }} over the last 10m (threshold ${FALLBACK_FLOOR}).`,
      runbook: {
        meaning: 'The external mapper failed and evaluations are answered by the fallback mapper: the service works in degraded mode and results may be less precise.',
        why: `More than ${FALLBACK_FLOOR} fallback answers within 10 minutes: a single failed call must not notify, and an increase over a window reads a single event for the whole window, so the floor is a count of events; held 5 minutes more.`,
        diagnose: mapperDiagnose,
        act: [
          'Nothing to switch: the fallback activates by itself. Restore the external mapper (credentials, network, provider).',
          'Note the time range in degraded mode: evaluations made meanwhile may need re-evaluation.',
        ],
      },
    }),
    buildAlert(service, { for: '5m', level: SEV4 }, {
      name: migration,
      group: 'migrations',
      signal: {
        kind: 'gaugeThreshold',
        series: { metric: 'equivalence_schema_revision_mismatch', matchers: [] },
        aggregation: 'max', by: ['job'], threshold: 0, comparator: '>', unit: 'none',
      },
      summary: 'Equivalence Engine ({{ $labels.job }}): database schema does not match the code',
      description: 'The database schema revision (alembic_version) differs from the revision {{ $labels.job }} expects: a migration failed or was not run.',
      runbook: {
        meaning: 'A migration failed or did not run: the database schema is behind the code (or ahead of it after a code rollback). API or worker refuse to become ready, or fail on schema errors.',
        why: 'The gauge is set by web and worker at start-up; 5 minutes lets a deploy run its migration before the new pods are checked.',
        diagnose: [
          `Read the migration logs: \`kubectl logs -n ${NS} job/<migration-job>\` (docker compose: \`docker compose logs migrate\`)`,
          `Compare revisions: \`kubectl exec -n ${NS} deploy/${WEB} -- alembic current\` and \`alembic heads\` (the \`alembic_version\` table).`,
        ],
        act: [
          BACKUP,
          `Then run the migration by hand: \`kubectl exec -n ${NS} deploy/${WEB} -- alembic upgrade head\`; never run migrations in production without that backup.`,
          NEVER_AUDIT,
        ],
      },
    }),
  ];
}

const alerts: AlertSpec[] = [...apiAlerts, ...workerAlerts, ...datastoreAlerts, ...resourceAlerts, ...applicationAlerts()];

/** The signal of one of the stack's alerts, so a panel plots exactly what the alert evaluates. */
function signalOf(name: string): Signal {
  const alert = alerts.find((a) => a.name === name);
  if (!alert) throw new Error(`no alert named ${name} in the Equivalence Engine stack`);
  return alert.signal;
}

const rq = `job="${JOBS.rq}"`;
const workerMemory = signalOf('EquivalenceEngineWorkerHighMemory');
// The worker CPU panel plots the worker memory alert's query for CPU: same pods, same window.
const workerCpu: Signal = workerMemory.kind === 'resourceUtilisation' ? { ...workerMemory, resource: 'cpu' } : workerMemory;
const dashboard = performanceDashboard({
  service,
  workload: service.workload(WEB),
  alerts,
  title: 'Equivalence Engine - Performance',
  uid: 'equivalence-engine-performance',
  // The asynchronous side: queues and workers (what `rq info` shows), jobs, worker pods.
  business: [
    { title: 'Jobs waiting per queue', description: 'rq_jobs{status="queued"} per queue: the backlog.', expr: valueQuery(signalOf('EquivalenceEngineQueueBacklog')), legend: '{{queue}}', unit: 'none' },
    { title: 'Jobs processed / enqueued', description: 'Jobs ended by the workers over jobs enqueued by the API; below 100% the backlog grows.', expr: valueQuery(signalOf('EquivalenceEngineQueueGrowing')), legend: 'processed / enqueued', unit: 'percentunit' },
    { title: 'Jobs enqueued per second', description: 'Batch jobs put on the queues by the API (equivalence_jobs_enqueued_total).', expr: 'sum by (queue) (rate(equivalence_jobs_enqueued_total[5m]))', legend: '{{queue}}', unit: 'ops' },
    { title: 'Jobs processed per second by status', description: 'Batch jobs ended by the workers, finished or failed (equivalence_jobs_processed_total).', expr: 'sum by (status) (rate(equivalence_jobs_processed_total[5m]))', legend: '{{status}}', unit: 'ops' },
    // A queue's failed series appears on its first failure: queues whose jobs end read 0 until then.
    { title: 'Jobs failed per queue (30m)', description: 'Jobs that failed within the last 30 minutes, per queue (what EquivalenceEngineFailedJobs counts).', expr: `${valueQuery(signalOf('EquivalenceEngineFailedJobs'))} or 0 * sum by (queue) (increase(equivalence_jobs_processed_total[30m]))`, legend: '{{queue}}', unit: 'none', thresholds: [{ alert: 'EquivalenceEngineFailedJobs' }] },
    { title: 'Failed-job registry per queue', description: 'Failed jobs RQ keeps for triage (a year by default, until requeued or deleted): rq_jobs{status="failed"}.', expr: `max by (queue) (rq_jobs{${rq},status="failed"})`, legend: '{{queue}}', unit: 'none' },
    { title: 'RQ workers by state', description: 'Workers registered in Redis (rq-exporter), by state.', expr: `sum by (state) (rq_workers{${rq}})`, legend: '{{state}}', unit: 'none', thresholds: [{ alert: 'EquivalenceEngineFewRqWorkers' }] },
    { title: 'Worker CPU per pod (of limit)', description: 'CPU of each equivalence-worker pod over its CPU limit; the worker HPA aims at 70% of the request.', expr: valueQuery(workerCpu), legend: '{{pod}}', unit: 'percentunit' },
    { title: 'Worker memory per pod (of limit)', description: 'Working set of each equivalence-worker pod over its memory limit; OOM-killed at 100%.', expr: valueQuery(workerMemory), legend: '{{pod}}', unit: 'percentunit' },
  ],
  dependencies: [
    { title: 'Mapper calls per second', description: 'Calls to the external mappers, by mapper.', expr: 'sum by (mapper) (rate(equivalence_mapper_requests_total[5m]))', legend: '{{mapper}}', unit: 'reqps', dependency: 'mapper-providers' },
    { title: 'Mapper timeout ratio', description: 'Timed-out mapper calls over all mapper calls.', expr: valueQuery(signalOf('EquivalenceEngineMapperTimeouts')), legend: 'timeouts', unit: 'percentunit', dependency: 'mapper-providers' },
    // The fallback counter of a mapper appears on its first fallback: mappers that are called read 0 until then.
    { title: 'Fallback mapper use', description: 'Evaluations answered by the fallback mapper over 10m, by the mapper it replaced.', expr: `${valueQuery(signalOf('EquivalenceEngineFallbackMapperInUse'))} or 0 * sum by (mapper) (increase(equivalence_mapper_requests_total[10m]))`, legend: '{{mapper}}', unit: 'none', dependency: 'mapper-providers' },
    { title: 'Redis up', description: 'redis_up of the RQ broker and cache (1 up, 0 down).', expr: valueQuery(signalOf('EquivalenceEngineRedisDown')), legend: 'redis', unit: 'none' },
    { title: 'PostgreSQL up', description: 'pg_up of the service database (1 up, 0 down).', expr: valueQuery(signalOf('EquivalenceEnginePostgresqlDown')), legend: 'postgresql', unit: 'none' },
    { title: 'PostgreSQL connections', description: `Connections open to database ${EQUIVALENCE_DATABASE} (max_connections: pg_settings_max_connections).`, expr: valueQuery(signalOf('EquivalenceEnginePostgresqlTooManyConnections')), legend: 'connections', unit: 'none' },
    { title: 'PostgreSQL deadlocks', description: 'Deadlocks over 10m per database.', expr: valueQuery(signalOf('EquivalenceEnginePostgresqlDeadlocks')), legend: '{{datname}}', unit: 'none' },
    { title: 'Schema revision mismatch', description: '1 while the database schema differs from what the code expects (failed migration).', expr: valueQuery(signalOf('EquivalenceEngineSchemaMigrationFailed')), legend: '{{job}}', unit: 'none' },
  ],
});

/**
 * Availability 99.5% over 30 days (3h 36m of full outage): consumers are decoupled from this service by
 * design (the runbook: they must not be blocked by its failures, batch is asynchronous), it runs on one
 * PostgreSQL and one Redis without failover, and its evaluations depend on external mappers; 99.9% (43m)
 * would be a promise that setup cannot keep. At 99.5% the fast page fires at 14.4 x 0.5% = 7.2% errors,
 * above the 5% SEV-1 alert, so a real outage pages once, as SEV-1.
 *
 * Latency: 95% of requests within 2.5s, the same bucket bound as EquivalenceEngineHighLatency ("synchronous
 * responses must be fast").
 *
 * Batch jobs: 99% of jobs end without failing, the asynchronous half of the promise (failed jobs are
 * audited evaluations that did not happen); 14.4 x 1% = 14.4% of jobs failing pages.
 */
const slos: Slo[] = [
  defineSlo(service, {
    name: 'availability',
    description: 'Requests to the Equivalence Engine API are answered without a server error (any status but 5xx).',
    sli: { kind: 'availability', workload: WEB },
    objective: '99.5%',
    period: '30d',
    runbook: {
      diagnose: [
        'Find the failing handlers: `sum by (handler, status) (rate(http_requests_total{job="equivalence-web",status=~"5.."}[5m]))`',
        `Read the errors: \`kubectl logs -n ${NS} deployment/${WEB} --tail=200 | grep -i error\``,
        `Check PostgreSQL and Redis (\`kubectl get pods -n ${NS}\`) and the mappers (timeouts, fallback).`,
      ],
      act: [`If the errors began with a release, roll back: \`kubectl rollout undo deployment/${WEB} -n ${NS}\``],
    },
  }),
  defineSlo(service, {
    name: 'latency',
    description: 'Requests to the Equivalence Engine API are answered within 2.5s.',
    sli: { kind: 'latency', workload: WEB, threshold: '2.5s' },
    objective: '95%',
    period: '30d',
    runbook: {
      diagnose: [
        'Find the slow handlers: `histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="equivalence-web"}[5m])))`',
        'Compare with mapper timeouts and fallback use (Dependencies row of the performance dashboard).',
      ],
      act: [`If CPU-bound and the HPA is at its maximum (\`kubectl get hpa ${WEB} -n ${NS}\`), raise maxReplicas in the stack; if a mapper is slow, restore it.`],
    },
  }),
  defineSlo(service, {
    name: 'batch-jobs',
    description: 'Batch jobs taken by a worker end without failing.',
    sli: { kind: 'ratio', bad: 'equivalence_jobs_processed_total{status="failed"}', total: 'equivalence_jobs_processed_total' },
    objective: '99%',
    period: '30d',
    runbook: {
      diagnose: [`Failed jobs and their exceptions: ${RQ_INFO}; the worker logs: \`kubectl logs -n ${NS} deployment/${WORKER} --tail=200\``],
      act: ['Fix the cause (mapper, datastore, release), then requeue the failed jobs (see EquivalenceEngineFailedJobs).'],
    },
  }),
];

const sloOverview = sloDashboard({ service, slos, title: 'Equivalence Engine - SLOs', uid: 'equivalence-engine-slos' });

/**
 * The runbook's procedures no alert starts: the start-of-day checklist, maintenance routines, backup and
 * restore, and planned migrations (never run in production without a backup).
 */
const procedures: RunbookProcedure[] = [
  {
    title: 'Daily checklist (start of the day)',
    when: 'Every working day, before traffic picks up.',
    steps: [
      `Pods: \`kubectl get pods -n ${NS}\` (docker compose: \`docker compose ps\`).`,
      `API health: \`kubectl port-forward -n ${NS} deploy/${WEB} 8000:8000\`, then \`curl -sS http://localhost:8000/health\`.`,
      `Redis: ${REDIS_PING}.`,
      `RQ queue: ${RQ_INFO}. Failed jobs? Queued jobs growing?`,
    ],
  },
  {
    title: 'Restart or rebuild a service',
    when: 'Routine maintenance: a configuration change, a stuck process, or a full rebuild.',
    steps: [
      `Restart one service: \`kubectl rollout restart deployment/${WEB} -n ${NS}\` or \`kubectl rollout restart deployment/${WORKER} -n ${NS}\` (docker compose: \`docker compose restart web\`, \`docker compose restart worker\`).`,
      'Full rebuild (docker compose): `docker compose up -d --build`.',
      'Full reset, development only (deletes the volumes and their data): `docker compose down -v`, then `docker compose up -d --build`.',
    ],
  },
  {
    title: 'Back up and restore PostgreSQL',
    when: 'Before a migration or any risky change to the data, or to recover data from a backup.',
    steps: [
      BACKUP,
      `Restore: copy the dump into the pod (\`kubectl cp ./backup.dump ${NS}/<postgresql-pod>:/tmp/backup.dump\`), then \`kubectl exec -n ${NS} <postgresql-pod> -- pg_restore -U equivalence -d equivalence --clean /tmp/backup.dump\` (docker compose: \`docker compose exec -T postgres pg_restore -U equivalence -d equivalence --clean /tmp/backup.dump\`).`,
      NEVER_AUDIT,
      'Never share API keys, and never log personal data (PII).',
    ],
  },
  {
    title: 'Run a database migration in production',
    when: 'A release brings an Alembic migration, or EquivalenceEngineSchemaMigrationFailed says the schema is behind the code.',
    steps: [
      BACKUP,
      `Compare revisions: \`kubectl exec -n ${NS} deploy/${WEB} -- alembic current\` and \`alembic heads\`.`,
      `Run it: \`kubectl exec -n ${NS} deploy/${WEB} -- alembic upgrade head\`, then check \`curl http://localhost:8000/health\` from the pod and that equivalence_schema_revision_mismatch is 0 for web and worker.`,
      NEVER_AUDIT,
    ],
  },
];

export const equivalenceEngine: ServiceStack = { service, alerts, dashboards: [dashboard, sloOverview], slos, procedures };
