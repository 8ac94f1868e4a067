import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../lib/core/issues.js';
import type { SloSpec } from '../../../lib/core/slo.js';
import { defineSlo, errorBudget, leRegex } from '../../../lib/slo/define-slo.js';
import { availabilitySpec, latencySpec, ordersSpec, sloService } from './fixture.js';

/** The issues `defineSlo` reports for one spec, formatted as synth prints them. */
function issuesOf(spec: unknown, ...before: SloSpec[]): string[] {
  const service = sloService();
  for (const s of before) defineSlo(service, s);
  defineSlo(service, spec as SloSpec);
  return service.issues.issues.map(formatIssue);
}

const tiersOf = (spec: SloSpec) => defineSlo(sloService(), spec).tiers.map((t) => ({
  id: t.id, factor: t.factor, for: t.for.text, severity: t.severity, sev: t.sev, notify: t.notify,
}));

describe('defineSlo', () => {
  it('turns an availability SLO into 5xx over all requests of the workload\'s job', () => {
    const service = sloService();
    const slo = defineSlo(service, availabilitySpec);
    expect(service.issues.issues).toEqual([]);
    expect(slo.sli).toEqual({
      kind: 'availability',
      job: 'shop-api',
      outage: { job: 'shop-api' },
      bad: 'http_requests_total{job="shop-api",status=~"5.."}',
      total: 'http_requests_total{job="shop-api"}',
    });
    expect(slo.objective.value).toBe(0.999);
    expect(errorBudget(slo)).toBe(0.001);
    expect(slo.period.seconds).toBe(30 * 86400);
    expect(slo.labels).toEqual({});
  });

  it('counts requests under the latency threshold from the bucket, whether the client writes le="5" or le="5.0"', () => {
    const slo = defineSlo(sloService(), latencySpec);
    expect(slo.sli.good).toBe('http_request_duration_seconds_bucket{job="shop-api",le=~"5(\\\\.0)?"}');
    expect(slo.sli.total).toBe('http_request_duration_seconds_count{job="shop-api"}');
    expect(slo.sli.histogram?.threshold.seconds).toBe(5);
  });

  it('writes le regexes that match Python, Go and JavaScript bucket labels and nothing else', () => {
    expect(leRegex(5)).toBe('5(\\.0)?');
    expect(leRegex(0.25)).toBe('0\\.25');
    const anchored = (bound: number) => new RegExp(`^(?:${leRegex(bound)})$`);
    expect(['5', '5.0'].every((le) => anchored(5).test(le))).toBe(true);
    expect(['0.5', '7.5', '50', '5.00', '15'].some((le) => anchored(5).test(le))).toBe(false);
    expect(anchored(0.25).test('0.25')).toBe(true);
    expect(anchored(0.25).test('0x25')).toBe(false);
  });

  it('keeps a ratio SLI\'s selectors as written, with its labels', () => {
    const slo = defineSlo(sloService(), ordersSpec);
    expect(slo.sli).toEqual({ kind: 'ratio', bad: 'orders_total{job="shop-api",outcome=~"fail.*"}', total: 'orders_total{job="shop-api"}' });
    expect(slo.labels).toEqual({ tier: 'gold' });
  });

  it('takes the SRE Workbook tiers with their default for, pages as SEV-2 critical and tickets as SEV-3 warning', () => {
    expect(tiersOf(availabilitySpec)).toEqual([
      { id: 'page-fast', factor: 14.4, for: '2m', severity: 'critical', sev: 'SEV-2', notify: 'page' },
      { id: 'page-slow', factor: 6, for: '15m', severity: 'critical', sev: 'SEV-2', notify: 'page' },
      { id: 'ticket-fast', factor: 3, for: '1h', severity: 'warning', sev: 'SEV-3', notify: 'ticket' },
      { id: 'ticket-slow', factor: 1, for: '3h', severity: 'warning', sev: 'SEV-3', notify: 'ticket' },
    ]);
  });

  it('scales the burn-rate factors to the period, so each tier still means the same share of the budget', () => {
    expect(tiersOf({ ...availabilitySpec, period: '28d' }).map((t) => t.factor)).toEqual([13.44, 5.6, 2.8, 0.933333333333]);
    expect(tiersOf({ ...availabilitySpec, period: '7d' }).map((t) => t.factor)).toEqual([3.36, 1.4, 0.7, 0.233333333333]);
  });

  it('applies per-SLO overrides: a tier disabled, a severity lowered (which turns the page into a ticket), a for removed', () => {
    const tiers = tiersOf({
      ...availabilitySpec,
      burnRates: { 'ticket-slow': { enabled: false }, 'page-slow': { severity: 'warning', for: '30m' }, 'page-fast': { for: '0s' } },
    });
    expect(tiers).toEqual([
      { id: 'page-fast', factor: 14.4, for: '0s', severity: 'critical', sev: 'SEV-2', notify: 'page' },
      { id: 'page-slow', factor: 6, for: '30m', severity: 'warning', sev: 'SEV-3', notify: 'ticket' },
      { id: 'ticket-fast', factor: 3, for: '1h', severity: 'warning', sev: 'SEV-3', notify: 'ticket' },
    ]);
  });

  it('keeps the runbook steps given for the SLO', () => {
    const slo = defineSlo(sloService(), { ...availabilitySpec, runbook: { diagnose: ['Look.'], act: ['Act.'] } });
    expect(slo.runbook).toEqual({ diagnose: ['Look.'], act: ['Act.'] });
    expect(defineSlo(sloService(), availabilitySpec).runbook).toBeUndefined();
  });
});

describe('defineSlo reports bad input on the service, naming field, value and what is allowed', () => {
  const objective = "a percentage strictly between 0% and 100%, such as '99.9%'";
  it.each([
    ['100%', `shop-api: slos.availability.objective: '100%' is invalid; allowed: ${objective}`],
    ['0%', `shop-api: slos.availability.objective: '0%' is invalid; allowed: ${objective}`],
    ['99.9', `shop-api: slos.availability.objective: '99.9' is invalid; allowed: ${objective}`],
    ['101%', `shop-api: slos.availability.objective: '101%' is invalid; allowed: ${objective}`],
    [0.999, `shop-api: slos.availability.objective: 0.999 is invalid; allowed: ${objective}`],
  ])('objective %j', (value, message) => {
    expect(issuesOf({ ...availabilitySpec, objective: value })).toEqual([message]);
  });

  it('a period other than 30d, 28d or 7d', () => {
    expect(issuesOf({ ...availabilitySpec, period: '90d' })).toEqual([
      "shop-api: slos.availability.period: '90d' is invalid; allowed: one of '30d', '28d', '7d'",
    ]);
  });

  it('two SLOs with the same name', () => {
    expect(issuesOf(availabilitySpec, availabilitySpec)).toEqual([
      "shop-api: slos.availability.name: 'availability' is invalid; allowed: a name no other SLO of the service uses",
    ]);
  });

  it('a name that is not kebab-case', () => {
    expect(issuesOf({ ...availabilitySpec, name: 'Availability' })).toEqual([
      "shop-api: slos.Availability.name: 'Availability' is invalid; allowed: a lower-case DNS label: a-z, 0-9 and \"-\", starting and ending with a letter or digit, at most 63 characters",
    ]);
  });

  it('a ratio SLI with both good and bad, or neither', () => {
    const allowed = "allowed: exactly one of 'good' or 'bad' (besides 'total')";
    expect(issuesOf({ ...ordersSpec, sli: { ...ordersSpec.sli, good: 'orders_total{outcome="ok"}' } })).toEqual([
      `shop-api: slos.orders.sli: {"good":"orders_total{outcome=\\"ok\\"}","bad":"orders_total{job=\\"shop-api\\",outcome=~\\"fail.*\\"}"} is invalid; ${allowed}`,
    ]);
    expect(issuesOf({ ...ordersSpec, sli: { kind: 'ratio', total: 'orders_total' } })).toEqual([`shop-api: slos.orders.sli: {} is invalid; ${allowed}`]);
  });

  const selectorAllowed = 'a single PromQL vector selector with a metric name, such as \'jobs_total{queue="default",status="failed"}\' ' +
    '(no range, rate(), offset, aggregation or operator: the rules add the rates)';
  it.each([
    'rate(orders_total[5m])', 'orders_total[5m]', 'sum(orders_total)', 'orders_total / 2', 'orders_total offset 1h', '{job="shop-api"}', 'orders_total{', '',
  ])('a selector that is not a single vector selector: %j', (bad) => {
    expect(issuesOf({ ...ordersSpec, sli: { kind: 'ratio', bad, total: 'orders_total' } })).toEqual([
      `shop-api: slos.orders.sli.bad: '${bad}' is invalid; allowed: ${selectorAllowed}`,
    ]);
  });

  it('a latency threshold that is not a bucket bound of the histogram', () => {
    expect(issuesOf({ ...latencySpec, sli: { ...latencySpec.sli, threshold: '3s' } })).toEqual([
      "shop-api: slos.latency.sli.threshold: '3s' is invalid; allowed: a bucket bound of http_request_duration_seconds: " +
      '0.005s, 0.01s, 0.025s, 0.05s, 0.075s, 0.1s, 0.25s, 0.5s, 0.75s, 1s, 2.5s, 5s, 7.5s, 10s',
    ]);
    expect(issuesOf({ ...latencySpec, sli: { kind: 'latency', workload: 'api', metric: 'checkout_duration_seconds', threshold: '3s' } })).toEqual([
      "shop-api: slos.latency.sli.threshold: '3s' is invalid; allowed: a bucket bound of checkout_duration_seconds: 0.5s, 1s, 2s, 4s",
    ]);
  });

  it('a latency SLI on a metric that is not a histogram of the catalog', () => {
    expect(issuesOf({ ...latencySpec, sli: { ...latencySpec.sli, metric: 'orders_total' } })).toEqual([
      "shop-api: slos.latency.sli.metric: 'orders_total' is invalid; allowed: a histogram in the service's metric catalog: " +
      "'http_request_duration_seconds', 'checkout_duration_seconds'",
    ]);
  });

  it('a workload the service does not have', () => {
    expect(issuesOf({ ...availabilitySpec, sli: { kind: 'availability', workload: 'web' } })).toEqual([
      "shop-api: slos.availability.sli.workload: 'web' is invalid; allowed: one of the service's workloads: 'api'",
    ]);
  });

  it('an unknown burn-rate tier, severity or for', () => {
    expect(issuesOf({ ...availabilitySpec, burnRates: { 'page-fastest': { enabled: false } } })).toEqual([
      "shop-api: slos.availability.burnRates.page-fastest: 'page-fastest' is invalid; allowed: a burn-rate tier id: 'page-fast', 'page-slow', 'ticket-fast', 'ticket-slow'",
    ]);
    expect(issuesOf({ ...availabilitySpec, burnRates: { 'page-fast': { severity: 'urgent' } } })).toEqual([
      "shop-api: slos.availability.burnRates.page-fast.severity: 'urgent' is invalid; allowed: one of 'critical', 'warning', 'info'",
    ]);
    expect(issuesOf({ ...availabilitySpec, burnRates: { 'page-fast': { for: 'soon' } } })).toEqual([
      "shop-api: slos.availability.burnRates.page-fast.for: 'soon' is invalid; allowed: a Prometheus duration such as '2m' or '1h', or '0s' for none",
    ]);
  });

  it('a label the SLO engine sets itself', () => {
    expect(issuesOf({ ...availabilitySpec, labels: { severity: 'low' } })).toEqual([
      "shop-api: slos.availability.labels.severity: 'severity' is invalid; allowed: a label name other than 'service', 'slo', 'team', " +
      "'severity', 'sev', 'notify', 'alertname' (set by the SLO engine)",
    ]);
  });

  it('an objective so low that a tier could never fire', () => {
    expect(issuesOf({ ...availabilitySpec, objective: '90%' })).toEqual([
      "shop-api: slos.availability.objective: '90%' is invalid; allowed: an objective above 93.06% while tier page-fast is enabled " +
      "(it fires at 14.4 × the error budget, which must stay below 100% of events), or burnRates: { 'page-fast': { enabled: false } }",
    ]);
    expect(issuesOf({ ...availabilitySpec, objective: '90%', burnRates: { 'page-fast': { enabled: false } } })).toEqual([]);
  });

  it('reports every problem of a broken spec at once and never throws', () => {
    expect(() => issuesOf(undefined)).not.toThrow();
    expect(issuesOf({ name: 'x', sli: { kind: 'ratio' } })).toEqual([
      'shop-api: slos.x.description: (missing) is invalid; allowed: a non-empty string',
      "shop-api: slos.x.objective: (missing) is invalid; allowed: a percentage strictly between 0% and 100%, such as '99.9%'",
      `shop-api: slos.x.sli.total: (missing) is invalid; allowed: ${selectorAllowed}`,
      "shop-api: slos.x.sli: {} is invalid; allowed: exactly one of 'good' or 'bad' (besides 'total')",
    ]);
  });
});
