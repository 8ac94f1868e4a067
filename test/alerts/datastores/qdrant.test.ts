import { describe, expect, it } from 'vitest';
import { QDRANT_METRICS, qdrantAlerts } from '../../../alerts/datastores/qdrant.js';
import { defineService, SEV2_CRITICAL, SEV2_WARNING, SEV3, type Service } from '../../../lib/core/index.js';
import { alertExpression } from '../../../lib/promql/signals.js';
import { goodService } from '../../lib/core/fixtures.js';
import { issueMessages, shopService } from '../fixture.js';

/** Shop API with Qdrant's metrics in its catalog. */
function qdrantService(): Service {
  return defineService({ ...goodService, metrics: [...QDRANT_METRICS] });
}

describe('qdrantAlerts', () => {
  it('builds target-down, REST 5xx share, recovery mode and dead replicas from the Qdrant job only', () => {
    const service = qdrantService();
    const alerts = qdrantAlerts(service, {
      job: 'qdrant',
      down: { for: '2m', level: SEV2_CRITICAL },
      errors: { above: '5%', for: '5m', level: SEV2_WARNING },
      recoveryMode: { for: '1m', level: SEV2_CRITICAL },
      deadReplicas: { for: '10m', level: SEV3 },
    });
    expect(alerts.map((a) => [a.name, a.group, alertExpression(a.signal)])).toEqual([
      ['ShopQdrantDown', 'qdrant', 'up{job="qdrant"} == 0 or absent(up{job="qdrant"})'],
      ['ShopQdrantHighErrorRate', 'qdrant', '(sum(rate(rest_responses_total{job="qdrant",status=~"5.."}[5m])) or 0 * sum(rate(rest_responses_total{job="qdrant"}[5m]))) / sum(rate(rest_responses_total{job="qdrant"}[5m])) > 0.05'],
      ['ShopQdrantRecoveryMode', 'qdrant', 'max (app_status_recovery_mode{job="qdrant"}) > 0'],
      ['ShopQdrantDeadReplicas', 'qdrant', 'max (collection_dead_replicas{job="qdrant"}) > 0'],
    ]);
    expect(issueMessages(service)).toEqual([]);
  });

  it('watches only the target without any Qdrant metric in the catalog', () => {
    const service = shopService();
    const [down] = qdrantAlerts(service, { job: 'qdrant', down: { for: '2m', level: SEV2_CRITICAL } });
    expect(down!.runbook.diagnose[1]).toBe('Does it answer? `curl -s http://<qdrant>:6333/readyz` and `curl -s http://<qdrant>:6333/healthz`');
    expect(issueMessages(service)).toEqual([]);
  });

  it('declares the REST responses counter with the labels Qdrant puts on it', () => {
    expect(QDRANT_METRICS.find((m) => m.name === 'rest_responses_total')?.labels).toEqual(['job', 'instance', 'method', 'endpoint', 'status']);
  });

  it('asks for the Qdrant metrics when the catalog lacks them, and rejects an empty job and a share of 100%', () => {
    const service = shopService();
    qdrantAlerts(service, {
      job: '', errors: { above: '100%', for: '5m', level: SEV2_WARNING }, recoveryMode: { for: '1m', level: SEV2_CRITICAL },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopQdrant.job: "" — a Prometheus job name: 1 to 128 characters from A-Z, a-z, 0-9, \'_\', \'-\', \'.\', \':\' and \'/\' (no quotes, braces, backslashes, spaces or control characters: people type it into selectors)',
      'alerts.ShopQdrantHighErrorRate.metric: "rest_responses_total" — a counter in the service\'s metric catalog (add QDRANT_METRICS to the service\'s metrics)',
      'alerts.ShopQdrantHighErrorRate.above: "100%" — a share below 100%, such as \'5%\': the ratio of a subset of events to all of them never exceeds 100%, so the alert could never fire',
      'alerts.ShopQdrantRecoveryMode.metric: "app_status_recovery_mode" — a gauge in the service\'s metric catalog (add QDRANT_METRICS to the service\'s metrics)',
    ]);
  });
});
