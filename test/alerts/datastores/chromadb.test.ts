import { describe, expect, it } from 'vitest';
import { CHROMADB_LATENCY_BUCKETS, chromadbAlerts, chromadbMetrics } from '../../../alerts/datastores/chromadb.js';
import { defineService, P3, P4, type Service } from '../../../lib/core/index.js';
import { alertExpression, threshold } from '../../../lib/promql/signals.js';
import { goodService } from '../../lib/core/fixtures.js';
import { issueMessages, shopService } from '../fixture.js';

/** Shop API calling ChromaDB, with the client-side metrics in its catalog. */
function chromaService(buckets?: readonly number[]): Service {
  return defineService({ ...goodService, metrics: chromadbMetrics(buckets) });
}

describe('chromadbAlerts', () => {
  it('watches the share of failed calls and the call latency from the calling workload\'s job', () => {
    const service = chromaService();
    const alerts = chromadbAlerts(service, {
      workload: 'api',
      unreachable: { above: '50%', for: '5m', level: P3 },
      slow: { above: '1s', for: '10m', level: P4 },
    });
    expect(alerts.map((a) => [a.name, a.group, alertExpression(a.signal), a.for.text])).toEqual([
      [
        'ShopChromaDBUnreachable', 'chromadb',
        '(sum(rate(chromadb_requests_total{job="api",status="error"}[5m])) or 0 * sum(rate(chromadb_requests_total{job="api"}[5m]))) / sum(rate(chromadb_requests_total{job="api"}[5m])) > 0.5', '5m',
      ],
      ['ShopChromaDBSlow', 'chromadb', 'histogram_quantile(0.95, sum by (le) (rate(chromadb_request_duration_seconds_bucket{job="api"}[5m]))) > 1', '10m'],
    ]);
    expect(alerts.map((a) => threshold(a.signal).unit)).toEqual(['percentunit', 's']);
    expect(alerts[0]!.summary).toBe('ChromaDB calls failing: more than 50% errors');
    expect(issueMessages(service)).toEqual([]);
  });

  it('takes another quantile, window and title', () => {
    const alerts = chromadbAlerts(chromaService(), {
      workload: 'api', title: 'knowledge base',
      unreachable: { above: '10%', window: '15m', for: '5m', level: P3 },
      slow: { above: '2.5s', quantile: 0.99, window: '10m', for: '10m', level: P3 },
    });
    expect(alerts.map((a) => [a.name, alertExpression(a.signal)])).toEqual([
      [
        'ShopKnowledgeBaseUnreachable',
        '(sum(rate(chromadb_requests_total{job="api",status="error"}[15m])) or 0 * sum(rate(chromadb_requests_total{job="api"}[15m]))) / sum(rate(chromadb_requests_total{job="api"}[15m])) > 0.1',
      ],
      ['ShopKnowledgeBaseSlow', 'histogram_quantile(0.99, sum by (le) (rate(chromadb_request_duration_seconds_bucket{job="api"}[10m]))) > 2.5'],
    ]);
  });

  it('declares the client-side metrics with the default buckets', () => {
    expect(chromadbMetrics().map((m) => [m.name, m.type, m.labels, m.buckets])).toEqual([
      ['chromadb_requests_total', 'counter', ['job', 'operation', 'status'], undefined],
      ['chromadb_request_duration_seconds', 'histogram', ['job', 'operation'], CHROMADB_LATENCY_BUCKETS],
    ]);
  });

  it('asks for the metrics, a share below 100% and a latency on a bucket bound', () => {
    const service = shopService();
    chromadbAlerts(service, { workload: 'api', unreachable: { above: '100%', for: '5m', level: P3 }, slow: { above: '1s', for: '10m', level: P3 } });
    const withMetrics = chromaService();
    chromadbAlerts(withMetrics, { workload: 'api', slow: { above: '3s', for: '10m', level: P3 } });
    expect([...issueMessages(service), ...issueMessages(withMetrics)]).toEqual([
      'alerts.ShopChromaDBUnreachable.metric: "chromadb_requests_total" — a counter in the service\'s metric catalog (add chromadbMetrics() to the service\'s metrics)',
      'alerts.ShopChromaDBUnreachable.above: "100%" — a share below 100%, such as \'5%\': the ratio of a subset of events to all of them never exceeds 100%, so the alert could never fire',
      'alerts.ShopChromaDBSlow.metric: "chromadb_request_duration_seconds" — a histogram in the service\'s metric catalog (add chromadbMetrics() to the service\'s metrics)',
      'alerts.ShopChromaDBSlow.metric: "chromadb_request_duration_seconds" — a histogram with buckets in the service\'s metric catalog',
      'alerts.ShopChromaDBSlow.above: "3s" — a bucket bound of chromadb_request_duration_seconds: 0.01s, 0.025s, 0.05s, 0.1s, 0.25s, 0.5s, 1s, 2.5s, 5s, 10s',
    ]);
  });
});
