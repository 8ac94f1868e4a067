import { describe, expect, it } from 'vitest';
import { metricNameIssues } from '../../../lib/checks/metric-names.js';
import { alertRule, group, rendered, withRuleGroups } from './fixture.js';

const shop = rendered();
const check = (...exprs: string[]) =>
  metricNameIssues(withRuleGroups({ ...shop, stack: { ...shop.stack, dashboards: [] } }, [group('g', exprs.map((e, i) => alertRule(`ShopRule${i}`, e)))]));

describe('metricNameIssues', () => {
  it('accepts every query synth renders for the good fixture, dashboards included', () => {
    expect(metricNameIssues(shop)).toEqual([]);
  });

  it('names the service, the alert, the unknown metric and the closest known name', () => {
    expect(check('histogram_quantile(0.95, sum by (le) (rate(http_request_duraton_seconds_bucket{job="api"}[5m]))) > 1')).toEqual([{
      service: 'shop-api', field: 'rules.ShopRule0.expr', value: 'http_request_duraton_seconds_bucket',
      allowed: "a metric in the service's metric catalog (did you mean 'http_request_duration_seconds_bucket'?)",
    }]);
  });

  it('says to declare a metric that resembles nothing in the catalog', () => {
    expect(check('sum(rate(checkout_widgets_total[5m])) > 0').map((i) => i.allowed)).toEqual([
      "a metric in the service's metric catalog (no similar name; declare it in the service's metrics)",
    ]);
  });

  it('accepts _bucket with le, and _count and _sum, of a histogram, but not its bare name', () => {
    expect(check(
      'sum(rate(http_request_duration_seconds_bucket{job="api",le="1"}[5m]))',
      'sum(rate(http_request_duration_seconds_count{job="api"}[5m])) / sum(rate(http_request_duration_seconds_sum{job="api"}[5m]))',
    )).toEqual([]);
    expect(check('http_request_duration_seconds{job="api"}').map((i) => i.value)).toEqual(['http_request_duration_seconds']);
  });

  it('refuses le on a histogram _count, where only buckets have it', () => {
    expect(check('http_request_duration_seconds_count{le="1"}').map((i) => [i.value, i.allowed])).toEqual([
      ['le', 'a label of http_request_duration_seconds_count: job, handler, method, instance'],
    ]);
  });

  it('refuses a label the metric does not have, suggesting the closest', () => {
    expect(check('sum(rate(http_requests_total{job="api",stauts=~"5.."}[5m]))').map((i) => [i.value, i.allowed])).toEqual([
      ['stauts', "a label of http_requests_total: job, handler, method, status, instance (did you mean 'status'?)"],
    ]);
  });

  it('allows job and instance on every scraped metric, including cAdvisor and kube-state-metrics series', () => {
    expect(check('container_memory_working_set_bytes{job="kubelet",instance="node-1",pod=~"api-.*"}', 'kube_pod_container_resource_limits{job="ksm",resource="cpu"}')).toEqual([]);
  });

  it('skips recording-rule outputs (names with a colon), ALERTS and the service\'s own records', () => {
    const service = withRuleGroups({ ...shop, stack: { ...shop.stack, dashboards: [] } }, [group('g', [
      { record: 'shop_orders_rate5m', expr: 'sum by (job) (rate(orders_created_total[5m]))' },
      alertRule('ShopA', 'slo:sli_error:ratio_rate5m{service="shop-api",slo="x"} > 0.1 and ALERTS{alertstate="firing"} and shop_orders_rate5m{anything="x"} > 0'),
    ])]);
    expect(metricNameIssues(service)).toEqual([]);
  });

  it('reads the metric name of {__name__="..."} selectors, and reports each problem once per rule', () => {
    expect(check('{__name__="http_request_total"} / {__name__="http_request_total"}').map((i) => [i.value, i.allowed])).toEqual([
      ['http_request_total', "a metric in the service's metric catalog (did you mean 'http_requests_total'?)"],
    ]);
  });

  it('checks dashboard panel queries, naming the dashboard and the panel', () => {
    const json = { panels: [{ title: 'Row', panels: [{ title: 'Orders', targets: [{ expr: 'sum(rate(orders_create_total[1h]))' }] }] }] };
    const service = { ...shop, ruleGroups: [], stack: { ...shop.stack, dashboards: [{ uid: 'shop', title: 'Shop', json }] } };
    expect(metricNameIssues(service).map((i) => [i.field, i.value, i.allowed])).toEqual([
      ['dashboards.shop.panels["Orders"].expr', 'orders_create_total', "a metric in the service's metric catalog (did you mean 'orders_created_total'?)"],
    ]);
  });
});
