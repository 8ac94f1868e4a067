import { describe, expect, it } from 'vitest';
import { RQ_EXPORTER_METRICS, workerQueuesAlerts } from '../../alerts/worker-queues.js';
import { defineService, SEV2_CRITICAL, SEV3, type Service } from '../../lib/core/index.js';
import { alertExpression, outputLabels } from '../../lib/promql/signals.js';
import { goodService, goodWorkload } from '../lib/core/fixtures.js';
import { issueMessages } from './fixture.js';

/** The shop API with an RQ worker, the rq-exporter metrics and the two job counters. */
function queueService(withExporterMetrics = true): Service {
  return defineService({
    ...goodService,
    workloads: [goodWorkload, { ...goodWorkload, name: 'worker', port: 8001, servesIngress: false }],
    metrics: [
      ...(withExporterMetrics ? RQ_EXPORTER_METRICS : []),
      { name: 'shop_jobs_enqueued_total', type: 'counter', help: 'Jobs enqueued.', labels: ['job', 'queue'], source: 'application' },
      { name: 'shop_jobs_processed_total', type: 'counter', help: 'Jobs processed.', labels: ['job', 'queue', 'status'], source: 'application' },
    ],
  });
}

const every = {
  exporterJob: 'shop-rq-exporter',
  exporterDown: { for: '5m', level: SEV3 },
  workerDown: { workload: 'worker', for: '5m', level: SEV2_CRITICAL },
  fewWorkers: { below: 2, for: '10m', level: SEV3 },
  backlog: { above: 100, for: '15m', level: SEV3 },
  growing: { enqueued: 'shop_jobs_enqueued_total', processed: 'shop_jobs_processed_total', below: '90%', for: '15m', level: SEV3 },
  failed: { above: 10, for: '5m', level: SEV3 },
} as const;

describe('workerQueuesAlerts', () => {
  it('watches the exporter, the worker target, the worker count, the backlog, its growth and the failed registry', () => {
    const service = queueService();
    const alerts = workerQueuesAlerts(service, every);
    expect(service.issues.issues).toEqual([]);
    expect(alerts.map((a) => [a.name, a.group, alertExpression(a.signal)])).toEqual([
      ['ShopRqExporterDown', 'queues', 'up{job="shop-rq-exporter"} == 0 or absent(up{job="shop-rq-exporter"})'],
      ['ShopWorkerDown', 'queues', 'up{job="worker"} == 0 or absent(up{job="worker"})'],
      ['ShopFewRqWorkers', 'queues', '(sum (rq_workers{job="shop-rq-exporter"}) or on() vector(0)) < 2'],
      ['ShopQueueBacklog', 'queues', 'max by (queue) (rq_jobs{job="shop-rq-exporter",status="queued"}) > 100'],
      ['ShopQueueGrowing', 'queues', '(sum(rate(shop_jobs_processed_total[30m])) or 0 * sum(rate(shop_jobs_enqueued_total[30m]))) / sum(rate(shop_jobs_enqueued_total[30m])) < 0.9'],
      ['ShopFailedJobs', 'queues', 'max by (queue) (rq_jobs{job="shop-rq-exporter",status="failed"}) > 10'],
    ]);
  });

  it('labels backlog and failed-job alerts with their queue', () => {
    const alerts = workerQueuesAlerts(queueService(), every);
    expect(alerts.filter((a) => outputLabels(a.signal).includes('queue')).map((a) => a.name)).toEqual(['ShopQueueBacklog', 'ShopFailedJobs']);
  });

  it('selects one queue by name, several by an escaped regex, and workers listening on any of them', () => {
    const one = workerQueuesAlerts(queueService(), { exporterJob: 'rq', queues: ['batch'], backlog: { above: 0, for: '15m', level: SEV3 } });
    expect(alertExpression(one[0]!.signal)).toBe('max by (queue) (rq_jobs{job="rq",queue="batch",status="queued"}) > 0');

    const several = workerQueuesAlerts(queueService(), {
      exporterJob: 'rq', queues: ['batch', 'high.prio'],
      backlog: { above: 5, for: '15m', level: SEV3 }, fewWorkers: { below: 3, for: '10m', level: SEV3 },
    });
    expect(several.map((a) => alertExpression(a.signal))).toEqual([
      '(sum (rq_workers{job="rq",queues=~"(.*,)?(batch|high\\\\.prio)(,.*)?"}) or on() vector(0)) < 3',
      'max by (queue) (rq_jobs{job="rq",queue=~"batch|high\\\\.prio",status="queued"}) > 5',
    ]);
  });

  it('accepts a worker minimum of 1 (no series reads as 0 workers) and rejects 0, which nothing is below', () => {
    const one = queueService();
    workerQueuesAlerts(one, { exporterJob: 'rq', fewWorkers: { below: 1, for: '10m', level: SEV3 } });
    expect(issueMessages(one)).toEqual([]);
    const zero = queueService();
    workerQueuesAlerts(zero, { exporterJob: 'rq', fewWorkers: { below: 0, for: '10m', level: SEV3 } });
    expect(issueMessages(zero)).toEqual(['alerts.ShopFewRqWorkers.below: 0 — an integer from 1 to 1000']);
  });

  it('reports a missing exporter job, bad counts and queues, and metrics missing from the catalog', () => {
    const service = queueService(false);
    workerQueuesAlerts(service, {
      exporterJob: '', queues: [],
      backlog: { above: -1, for: '15m', level: SEV3 },
      failed: { above: 2.5, for: '5m', level: SEV3 },
      growing: { enqueued: 'shop_jobs_enqueued', processed: 'shop_jobs_processed_total', below: '0%', for: '15m', level: SEV3 },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.workerQueues.exporterJob: "" — a Prometheus job name: 1 to 128 characters from A-Z, a-z, 0-9, \'_\', \'-\', \'.\', \':\' and \'/\' (no quotes, braces, backslashes, spaces or control characters: people type it into selectors)',
      'alerts.workerQueues.queues: [] — a non-empty list of non-empty queue names, or leave queues out for every queue',
      'alerts.ShopQueueBacklog.metric: "rq_jobs" — a gauge in the service\'s metric catalog: add RQ_EXPORTER_METRICS (alerts/worker-queues.ts) to the service\'s metrics',
      'alerts.ShopQueueBacklog.above: -1 — an integer from 0 to 1000000',
      'alerts.ShopQueueGrowing.enqueued: "shop_jobs_enqueued" — a counter in the service\'s metric catalog',
      'alerts.ShopQueueGrowing.below: "0%" — a ratio between 0 and 1, written as a percentage such as \'5%\'',
      'alerts.ShopFailedJobs.metric: "rq_jobs" — a gauge in the service\'s metric catalog: add RQ_EXPORTER_METRICS (alerts/worker-queues.ts) to the service\'s metrics',
      'alerts.ShopFailedJobs.above: 2.5 — an integer from 0 to 1000000',
    ]);
  });

  it('writes how to run rq info into the runbooks, and lets the stack replace runbook text field by field', () => {
    const [backlog] = workerQueuesAlerts(queueService(), {
      exporterJob: 'rq', rqInfo: '`kubectl exec deploy/worker -- rq info`',
      backlog: { above: 100, for: '15m', level: SEV3, runbook: { act: ['Page the queue owner.'] } },
    });
    expect(backlog!.runbook.diagnose).toContain('Read the queues and workers straight from Redis: `kubectl exec deploy/worker -- rq info`');
    expect(backlog!.runbook.act).toEqual(['Page the queue owner.']);
    expect(backlog!.runbook.meaning).not.toBe('');
  });

  it('declares the rq-exporter gauges it selects, with their labels', () => {
    expect(RQ_EXPORTER_METRICS.map((m) => [m.name, m.type, m.labels])).toEqual([
      ['rq_workers', 'gauge', ['name', 'queues', 'state']],
      ['rq_jobs', 'gauge', ['queue', 'status']],
    ]);
  });
});
