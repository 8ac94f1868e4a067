import { describe, expect, it } from 'vitest';
import { httpGoldenSignalsAlerts } from '../../alerts/http-golden-signals.js';
import { SEV1, SEV2_WARNING } from '../../lib/core/index.js';
import { alertExpression } from '../../lib/promql/signals.js';
import { issueMessages, shopService } from './fixture.js';

describe('httpGoldenSignalsAlerts', () => {
  it('builds a p95 latency alert that keeps le in the aggregation and selects by job only', () => {
    const service = shopService();
    const [latency] = httpGoldenSignalsAlerts(service, { workload: 'api', latency: { above: '2.5s', for: '5m', level: SEV2_WARNING } });
    expect(latency!.name).toBe('ShopHighLatency');
    expect(alertExpression(latency!.signal)).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m]))) > 2.5');
    expect(issueMessages(service)).toEqual([]);
  });

  it('builds an error-ratio alert of 5xx over all responses', () => {
    const service = shopService();
    const [errors] = httpGoldenSignalsAlerts(service, { workload: 'api', errors: { above: '5%', for: '5m', level: SEV1 } });
    expect(errors!.name).toBe('ShopHighErrorRate');
    expect(alertExpression(errors!.signal)).toBe(
      '(sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) or 0 * sum(rate(http_requests_total{job="api"}[5m]))) / sum(rate(http_requests_total{job="api"}[5m])) > 0.05');
  });

  it('rejects a latency threshold that is not a bucket bound of the histogram', () => {
    const service = shopService();
    httpGoldenSignalsAlerts(service, { workload: 'api', latency: { above: '4s', for: '5m', level: SEV2_WARNING } });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopHighLatency.above: "4s" — a bucket bound of http_request_duration_seconds: 0.005s, 0.01s, 0.025s, 0.05s, 0.075s, 0.1s, 0.25s, 0.5s, 0.75s, 1s, 2.5s, 5s, 7.5s, 10s',
    ]);
  });

  it('rejects an error threshold written as a bare number and a bad for', () => {
    const service = shopService();
    // @ts-expect-error the type already refuses '0.05'; the runtime check covers JavaScript callers and casts
    httpGoldenSignalsAlerts(service, { workload: 'api', errors: { above: '0.05', for: '5 minutes', level: SEV1 } });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopHighErrorRate.above: "0.05" — a ratio between 0 and 1, written as a percentage such as \'5%\'',
      'alerts.ShopHighErrorRate.for: "5 minutes" — a positive Prometheus duration such as 30s, 5m, 1h or 1h30m (units ms, s, m, h, d, w, y)',
    ]);
  });

  it('rejects an alert name that does not carry the service prefix', () => {
    const service = shopService();
    httpGoldenSignalsAlerts(service, { workload: 'api', errors: { name: 'HighErrorRate', above: '5%', for: '5m', level: SEV1 } });
    expect(issueMessages(service)).toEqual(['alerts.HighErrorRate.name: "HighErrorRate" — a name starting with the service prefix \'Shop\'']);
  });
});
