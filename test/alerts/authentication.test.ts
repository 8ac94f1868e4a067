import { describe, expect, it } from 'vitest';
import { authenticationFailuresAlert } from '../../alerts/authentication.js';
import { SEV2_CRITICAL } from '../../lib/core/index.js';
import { alertExpression } from '../../lib/promql/signals.js';
import { issueMessages, shopService } from './fixture.js';

describe('authenticationFailuresAlert', () => {
  it('alerts on the share of 401/403 among all responses of the job, over 10 minutes by default', () => {
    const service = shopService();
    const alert = authenticationFailuresAlert(service, { workload: 'api', above: '20%', for: '5m', level: SEV2_CRITICAL });
    expect(alert.name).toBe('ShopAuthenticationFailures');
    expect(alert.group).toBe('authentication');
    expect(alertExpression(alert.signal)).toBe(
      '(sum(rate(http_requests_total{job="api",status=~"401|403"}[10m])) or 0 * sum(rate(http_requests_total{job="api"}[10m]))) / sum(rate(http_requests_total{job="api"}[10m])) > 0.2');
    expect(alert.level).toEqual({ severity: 'critical', sev: 'SEV-2' });
    expect(issueMessages(service)).toEqual([]);
  });

  it('takes its name and window from the stack', () => {
    const alert = authenticationFailuresAlert(shopService(), {
      workload: 'api', name: 'ShopLoginFailures', above: '35%', window: '30m', for: '10m', level: SEV2_CRITICAL,
    });
    expect(alert.name).toBe('ShopLoginFailures');
    expect(alertExpression(alert.signal)).toBe(
      '(sum(rate(http_requests_total{job="api",status=~"401|403"}[30m])) or 0 * sum(rate(http_requests_total{job="api"}[30m]))) / sum(rate(http_requests_total{job="api"}[30m])) > 0.35');
    expect(alert.for.text).toBe('10m');
  });

  it('alerts only once the job served `minEvents` requests within the window', () => {
    const service = shopService();
    const alert = authenticationFailuresAlert(service, { workload: 'api', above: '20%', minEvents: 100, for: '5m', level: SEV2_CRITICAL });
    expect(alertExpression(alert.signal)).toBe(
      '(sum(rate(http_requests_total{job="api",status=~"401|403"}[10m])) or 0 * sum(rate(http_requests_total{job="api"}[10m]))) / sum(rate(http_requests_total{job="api"}[10m])) > 0.2 ' +
      'and on() sum(increase(http_requests_total{job="api"}[10m])) >= 100');
    expect(alert.runbook.why).toContain('only once at least 100 requests were served in that window');
    expect(issueMessages(service)).toEqual([]);
  });

  it('rejects a minEvents that is not a positive whole number', () => {
    const service = shopService();
    authenticationFailuresAlert(service, { workload: 'api', above: '20%', minEvents: -5, for: '5m', level: SEV2_CRITICAL });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopAuthenticationFailures.minEvents: -5 — a positive whole number of events in the window, such as 10: the alert fires only once the denominator counted that many',
    ]);
  });

  it('fills every runbook section with generic text the stack can replace field by field', () => {
    const alert = authenticationFailuresAlert(shopService(), {
      workload: 'api', above: '20%', for: '5m', level: SEV2_CRITICAL, runbook: { act: ['Rotate the signing key back.'] },
    });
    expect(alert.runbook.meaning).toBe('More than 20% of the responses of Shop API are 401 Unauthorized or 403 Forbidden: users cannot log in, or their sessions and tokens are rejected in bulk.');
    expect(alert.runbook.diagnose[0]).toContain('sum by (handler, status) (rate(http_requests_total{job="api",status=~"401|403"}[5m]))');
    expect(alert.runbook.act).toEqual(['Rotate the signing key back.']);
  });

  it('rejects a share of 100%, which a subset of the responses can never exceed', () => {
    const service = shopService();
    authenticationFailuresAlert(service, { workload: 'api', above: '100%', for: '5m', level: SEV2_CRITICAL });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopAuthenticationFailures.above: "100%" — a share below 100%, such as \'5%\': the ratio of a subset of events to all of them never exceeds 100%, so the alert could never fire',
    ]);
  });

  it('rejects a share written as a bare number, a bad window and an unknown workload', () => {
    const service = shopService();
    // @ts-expect-error the type already refuses '0.2'; the runtime check covers JavaScript callers and casts
    authenticationFailuresAlert(service, { workload: 'web', above: '0.2', window: '10 minutes', for: '5m', level: SEV2_CRITICAL });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopAuthenticationFailures.workload: "web" — one of the service\'s workloads: \'api\'',
      'alerts.ShopAuthenticationFailures.above: "0.2" — a ratio between 0 and 1, written as a percentage such as \'5%\'',
      'alerts.ShopAuthenticationFailures.window: "10 minutes" — a positive Prometheus duration such as 30s, 5m, 1h or 1h30m (units ms, s, m, h, d, w, y)',
    ]);
  });
});
