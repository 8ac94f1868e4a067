import { describe, expect, it } from 'vitest';
import { rateWindowIssues, scrapeInterval } from '../../../lib/checks/rate-windows.js';
import type { RenderedService } from '../../../lib/checks/rendered-service.js';
import { alertRule, group, manifest, rendered, withManifests, withRuleGroups } from './fixture.js';

const shop = rendered();
const noDashboards: RenderedService = { ...shop, stack: { ...shop.stack, dashboards: [] } };
const check = (expr: string, service = noDashboards) => rateWindowIssues(withRuleGroups(service, [group('g', [alertRule('ShopA', expr)])]));

describe('rateWindowIssues', () => {
  it('accepts the good fixture, whose windows are 5m and 1h', () => {
    expect(rateWindowIssues(shop)).toEqual([]);
  });

  it('refuses a rate over less than four 30s scrapes, naming the call and the minimum', () => {
    expect(check('sum(rate(http_requests_total{job="api"}[1m])) > 1')).toEqual([{
      service: 'shop-api', field: 'rules.ShopA.expr', value: 'rate(http_requests_total{job="api"}[1m])',
      allowed: 'a range of at least 2m (4 x the 30s scrape interval), so rate() still has samples to compare when a scrape fails',
    }]);
  });

  it('accepts exactly four scrape intervals', () => {
    expect(check('rate(http_requests_total[2m])')).toEqual([]);
  });

  it('checks irate, increase, delta and deriv too, but not *_over_time', () => {
    expect(check('irate(up[30s]) + increase(up[1m]) + deriv(up[90s]) + max_over_time(up[1m])').map((i) => i.value)).toEqual([
      'irate(up[30s])', 'increase(up[1m])', 'deriv(up[90s])',
    ]);
  });

  it('skips Grafana interval variables, which are not durations', () => {
    expect(check('rate(http_requests_total[$__rate_interval])')).toEqual([]);
  });

  it('follows the longest scrape interval of the service\'s ServiceMonitors', () => {
    const slow = withManifests(noDashboards, (manifests) => {
      manifest(manifests, 'servicemonitor-api.yaml').spec.endpoints[0].interval = '1m';
      return manifests;
    });
    expect(scrapeInterval(slow).text).toBe('1m');
    expect(check('rate(http_requests_total[3m])', slow).map((i) => i.allowed)).toEqual([
      'a range of at least 4m (4 x the 1m scrape interval), so rate() still has samples to compare when a scrape fails',
    ]);
  });
});
