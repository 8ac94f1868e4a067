import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { harveyLikeStack } from '../../../bench/harvey-like-stack.js';
import { panelAbsenceIssues, panelAbsenceIssuesAll, panelAbsenceJob, seriesAbsentPanelIssues, type PanelAbsenceJob } from '../../../lib/checks/series-absent-panels.js';
import { formatIssue } from '../../../lib/core/issues.js';
import { runPromtoolTests } from '../../../lib/testing/promtool.js';
import { proofShape } from '../../../lib/testing/promtool-shapes.js';
import { toYaml } from '../../../lib/render/yaml.js';
import { shopStack } from '../../bad-input/fixture.js';
import { platform } from '../../../stacks/platform.js';
import { countedPromtool, type CountedPromtool } from '../../support/counted-promtool.js';
import { rendered } from './fixture.js';

/** The panel test file with no input series at all. */
function withoutInputSeries(testFile: string): string {
  const test = JSON.parse(testFile) as { tests: { input_series: unknown[] }[] };
  for (const group of test.tests) group.input_series = [];
  return JSON.stringify(test);
}

// The share of failed requests, divided without a value for the 5xx side: nothing before the first 5xx.
const FAILED_SHARE = 'sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))';
const badPanel = () => shopStack({ panels: [{ title: 'Failed share', description: '5xx over all.', unit: 'percentunit', expr: FAILED_SHARE }] });
const REPORTED = `shop-api: dashboards.shop-api-performance.panels["Failed share"].expr: '${FAILED_SHARE}' is invalid; allowed: ` +
  'a query that returns data on a healthy service whose rare series do not exist yet (no 4xx/5xx series before the first one; ' +
  'labelled counters appear with their first increment): give the missing side a value, e.g. `(sum(rate(<errors>[5m])) or 0 * sum(rate(<all>[5m]))) / sum(rate(<all>[5m]))`';

describe('seriesAbsentPanelIssues', () => {
  it('finds no panel without data on the good shop fixture', () => {
    expect(seriesAbsentPanelIssues(rendered())).toEqual([]);
  });

  it('reports a panel that shows nothing before the first 5xx, by panel, with the fix', () => {
    expect(seriesAbsentPanelIssues(rendered(badPanel())).map(formatIssue)).toEqual([REPORTED]);
  });

  it('names every panel without data, each by its own field, whatever panels come between them', () => {
    const twoBad = shopStack({ panels: [
      { title: 'Failed share', description: '5xx over all.', unit: 'percentunit', expr: FAILED_SHARE },
      { title: 'Requests', description: 'All requests.', unit: 'reqps', expr: 'sum(rate(http_requests_total{job="api"}[5m]))' },
      { title: 'Failed share again', description: '5xx over all.', unit: 'percentunit', expr: `(${FAILED_SHARE})` },
    ] });
    expect(seriesAbsentPanelIssues(rendered(twoBad)).map((i) => i.field)).toEqual([
      'dashboards.shop-api-performance.panels["Failed share"].expr',
      'dashboards.shop-api-performance.panels["Failed share again"].expr',
    ]);
  });
});

describe('panelAbsenceJob', () => {
  it('is plain data a worker thread can post, naming each checked query by its field', () => {
    const job = panelAbsenceJob(rendered(badPanel()))!;
    expect(structuredClone(job)).toEqual(job);
    expect(Object.keys(job.files).sort()).toEqual([job.ruleFile, job.testFile].sort());
    expect(job.panels).toContainEqual({ field: 'dashboards.shop-api-performance.panels["Failed share"].expr', expr: FAILED_SHARE });
  });

  it('loads the recording rules only, since no query reads the alerts\' ALERTS series', () => {
    const job = panelAbsenceJob(rendered(badPanel()))!;
    expect(job.files[job.ruleFile]).toContain('record:');
    expect(job.files[job.ruleFile]).not.toContain('alert:');
  });

  it('loads the alerting rules too when a panel reads ALERTS', () => {
    const job = panelAbsenceJob(rendered(shopStack({ panels: [{ title: 'Firing', description: 'Alerts firing.', unit: 'none', expr: 'count(ALERTS{alertstate="firing"}) or sum(up{job="api"}) * 0' }] })))!;
    expect(job.files[job.ruleFile]).toContain('alert:');
  });

  it('writes its test file as JSON, which reads as the same YAML document, one query per panel', () => {
    const job = panelAbsenceJob(rendered(badPanel()))!;
    const test = JSON.parse(job.files[job.testFile]!) as { tests: { promql_expr_test: { expr: string }[] }[] };
    expect(parse(job.files[job.testFile]!)).toEqual(test);
    expect(test.tests[0]!.promql_expr_test.map((t) => t.expr)).toContain(`absent(${FAILED_SHARE}) * ${job.panels.findIndex((p) => p.expr === FAILED_SHARE) + 1}`);
    expect(test.tests[0]!.promql_expr_test).toHaveLength(job.panels.length);
  });

  it('is shaped for shared proofs as the same test file in YAML would be: refused where a regex could match part of a name', () => {
    const job = panelAbsenceJob(rendered(harveyLikeStack(1), platform))!;
    const withQuery = (expr: string): Record<string, string> => {
      const test = JSON.parse(job.files[job.testFile]!) as { tests: { promql_expr_test: unknown[] }[] };
      test.tests[0]!.promql_expr_test.push({ expr, eval_time: '1h', exp_samples: [] });
      return { ...job.files, [job.testFile]: `${JSON.stringify(test, null, 2)}\n` };
    };
    const asYaml = (files: Record<string, string>): Record<string, string> => ({ ...files, [job.testFile]: toYaml(JSON.parse(files[job.testFile]!)) });
    const cases = [
      { files: job.files, shared: true },
      { files: withQuery('absent(up{job=~"svc-00001|other"})'), shared: true },
      { files: withQuery('absent(up{job=~"svc-0000.*"})'), shared: false },
      { files: withQuery('absent(up{instance=~"10.0.0.1.*",job="svc-00001"})'), shared: true },
    ];
    for (const { files, shared } of cases) {
      expect('key' in proofShape(files, job.identity)).toBe(shared);
      expect('key' in proofShape(asYaml(files), job.identity)).toBe(shared);
    }
  });

  it('gives, through promtool run elsewhere, the report of the synchronous check', async () => {
    const job = panelAbsenceJob(rendered(badPanel()))!;
    const result = await runPromtoolTests(job.files, job.testFile);
    expect(result.ok).toBe(false);
    expect(panelAbsenceIssues(job, result).map(formatIssue)).toEqual([REPORTED]);
  });

  it('reports nothing when promtool is not installed (the check is skipped) or passes', () => {
    const job = panelAbsenceJob(rendered(badPanel()))!;
    expect(panelAbsenceIssues(job, undefined)).toEqual([]);
    expect(panelAbsenceIssues(job, { ok: true, output: 'SUCCESS\n' })).toEqual([]);
  });
});

describe('panelAbsenceIssuesAll', () => {
  const jobs = () => [panelAbsenceJob(rendered())!, panelAbsenceJob(rendered(badPanel()))!];

  it('reports each job\'s issues in the order of the jobs', async () => {
    const report = await panelAbsenceIssuesAll(jobs(), 'required', { cacheDir: false });
    expect(report.skipped).toBeUndefined();
    expect(report.issues.map((issues) => issues.map(formatIssue))).toEqual([[], [REPORTED]]);
  });

  it('skips the check, saying why, when promtool is turned off or not installed', async () => {
    const off = await panelAbsenceIssuesAll(jobs(), 'off');
    expect(off).toEqual({ issues: [[], []], skipped: expect.stringContaining('promtool is turned off') });
    const missing = await panelAbsenceIssuesAll(jobs(), 'optional', { promtool: '/nonexistent/promtool', cacheDir: false });
    expect(missing).toEqual({ issues: [[], []], skipped: expect.stringContaining('promtool not found') });
  });
});

describe('panelAbsenceIssuesAll across services that are renamings of each other', () => {
  let counted: CountedPromtool;
  let promtool: string;
  let total = 0;
  /** promtool test rules runs so far. */
  const runs = async (): Promise<number> => (total += await counted.newRuns());
  // Three Harvey-like services under generated names: the same panels, renamed.
  const organisation = (): PanelAbsenceJob[] => [1, 2, 3].map((i) => panelAbsenceJob(rendered(harveyLikeStack(i), platform))!);
  /** Every panel without data: the test feeds no series at all. */
  const withoutSeries = (job: PanelAbsenceJob): PanelAbsenceJob => ({
    ...job, files: { ...job.files, [job.testFile]: withoutInputSeries(job.files[job.testFile]!) },
  });

  beforeAll(async () => {
    counted = await countedPromtool();
    ({ promtool } = counted);
  });
  afterAll(() => counted.remove());

  it('checks their panels with one promtool run, the others taking its verdict', async () => {
    const report = await panelAbsenceIssuesAll(organisation(), 'required', { promtool, cacheDir: false });
    expect(report.issues).toEqual([[], [], []]);
    expect(await runs()).toBe(1);
  });

  it('needs no run for a renaming of a service an earlier call of the same synth proved (provenShapes)', async () => {
    const provenShapes = new Set<string>();
    const [first, ...later] = organisation();
    const before = await runs();
    await panelAbsenceIssuesAll([first!], 'required', { promtool, cacheDir: false, provenShapes });
    expect(provenShapes.size).toBe(1);
    const report = await panelAbsenceIssuesAll(later, 'required', { promtool, cacheDir: false, provenShapes });
    expect(report.issues).toEqual([[], []]);
    expect(await runs() - before).toBe(1);
  });

  it('runs each of them on its own once the shared run fails, so every report names its own panels', async () => {
    const before = await runs();
    const report = await panelAbsenceIssuesAll(organisation().map(withoutSeries), 'required', { promtool, cacheDir: false });
    expect(await runs() - before).toBe(3);
    for (const [n, issues] of report.issues.entries()) {
      expect(issues.length).toBeGreaterThan(0);
      expect(new Set(issues.map((i) => i.service))).toEqual(new Set([`svc-0000${n + 1}`]));
      expect(issues.every((i) => i.field.startsWith(`dashboards.svc-0000${n + 1}-`))).toBe(true);
    }
  });
});
