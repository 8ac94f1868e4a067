import type { AlertSpec, LabelMatcher } from '../lib/core/alert.js';
import type { MetricDefinition, MetricSource } from '../lib/core/metric-catalog.js';
import type { Service } from '../lib/core/service.js';
import type { DurationText, PercentText } from '../lib/core/units.js';
import { eq, re, renderSelector } from '../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';

/**
 * `MetricSource` has no value for third-party exporters yet; `prometheus` (as in alerts/datastores/redis.ts)
 * marks these series as scraped from something other than the service's own code, so nothing generated
 * from the catalog's `application` metrics (the planned prom-client kit) ever emits them.
 */
const EXPORTER: MetricSource = 'prometheus';

/**
 * Worker queues of Python RQ (Redis Queue), watched through mdawar/rq-exporter
 * (https://github.com/mdawar/rq-exporter, default port 9726), which reads the queues and the worker
 * registry from Redis at every scrape:
 *
 * - gauge `rq_workers{name,queues,state}`: 1 per worker registered in Redis; `state` is idle, busy or
 *   suspended, `queues` the comma-separated queues the worker listens on. While **no** worker is
 *   registered the exporter writes no `rq_workers` sample at all, so a plain `sum(rq_workers) < 2` is an
 *   empty vector then and never fires; the fewWorkers alert reads no series as 0 workers
 *   (`or on() vector(0)`, the signal's `absentAs`), so it also fires when every worker is gone while
 *   their pods still answer scrapes (the worker's own target-down alert does not see that).
 * - gauge `rq_jobs{queue,status}`: jobs per queue and status. `queued` is the backlog waiting for a
 *   worker; `failed` is the size of the failed-job registry (RQ keeps failed jobs there for a year by
 *   default, so the gauge only drops when someone requeues or deletes them); also `started`,
 *   `finished`, `deferred`, `scheduled`.
 *
 * The status label is `status`, as rq-exporter's collector writes it (an early README called it `state`).
 *
 * "Backlog growing" is not expressible on these gauges with the signal kinds there are: it needs the
 * slope of a gauge (`deriv`/`delta`), and `increase()` reads every drop of the queue (workers catching up)
 * as a counter reset, so a healthy, busy queue would look like a growing one. `growing` therefore compares
 * two application counters instead: jobs processed over jobs enqueued below a ratio means work arrives
 * faster than it is done.
 */
export const RQ_EXPORTER_METRICS: readonly MetricDefinition[] = [
  {
    name: 'rq_workers', type: 'gauge', labels: ['name', 'queues', 'state'], source: EXPORTER,
    help: 'RQ workers registered in Redis, 1 per worker (rq-exporter); state idle, busy or suspended; queues comma-separated. No sample while no worker is registered.',
    exposition: { presence: 'per-entity', entity: 'registered RQ worker' },
  },
  {
    name: 'rq_jobs', type: 'gauge', labels: ['queue', 'status'], source: EXPORTER,
    help: 'RQ jobs per queue and status (rq-exporter): queued, started, finished, failed (failed-job registry), deferred, scheduled.',
  },
];

export interface WorkerDownOptions extends CommonAlertOptions {
  /** The workload running the RQ workers; its own scrape target (`up`) is watched. */
  readonly workload: string;
}

export interface FewWorkersOptions extends CommonAlertOptions {
  /**
   * Fires when fewer workers than this are registered, none included: rq-exporter writes no sample
   * without workers, which the alert reads as 0 workers. At least 1.
   */
  readonly below: number;
}

export interface JobCountOptions extends CommonAlertOptions {
  /** Fires when a queue holds more jobs than this (an integer, 0 for "any"). */
  readonly above: number;
}

export interface GrowingBacklogOptions extends CommonAlertOptions {
  /** Application counter of jobs put on the queues, e.g. `shop_jobs_enqueued_total`; all its series are summed. */
  readonly enqueued: string;
  /** Application counter of jobs taken off the queues and ended (succeeded or failed); all its series are summed. */
  readonly processed: string;
  /** Fires when jobs processed over jobs enqueued is below this share, e.g. `'90%'`. */
  readonly below: PercentText;
  /** Rate window of both counters. @default '30m' */
  readonly window?: DurationText;
}

export interface WorkerQueuesOptions {
  /** Scrape job of the rq-exporter reading this service's Redis, e.g. `shop-rq-exporter`. */
  readonly exporterJob: string;
  /** Only these queues. @default every queue the exporter reports */
  readonly queues?: readonly string[];
  /**
   * How responders run `rq info` against this Redis, for the runbooks (Markdown, commands in backticks).
   * @default '`rq info -u redis://<redis-host>:6379/0`'
   */
  readonly rqInfo?: string;
  /** The exporter's scrape target is down: every other queue alert is blind. @default name '<Prefix>RqExporterDown' */
  readonly exporterDown?: CommonAlertOptions;
  /** The worker workload's scrape target is down or missing. @default name '<Prefix>WorkerDown' */
  readonly workerDown?: WorkerDownOptions;
  /** `sum(rq_workers) < below`. @default name '<Prefix>FewRqWorkers' */
  readonly fewWorkers?: FewWorkersOptions;
  /** `max by (queue) (rq_jobs{status="queued"}) > above`. @default name '<Prefix>QueueBacklog' */
  readonly backlog?: JobCountOptions;
  /** Jobs processed over jobs enqueued below a ratio. @default name '<Prefix>QueueGrowing' */
  readonly growing?: GrowingBacklogOptions;
  /** `max by (queue) (rq_jobs{status="failed"}) > above`. @default name '<Prefix>FailedJobs' */
  readonly failed?: JobCountOptions;
}

const MAX_JOBS = 1_000_000;
const MAX_WORKERS = 1000;
const PACK = 'alerts.workerQueues';

/** Alerts on RQ worker queues for any service whose catalog holds RQ_EXPORTER_METRICS. */
export function workerQueuesAlerts(service: Service, options: WorkerQueuesOptions): AlertSpec[] {
  const { issues } = service;
  const job = issues.jobName(`${PACK}.exporterJob`, options.exporterJob);
  const queuesOk = options.queues === undefined
    || (Array.isArray(options.queues) && options.queues.length > 0 && options.queues.every((q) => typeof q === 'string' && q !== ''));
  issues.check(queuesOk, `${PACK}.queues`, options.queues, 'a non-empty list of non-empty queue names, or leave queues out for every queue');
  const queues = queuesOk ? options.queues ?? [] : [];
  const rqInfo = options.rqInfo === undefined ? '`rq info -u redis://<redis-host>:6379/0`' : issues.nonEmpty(`${PACK}.rqInfo`, options.rqInfo);
  const ctx: PackContext = { service, job, queues, rqInfo };
  const alerts: AlertSpec[] = [];
  if (options.exporterDown) alerts.push(exporterDownAlert(ctx, options.exporterDown));
  if (options.workerDown) alerts.push(workerDownAlert(ctx, options.workerDown));
  if (options.fewWorkers) alerts.push(fewWorkersAlert(ctx, options.fewWorkers));
  if (options.backlog) alerts.push(jobCountAlert(ctx, 'queued', options.backlog));
  if (options.growing) alerts.push(growingAlert(ctx, options.growing));
  if (options.failed) alerts.push(jobCountAlert(ctx, 'failed', options.failed));
  return alerts;
}

interface PackContext {
  readonly service: Service;
  readonly job: string;
  readonly queues: readonly string[];
  readonly rqInfo: string;
}

/** RE2 metacharacters escaped, so a queue named `a.b` matches only itself. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function queueMatchers(queues: readonly string[]): LabelMatcher[] {
  if (queues.length === 0) return [];
  if (queues.length === 1) return [eq('queue', queues[0]!)];
  return [re('queue', queues.map(escapeRegex).join('|'))];
}

/** `queues` is comma-separated ("high,default,low"): a worker counts when any of its queues is watched. */
function workerQueueMatchers(queues: readonly string[]): LabelMatcher[] {
  if (queues.length === 0) return [];
  return [re('queues', `(.*,)?(${queues.map(escapeRegex).join('|')})(,.*)?`)];
}

function requireMetric(ctx: PackContext, name: string, metric: string): void {
  const found = ctx.service.metrics.find(metric);
  ctx.service.issues.check(found?.type === 'gauge', `alerts.${name}.metric`, metric,
    "a gauge in the service's metric catalog: add RQ_EXPORTER_METRICS (alerts/worker-queues.ts) to the service's metrics");
}

function rqInfo(ctx: PackContext): string {
  return `Read the queues and workers straight from Redis: ${ctx.rqInfo}${ctx.queues.length ? ` (queues ${ctx.queues.join(', ')})` : ''}`;
}

function exporterDownAlert(ctx: PackContext, options: CommonAlertOptions): AlertSpec {
  const { service, job } = ctx;
  const name = alertName(service, options.name, 'RqExporterDown');
  return buildAlert(service, options, {
    name,
    group: 'queues',
    signal: { kind: 'targetDown', job },
    summary: `${service.title}: the RQ exporter (${job}) cannot be scraped`,
    description: `Prometheus cannot scrape job ${job} (down or missing): queue and worker metrics of ${service.title} are missing, so backlog and failed-job alerts cannot fire.`,
    runbook: {
      meaning: `The rq-exporter that reads ${service.title}'s queues from Redis is down, missing, or cannot reach Redis (it answers scrapes with an error then). The queue alerts are blind meanwhile.`,
      why: 'rq-exporter reads Redis at every scrape; a few minutes of failed scrapes separates an exporter or Redis outage from one slow scrape.',
      diagnose: [
        `Find the exporter target: \`up{job="${job}"}\` in Prometheus (0: scrape failed; no series: target missing).`,
        `Check its pods and logs: \`kubectl get pods -n ${service.namespace} -l app.kubernetes.io/name=${job}\`, \`kubectl logs -n ${service.namespace} -l app.kubernetes.io/name=${job} --tail=100\` (Redis connection errors?)`,
        rqInfo(ctx),
      ],
      act: [
        'If Redis is down, bring Redis back first: the exporter recovers by itself.',
        `Otherwise restart the exporter: \`kubectl rollout restart deployment/${job} -n ${service.namespace}\`.`,
      ],
    },
  });
}

function workerDownAlert(ctx: PackContext, options: WorkerDownOptions): AlertSpec {
  const { service } = ctx;
  const name = alertName(service, options.name, 'WorkerDown');
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  return buildAlert(service, options, {
    name,
    group: 'queues',
    signal: { kind: 'targetDown', job: workload.job },
    summary: `${service.title}: the queue workers (${workload.name}) are down`,
    description: `Prometheus cannot scrape job ${workload.job} (target down or missing): queued jobs of ${service.title} are not being processed.`,
    runbook: {
      meaning: `The ${workload.name} pods are not running or not answering: nothing takes jobs off the queues, so asynchronous work waits and the backlog grows.`,
      why: 'A missing target counts as down (a scaled-to-zero or deleted worker Deployment must not look healthy); a few minutes of failed scrapes filters a rolling restart.',
      diagnose: [
        `List the worker pods and restarts: \`kubectl get pods -n ${service.namespace} -l app.kubernetes.io/name=${workload.name}\``,
        `Read the events of a failing pod: \`kubectl describe pod -n ${service.namespace} <pod>\` (CrashLoopBackOff, OOMKilled, image pull errors).`,
        `Read the worker logs: \`kubectl logs -n ${service.namespace} deployment/${workload.name} --tail=200\``,
        rqInfo(ctx),
      ],
      act: [
        'If Redis is down, bring Redis back first: workers cannot start without their broker.',
        `Restart the workers: \`kubectl rollout restart ${workload.kind.toLowerCase()}/${workload.name} -n ${service.namespace}\`; roll back a release that broke them.`,
      ],
    },
  });
}

function fewWorkersAlert(ctx: PackContext, options: FewWorkersOptions): AlertSpec {
  const { service, job, queues } = ctx;
  const name = alertName(service, options.name, 'FewRqWorkers');
  requireMetric(ctx, name, 'rq_workers');
  const ok = Number.isInteger(options.below) && options.below >= 1 && options.below <= MAX_WORKERS;
  service.issues.check(ok, `alerts.${name}.below`, options.below, `an integer from 1 to ${MAX_WORKERS}`);
  const below = ok ? options.below : 2;
  return buildAlert(service, options, {
    name,
    group: 'queues',
    signal: {
      kind: 'gaugeThreshold',
      series: { metric: 'rq_workers', matchers: [eq('job', job), ...workerQueueMatchers(queues)] },
      aggregation: 'sum', by: [], threshold: below, comparator: '<', unit: 'none',
      // rq-exporter writes one series per registered worker and none without workers: no series is 0 workers.
      absentAs: 0,
    },
    summary: `${service.title}: fewer than ${below} RQ workers registered`,
    description: `Only {{ $value }} RQ workers of ${service.title} are registered in Redis (expected at least ${below}); jobs are processed more slowly.`,
    runbook: {
      meaning: `Fewer RQ workers than expected are registered in Redis: some workers died, hang before registering or lost Redis, so the queues drain more slowly.`,
      why: `rq-exporter writes one sample per registered worker and none at all without workers, which the expression reads as 0 workers (\`or on() vector(0)\`): it fires on a partial loss and when every worker is gone, even while the worker pods still answer scrapes. A dead worker stays registered until its heartbeat expires (about 7 minutes by default), so short restarts do not fire.`,
      diagnose: [
        `See which workers are registered: \`rq_workers{job="${job}"}\` (name, state, queues), or ${ctx.rqInfo}`,
        `Compare with the worker pods: \`kubectl get pods -n ${service.namespace}\` (restarts, OOMKilled)`,
      ],
      act: ['Restart the missing or stuck workers; raise the worker replicas if the autoscaler sits at its minimum while the queue grows.'],
    },
  });
}

function jobCountAlert(ctx: PackContext, status: 'queued' | 'failed', options: JobCountOptions): AlertSpec {
  const { service, job, queues } = ctx;
  const name = alertName(service, options.name, status === 'queued' ? 'QueueBacklog' : 'FailedJobs');
  requireMetric(ctx, name, 'rq_jobs');
  const above = service.issues.integer(`alerts.${name}.above`, options.above, 0, MAX_JOBS);
  const signal = {
    kind: 'gaugeThreshold' as const,
    series: { metric: 'rq_jobs', matchers: [eq('job', job), ...queueMatchers(queues), eq('status', status)] },
    aggregation: 'max' as const, by: ['queue'], threshold: above, comparator: '>' as const, unit: 'none' as const,
  };
  const selectorText = renderSelector(signal.series);
  if (status === 'queued') {
    return buildAlert(service, options, {
      name,
      group: 'queues',
      signal,
      summary: `${service.title}: more than ${above} jobs waiting in queue {{ $labels.queue }}`,
      description: `Queue {{ $labels.queue }} of ${service.title} holds {{ $value }} jobs waiting for a worker (threshold ${above}).`,
      runbook: {
        meaning: 'Jobs wait in the queue longer than usual: the workers do not keep up with what arrives, are stuck, or are gone. Asynchronous results arrive late.',
        why: `A backlog above ${above} that lasts the whole \`for\` is not a burst being absorbed: the queue is not draining. (The slope of the gauge cannot be alerted on with increase(): every drain would read as a counter reset.)`,
        diagnose: [
          `Watch the backlog and the workers together: \`${selectorText}\` and \`sum(rq_workers{job="${job}"})\``,
          rqInfo(ctx),
          `Look for stuck jobs: many \`started\` jobs that never finish point at a hanging dependency (\`rq_jobs{job="${job}",status="started"}\`).`,
        ],
        act: [
          'If workers are missing or stuck, restart them; if they are all busy, add workers (scale the worker Deployment up).',
          'If a dependency of the jobs is down or slow, fix it first: more workers would only pile up on it.',
        ],
      },
    });
  }
  return buildAlert(service, options, {
    name,
    group: 'queues',
    signal,
    summary: `${service.title}: more than ${above} failed jobs in queue {{ $labels.queue }}`,
    description: `The failed-job registry of queue {{ $labels.queue }} of ${service.title} holds {{ $value }} jobs (threshold ${above}).`,
    runbook: {
      meaning: 'Jobs raised an exception (or timed out) and were moved to the failed-job registry; their work was not done.',
      why: `The gauge counts the failed-job registry, where RQ keeps failed jobs (one year by default) until someone requeues or deletes them, so it only resolves after triage; the threshold is how many failures may wait for triage.`,
      diagnose: [
        rqInfo(ctx),
        'Read the exception of a failed job: in Python, `Job.fetch(<id>, connection=redis).exc_info` (ids from `FailedJobRegistry(queue=...).get_job_ids()`), or in rq-dashboard.',
        'Group the failures: one exception for all jobs points at a dependency or a release, varied ones at bad input.',
      ],
      act: [
        'Fix the cause (dependency down, bad release: roll back), then requeue: `rq requeue -u redis://<redis-host>:6379/0 --queue <queue> --all`.',
        'Delete jobs that must not run again from the failed-job registry (rq-dashboard or `FailedJobRegistry(queue=...).remove(job)`), after noting them.',
      ],
    },
  });
}

function growingAlert(ctx: PackContext, options: GrowingBacklogOptions): AlertSpec {
  const { service } = ctx;
  const { issues } = service;
  const name = alertName(service, options.name, 'QueueGrowing');
  for (const [field, metric] of [['enqueued', options.enqueued], ['processed', options.processed]] as const) {
    issues.check(service.metrics.find(metric)?.type === 'counter', `alerts.${name}.${field}`, metric, "a counter in the service's metric catalog");
  }
  const below = issues.ratioFromPercent(`alerts.${name}.below`, options.below);
  const window = issues.duration(`alerts.${name}.window`, options.window ?? '30m');
  return buildAlert(service, options, {
    name,
    group: 'queues',
    signal: {
      kind: 'counterRatio',
      numerator: { metric: options.processed, matchers: [] },
      denominator: { metric: options.enqueued, matchers: [] },
      window, threshold: below, comparator: '<',
    },
    summary: `${service.title}: jobs arrive faster than they are processed`,
    description: `Over the last ${window.text} ${service.title} processed {{ $value | humanizePercentage }} of the jobs enqueued (threshold ${below}): the backlog grows.`,
    runbook: {
      meaning: 'Work arrives faster than the workers end it, so the queue grows and asynchronous results come later and later.',
      why: `Jobs processed (${options.processed}) over jobs enqueued (${options.enqueued}) over ${window.text}: below ${below} for the whole \`for\` the backlog has been growing for a long time, not just absorbing a burst. With nothing enqueued the ratio is undefined and stays silent; with no worker alive the processed counter vanishes too, which the worker target-down alert covers.`,
      diagnose: [
        `Compare the two rates: \`sum(rate(${options.enqueued}[5m]))\` and \`sum(rate(${options.processed}[5m]))\``,
        rqInfo(ctx),
        'Check how long jobs take and whether they wait on a slow dependency.',
      ],
      act: ['Add workers if they are all busy; if a dependency slows the jobs, fix it or shed load at the producer (pause new batch submissions).'],
    },
  });
}
