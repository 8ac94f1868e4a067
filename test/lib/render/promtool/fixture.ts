import type { AlertSpec, RunbookEntry, Signal } from '../../../../lib/core/alert.js';
import { DEFAULT_PLATFORM, type PlatformConfig } from '../../../../lib/core/platform.js';
import { defineService, type Service } from '../../../../lib/core/service.js';
import { SEV1, SEV2_WARNING, SEV3 } from '../../../../lib/core/severity.js';
import type { ServiceStack } from '../../../../lib/core/stack.js';
import { Duration, Ratio, type Parsed } from '../../../../lib/core/units.js';
import { eq, re } from '../../../../lib/promql/selector.js';
import { ruleGroupsFor } from '../../../../lib/render/prometheus/rule-groups.js';
import { promtoolTestsFor } from '../../../../lib/render/promtool/test-file.js';
import { promtoolTestFileYaml } from '../../../../lib/render/promtool/test-file-yaml.js';
import { toYaml } from '../../../../lib/render/yaml.js';

export const RULE_FILE = 'rules.yaml';
export const TEST_FILE = 'rules.test.yaml';
export const platform: PlatformConfig = DEFAULT_PLATFORM;

const unwrap = <T>(parsed: Parsed<T>): T => {
  if (!parsed.ok) throw new Error(parsed.allowed);
  return parsed.value;
};
export const duration = (text: string): Duration => unwrap(Duration.parse(text));
export const ratio = (percent: string): Ratio => unwrap(Ratio.parsePercent(percent));

const RUNBOOK: RunbookEntry = { meaning: 'Fixture.', why: 'Fixture.', diagnose: ['Look.'], act: ['Act.'] };

export function fixtureService(): Service {
  return defineService({
    name: 'harvey-backend',
    title: 'Harvey Backend',
    alertPrefix: 'Harvey',
    team: 'harvey',
    workloads: [{
      name: 'harvey-backend',
      port: 8000,
      image: { repository: 'ghcr.io/example-org/harvey-backend', tag: 'v1.2.3' },
      replicas: 3,
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } },
    }],
    metrics: [
      { name: 'documents_generated_total', type: 'counter', help: 'Documents.', labels: ['job'], source: 'application' },
    ],
  });
}

/**
 * One alert per signal kind (two for resource utilisation, counter ratios, gauges and counter increases),
 * with hand-written thresholds: up for 1m, 5% errors, p95 5s, 80% CPU, 90% memory, 5 documents/h, 401/403
 * above 10% of requests (one metric, two selectors), 4xx above 50% of at least 2500 requests in 10m
 * (`minEvents`), tickets resolved below 80% of tickets created (two metrics, `<`), more than 100 queued jobs in a queue (`max by (queue)`), Redis down (`min(redis_up) < 1`),
 * any failed migration within 1h (`for: 0s`) and more than 5 failed jobs of a queue within 15m. The texts
 * use every template form the renderer supports, including raw `{{ $value }}` where the value is exact.
 */
export function fixtureAlerts(service: Service): AlertSpec[] {
  const workload = service.workload('harvey-backend');
  const buckets = service.metrics.find('http_request_duration_seconds')!.buckets!;
  return [
    {
      name: 'HarveyBackendDown', group: 'availability', for: duration('1m'), level: SEV1,
      signal: { kind: 'targetDown', job: 'harvey-backend' },
      summary: 'Harvey Backend is down',
      description: 'Job {{ $labels.job }} target {{ $labels.instance }} is down or missing (up = {{ $value }}).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighErrorRate', group: 'http', for: duration('5m'), level: SEV1,
      signal: { kind: 'errorRatio', job: 'harvey-backend', threshold: ratio('5%'), window: duration('5m') },
      summary: 'Harvey Backend 5xx error rate above 5%',
      description: '{{ $value | humanizePercentage }} of Harvey Backend responses are 5xx (threshold 5%).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighLatency', group: 'http', for: duration('5m'), level: SEV2_WARNING,
      signal: {
        kind: 'latencyQuantile', metric: 'http_request_duration_seconds', job: 'harvey-backend', quantile: 0.95,
        threshold: duration('5s'), window: duration('5m'), buckets,
      },
      summary: 'Harvey Backend p95 latency above 5s ({{ $value }}s)',
      description: 'p95 latency of Harvey Backend is {{ $value | humanizeDuration }} (threshold 5s).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighCPU', group: 'resources', for: duration('5m'), level: SEV2_WARNING,
      signal: { kind: 'resourceUtilisation', resource: 'cpu', namespace: 'production', workload, threshold: ratio('80%'), window: duration('5m') },
      summary: 'Harvey Backend pod {{ $labels.pod }} uses more than 80% of its CPU limit',
      description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} ({{ printf "%.3f" $value }}, raw {{ $value }}) of its CPU limit (2000m).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighMemory', group: 'resources', for: duration('5m'), level: SEV2_WARNING,
      signal: { kind: 'resourceUtilisation', resource: 'memory', namespace: 'production', workload, threshold: ratio('90%'), window: duration('5m') },
      summary: 'Harvey Backend pod {{ $labels.pod }} uses more than 90% of its memory limit',
      description: 'Pod {{ $labels.pod }} uses {{ $value | humanizePercentage }} ({{ $value | humanize }}) of its memory limit (4Gi).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyLowDocumentGeneration', group: 'business', for: duration('30m'), level: SEV3,
      signal: { kind: 'lowThroughput', metric: 'documents_generated_total', job: 'harvey-backend', minPerHour: 5, window: duration('1h') },
      summary: 'Harvey Backend: fewer than 5 documents per hour',
      description: 'Harvey Backend produced {{ printf "%.1f" $value }} documents per hour ({{ $value }}) while receiving requests (minimum 5/h).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighAuthFailureRatio', group: 'http', for: duration('10m'), level: SEV2_WARNING,
      signal: {
        kind: 'counterRatio', comparator: '>', threshold: ratio('10%'), window: duration('5m'),
        numerator: { metric: 'http_requests_total', matchers: [eq('job', 'harvey-backend'), re('status', '401|403')] },
        denominator: { metric: 'http_requests_total', matchers: [eq('job', 'harvey-backend')] },
      },
      summary: 'Harvey Backend rejects more than 10% of requests with 401/403',
      description: '{{ $value | humanizePercentage }} of Harvey Backend requests are rejected with 401 or 403 (threshold 10%).',
      runbook: RUNBOOK,
    },
    {
      // A minimum volume above one interval's worth of test events (1000), so the condition waits for it: 3m.
      name: 'HarveyHighClientErrorRatio', group: 'http', for: duration('5m'), level: SEV3,
      signal: {
        kind: 'counterRatio', comparator: '>', threshold: ratio('50%'), window: duration('10m'), minEvents: 2500,
        numerator: { metric: 'http_requests_total', matchers: [eq('job', 'harvey-backend'), re('status', '4..')] },
        denominator: { metric: 'http_requests_total', matchers: [eq('job', 'harvey-backend')] },
      },
      summary: 'Harvey Backend answers more than half of its requests with 4xx',
      description: '{{ $value | humanizePercentage }} of Harvey Backend requests are 4xx (threshold 50%, at least 2500 requests in 10m).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyLowTicketResolution', group: 'business', for: duration('30m'), level: SEV3,
      signal: {
        kind: 'counterRatio', comparator: '<', threshold: ratio('80%'), window: duration('1h'),
        numerator: { metric: 'tickets_resolved_total', matchers: [eq('job', 'harvey-backend')] },
        denominator: { metric: 'tickets_created_total', matchers: [eq('job', 'harvey-backend')] },
      },
      summary: 'Harvey Backend resolves fewer than 80% of new tickets',
      description: 'Tickets resolved are {{ $value | humanizePercentage }} of tickets created in the last hour (minimum 80%).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyQueueBacklog', group: 'worker', for: duration('10m'), level: SEV2_WARNING,
      signal: {
        kind: 'gaugeThreshold', aggregation: 'max', by: ['queue'], comparator: '>', threshold: 100, unit: 'none',
        series: { metric: 'rq_queue_jobs', matchers: [eq('job', 'harvey-worker'), eq('status', 'queued')] },
      },
      summary: 'Queue {{ $labels.queue }} has more than 100 jobs waiting',
      description: '{{ $value }} jobs are waiting in queue {{ $labels.queue }} (threshold 100).',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyRedisDown', group: 'worker', for: duration('1m'), level: SEV1,
      signal: {
        kind: 'gaugeThreshold', aggregation: 'min', by: [], comparator: '<', threshold: 1, unit: 'none',
        series: { metric: 'redis_up', matchers: [eq('job', 'redis')] },
      },
      summary: 'Redis is down',
      description: 'redis_up is {{ $value }}: the exporter cannot reach Redis.',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyMigrationFailed', group: 'worker', for: Duration.ofSeconds(0), level: SEV2_WARNING,
      signal: {
        kind: 'counterIncrease', window: duration('1h'), threshold: 0, by: [],
        series: { metric: 'migrations_failed_total', matchers: [eq('job', 'harvey-worker')] },
      },
      summary: 'A database migration of Harvey failed',
      description: '{{ $value }} database migration(s) failed in the last hour.',
      runbook: RUNBOOK,
    },
    {
      name: 'HarveyJobFailures', group: 'worker', for: duration('5m'), level: SEV3,
      signal: {
        kind: 'counterIncrease', window: duration('15m'), threshold: 5, by: ['queue'],
        series: { metric: 'rq_jobs_failed_total', matchers: [eq('job', 'harvey-worker')] },
      },
      summary: 'Jobs of queue {{ $labels.queue }} are failing',
      description: '{{ $value }} jobs of queue {{ $labels.queue }} failed within 15m (threshold 5).',
      runbook: RUNBOOK,
    },
  ];
}

export function fixtureStack(): ServiceStack {
  const service = fixtureService();
  return { service, alerts: fixtureAlerts(service), dashboards: [] };
}

/** The same stack with each threshold of the given signal kind multiplied by `factor` (texts unchanged). */
export function withThresholdsScaled(stack: ServiceStack, kind: Signal['kind'], factor: number): ServiceStack {
  const scale = (signal: Signal): Signal => {
    switch (signal.kind) {
      case 'errorRatio':
      case 'resourceUtilisation':
        return { ...signal, threshold: unwrap(Ratio.of(signal.threshold.value * factor)) };
      case 'latencyQuantile':
        return { ...signal, threshold: Duration.ofSeconds(signal.threshold.seconds * factor) };
      case 'lowThroughput':
        return { ...signal, minPerHour: signal.minPerHour * factor };
      case 'counterRatio':
        return { ...signal, threshold: unwrap(Ratio.of(signal.threshold.value * factor)) };
      case 'gaugeThreshold':
      case 'counterIncrease':
        return { ...signal, threshold: signal.threshold * factor };
      case 'targetDown':
      case 'instanceDown':
      case 'queueStalled':
        return signal;
    }
  };
  return { ...stack, alerts: stack.alerts.map((a) => (a.signal.kind === kind ? { ...a, signal: scale(a.signal) } : a)) };
}

/**
 * The same stack with each threshold of the given kind moved by `delta` (texts unchanged): for counts,
 * where scaling a threshold of 0 or 1 proves nothing, one event (or unit) is the resolution.
 */
export function withThresholdsShifted(stack: ServiceStack, kind: 'gaugeThreshold' | 'counterIncrease', delta: number): ServiceStack {
  return {
    ...stack,
    alerts: stack.alerts.map((a) => (a.signal.kind === kind ? { ...a, signal: { ...a.signal, threshold: a.signal.threshold + delta } } : a)),
  };
}

/** The same stack with one alert's `for` replaced. */
export function withFor(stack: ServiceStack, alertName: string, forText: string): ServiceStack {
  return { ...stack, alerts: stack.alerts.map((a) => (a.name === alertName ? { ...a, for: duration(forText) } : a)) };
}

export const rulesYaml = (stack: ServiceStack): string => toYaml({ groups: ruleGroupsFor(stack, platform) });
export const testsYaml = (stack: ServiceStack): string => promtoolTestFileYaml(promtoolTestsFor(stack, platform, RULE_FILE));
