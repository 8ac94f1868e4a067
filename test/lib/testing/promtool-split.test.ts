import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedPromtool, type CountedPromtool } from '../../support/counted-promtool.js';
import { parse } from 'yaml';
import { toYaml } from '../../../lib/render/yaml.js';
import { runPromtoolTests, type PromtoolTestJob } from '../../../lib/testing/promtool.js';
import { proveAll, splitTestJob } from '../../../lib/testing/promtool-split.js';

const RULES = 'rules.yaml';
const TESTS = 'rules.test.yaml';

type RuleDoc = Record<string, unknown>;
const rules = (groups: readonly { name: string; rules: readonly RuleDoc[] }[]): string => toYaml({ groups: groups.map((g) => ({ interval: '1m', ...g })) });

/** An HTTP group (a recording read by an alert, and an alert on `up`), an SLO group with two recordings of one name, and a group reading `ALERTS`. */
const shopGroups = [
  { name: 'shop-http', rules: [
    { record: 'job:http_errors:rate5m', expr: 'sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))' },
    { alert: 'ShopErrors', expr: 'job:http_errors:rate5m > 1', labels: { severity: 'page' } },
    { alert: 'ShopDown', expr: 'up{job="shop"} == 0' },
  ] },
  { name: 'shop-slo', rules: [
    { record: 'slo:errors:rate5m', expr: 'sum(rate(http_requests_total{status=~"5.."}[5m]))', labels: { slo: 'availability' } },
    { record: 'slo:errors:rate5m', expr: 'sum(rate(http_slow_requests_total[5m]))', labels: { slo: 'latency' } },
    { alert: 'ShopAvailabilityBurn', expr: 'slo:errors:rate5m{slo="availability"} > 1' },
  ] },
  { name: 'shop-meta', rules: [
    { alert: 'ShopPaged', expr: 'count(ALERTS{alertname="ShopErrors",alertstate="firing"}) > 0' },
  ] },
];
const shopRules = rules(shopGroups);

const input = [
  { series: 'http_requests_total{job="shop",status="500"}', values: '0+120x10' }, // 2 errors a second
  { series: 'http_slow_requests_total{job="shop"}', values: '0+60x10' }, // 1 slow request a second
  { series: 'up{job="shop"}', values: '1x10' },
];
const group = (name: string, alerts: readonly [string, readonly Record<string, string>[]][], exprs: readonly [string, number][] = []) => ({
  name, interval: '1m', input_series: input,
  alert_rule_test: alerts.map(([alertname, fired]) => ({ eval_time: '5m', alertname, exp_alerts: fired.map((exp_labels) => ({ exp_labels })) })),
  promql_expr_test: exprs.map(([expr, value]) => ({ expr, eval_time: '5m', exp_samples: [{ labels: expr, value }] })),
});
const shopTests = toYaml({
  rule_files: [RULES], evaluation_interval: '1m', group_eval_order: ['shop-http', 'shop-slo', 'shop-meta'],
  tests: [
    group('errors page', [['ShopErrors', [{ job: 'shop', severity: 'page' }]]]),
    group('the job is up', [['ShopDown', []]]),
    group('the availability budget burns', [['ShopAvailabilityBurn', [{ slo: 'availability' }]]]),
    group('someone is paged', [['ShopPaged', [{}]]]),
    group('the latency SLI is recorded', [], [['slo:errors:rate5m{slo="latency"}', 1]]),
  ],
});
const shopJob: PromtoolTestJob = { files: { [RULES]: shopRules, [TESTS]: shopTests }, testFile: TESTS };

/** Each part as the names of its rules and of its test groups, and its group order. */
function described(parts: readonly PromtoolTestJob[]) {
  return parts.map((part) => {
    const ruleDoc = parse(part.files[RULES]!) as { groups: { name: string; rules: { alert?: string; record?: string; labels?: { slo?: string } }[] }[] };
    const testDoc = parse(part.files[TESTS]!) as { group_eval_order: string[]; tests: { name: string }[] };
    return {
      rules: ruleDoc.groups.flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert ?? `${r.record}${r.labels?.slo ? `{slo=${r.labels.slo}}` : ''}`}`)),
      tests: testDoc.tests.map((t) => t.name),
      order: testDoc.group_eval_order,
    };
  });
}

describe('splitTestJob', () => {
  it('gives each set of test groups only the rules they read, transitively, in their groups and order', () => {
    expect(described(splitTestJob(shopJob))).toEqual([
      // ShopPaged reads ShopErrors' ALERTS, which reads the recording: the errors test needs a subset of that, so it runs here too.
      { rules: ['shop-http/job:http_errors:rate5m', 'shop-http/ShopErrors', 'shop-meta/ShopPaged'], tests: ['errors page', 'someone is paged'], order: ['shop-http', 'shop-meta'] },
      // The latency recording has another fixed slo label: it cannot feed slo="availability".
      { rules: ['shop-slo/slo:errors:rate5m{slo=availability}', 'shop-slo/ShopAvailabilityBurn'], tests: ['the availability budget burns'], order: ['shop-slo'] },
      { rules: ['shop-http/ShopDown'], tests: ['the job is up'], order: ['shop-http'] },
      { rules: ['shop-slo/slo:errors:rate5m{slo=latency}'], tests: ['the latency SLI is recorded'], order: ['shop-slo'] },
    ]);
  });

  it('keeps every test group exactly once, with its time limit sized from its own evaluations', () => {
    const parts = splitTestJob(shopJob);
    const names = parts.flatMap((p) => (parse(p.files[TESTS]!) as { tests: { name: string }[] }).tests.map((t) => t.name));
    expect(names.sort()).toEqual(['errors page', 'someone is paged', 'the availability budget burns', 'the job is up', 'the latency SLI is recorded']);
    for (const part of parts) expect(part.timeoutMs).toBeGreaterThan(60_000);
  });

  it('loads every alert of an asserted name, in whichever group it is', () => {
    const twice = rules([
      { name: 'a', rules: [{ alert: 'ShopDown', expr: 'up{job="shop"} == 0' }, { alert: 'Other', expr: 'up == 2' }] },
      { name: 'b', rules: [{ alert: 'ShopDown', expr: 'absent(up{job="shop"})' }] },
    ]);
    const parts = splitTestJob({ files: { [RULES]: twice, [TESTS]: shopTests }, testFile: TESTS });
    expect(described(parts).find((p) => p.tests.includes('the job is up'))!.rules).toEqual(['a/ShopDown', 'b/ShopDown']);
  });

  it.each([
    ['a selector without a metric name', { record: 'job:http_errors:rate5m', expr: 'sum by (job) (rate({__name__=~"http_requests_total"}[5m]))' }],
    ['a template that queries', { alert: 'ShopErrors', expr: 'job:http_errors:rate5m > 1', annotations: { summary: '{{ with query "up" }}{{ . | first | value }}{{ end }}' } }],
    ['an expression the grammar does not parse', { record: 'job:http_errors:rate5m', expr: 'sum(rate(http_requests_total[5m]' }],
  ])('keeps the whole file where a rule read needs it: %s', (_, rule: RuleDoc) => {
    // The rule takes the place of the HTTP group's rule of the same name (ShopErrors and ShopPaged read it).
    const same = (r: RuleDoc) => (r['alert'] ?? r['record']) === (rule['alert'] ?? rule['record']);
    const edited = shopGroups.map((g) => ({ ...g, rules: g.rules.map((r) => (same(r) ? rule : r)) }));
    const job = { files: { [RULES]: rules(edited), [TESTS]: shopTests }, testFile: TESTS };
    expect(splitTestJob(job)).toEqual([job]);
  });
});

describe('proveAll', () => {
  let counted: CountedPromtool;
  beforeAll(async () => { counted = await countedPromtool(); });
  afterAll(() => counted.remove());

  it('passes where promtool passes the whole file, with promtool\'s own success line', async () => {
    const whole = await runPromtoolTests(shopJob.files, TESTS);
    expect(whole.ok).toBe(true);
    const [split] = await proveAll([shopJob], { cacheDir: false, promtool: counted.promtool });
    expect(split!.ok).toBe(true);
    expect(split!.output).toBe(whole.output);
    expect(await counted.newRuns()).toBe(splitTestJob(shopJob).length);
  });

  it('runs a job that cannot be split once, also when it fails', async () => {
    const unsplittable = shopGroups.map((g) => ({ ...g, rules: g.rules.map((r) => (r['alert'] === 'ShopDown' ? { ...r, expr: '{job="shop"} == 0' } : r)) }));
    const job = { files: { [RULES]: rules(unsplittable), [TESTS]: shopTests }, testFile: TESTS };
    expect(splitTestJob(job)).toEqual([job]);
    const [result] = await proveAll([job], { cacheDir: false, promtool: counted.promtool });
    // `{job="shop"}` selects every series of the job, not only `up`: promtool finds ShopDown firing.
    expect(result!.ok).toBe(false);
    expect(result!.output).toContain('alertname: ShopDown');
    expect(await counted.newRuns()).toBe(1);
  });

  it('fails where the whole file fails, and reports the whole file\'s own run', async () => {
    const broken = { ...shopJob, files: { ...shopJob.files, [RULES]: shopRules.replace('slo:errors:rate5m{slo="availability"} > 1', 'slo:errors:rate5m{slo="availability"} > 3') } };
    const whole = await runPromtoolTests(broken.files, TESTS);
    expect(whole.ok).toBe(false);
    const [split] = await proveAll([broken], { cacheDir: false });
    expect(split!.ok).toBe(false);
    expect(split!.output).toBe(whole.output);
    expect(split!.output).toContain('alertname: ShopAvailabilityBurn');
  });
});
