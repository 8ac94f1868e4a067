import {
  Duration, Ratio, SEV1, SEV2_WARNING, SEV3, type AlertSpec, type Parsed, type RunbookEntry, type Service,
} from '../../lib/core/index.js';
import { harveyBackendService } from '../../stacks/harvey-backend.service.js';

/** The four Harvey alerts a performance dashboard draws or ignores (the service contract), built by hand. */
export function unwrap<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`fixture value must parse (${parsed.allowed})`);
  return parsed.value;
}

const RUNBOOK: RunbookEntry = { meaning: 'fixture', why: 'fixture', diagnose: [], act: [] };

export function harveyAlerts(service: Service = harveyBackendService): AlertSpec[] {
  const workload = service.workload('harvey-backend');
  const fiveMinutes = unwrap(Duration.parse('5m'));
  return [
    {
      name: 'HarveyBackendDown', group: 'availability', signal: { kind: 'targetDown', job: workload.job },
      for: unwrap(Duration.parse('1m')), level: SEV1, summary: 'down', description: 'down', runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighLatency', group: 'http',
      signal: {
        kind: 'latencyQuantile', metric: 'http_request_duration_seconds', job: workload.job, quantile: 0.95,
        threshold: unwrap(Duration.parse('5s')), window: fiveMinutes,
        buckets: service.metrics.find('http_request_duration_seconds')?.buckets ?? [],
      },
      for: fiveMinutes, level: SEV2_WARNING, summary: 'slow', description: 'slow', runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighErrorRate', group: 'http',
      signal: { kind: 'errorRatio', job: workload.job, threshold: unwrap(Ratio.parsePercent('5%')), window: fiveMinutes },
      for: fiveMinutes, level: SEV1, summary: 'errors', description: 'errors', runbook: RUNBOOK,
    },
    {
      name: 'HarveyHighCPU', group: 'resources',
      signal: {
        kind: 'resourceUtilisation', resource: 'cpu', namespace: service.namespace, workload,
        threshold: unwrap(Ratio.parsePercent('80%')), window: fiveMinutes,
      },
      for: fiveMinutes, level: SEV2_WARNING, summary: 'cpu', description: 'cpu', runbook: RUNBOOK,
    },
  ];
}

/** The SEV-3 business alert, for panels that name an alert instead of plotting its query. */
export function lowDocumentsAlert(service: Service = harveyBackendService): AlertSpec {
  return {
    name: 'HarveyLowDocumentGeneration', group: 'business',
    signal: {
      kind: 'lowThroughput', metric: 'documents_generated_total', job: service.workload('harvey-backend').job,
      minPerHour: 1, window: unwrap(Duration.parse('1h')),
    },
    for: unwrap(Duration.parse('15m')), level: SEV3, summary: 'stalled', description: 'stalled', runbook: RUNBOOK,
  };
}
