import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelMatcher } from '../core/alert.js';
import type { ValidationIssue } from '../core/issues.js';
import { expositionOf, type MetricDefinition } from '../core/metric-catalog.js';
import { Duration } from '../core/units.js';
import { isAlertingRule } from '../render/prometheus/rule-types.js';
import { matchesAll } from '../render/promtool/prom-eval.js';
import { labelsSelectedBy, labelValues } from '../render/promtool/selector-labels.js';
import { seriesSelectorText, type Labels } from '../render/promtool/series.js';
import { toYaml } from '../render/yaml.js';
import { PROMTOOL_INSTALL_HINT, PromtoolNotFoundError, runPromtoolTestsAll, type PromtoolPoolOptions, type PromtoolResult } from '../testing/promtool.js';
import { proveByShape, serviceIdentity, shapeKey } from '../testing/promtool-shapes.js';
import type { PromtoolMode } from './promtool-rules.js';
import { issueFactory, promqlSources, type PromqlSource, type RenderedService } from './rendered-service.js';
import { vectorSelectors, type VectorSelectorRef } from './promql-tree.js';

/**
 * Every dashboard panel query, evaluated by the real promtool on a healthy service as real exporters
 * write it before anything rare happened: labelled counters only for the label values already seen (no
 * 4xx/5xx series yet: `rareValues` in the catalog; no series at all for counters whose every event is
 * rare), every other series present, and one of two pods replaced half-way (its cAdvisor and
 * kube-state-metrics series vanish with it). A query that returns nothing there shows "No data" on a
 * healthy service and is reported by panel:
 *
 *   dashboards.shop-performance.panels["Request success rate"].expr: '1 - (sum(rate(...5..)) / ...)' is invalid;
 *     allowed: a query that returns data on a healthy service whose rare series do not exist yet (...)
 *
 * The service's recording rules are loaded too (its alerting rules only where a query reads `ALERTS`), so
 * panels over recordings (SLO ratios) see what the rules record from the same series. Grafana variables
 * are substituted first (`$__rate_interval` = 4 × the evaluation interval, `$__interval` = the interval,
 * `$__range` = 1h). Each query runs as
 * `absent(<query>) * <n + 1>` expecting no sample; a failing one names its panel by its value (no label
 * function, so services that are renamings of each other get checks that are renamings too). Needs promtool
 * (PROMTOOL or PATH); without it the check is skipped, as `promtool check rules` is, and the generated
 * promtool tests still prove every alert.
 *
 * This is the synchronous form (one uncached promtool run that blocks the thread). Synth only builds
 * the job of each service ({@link panelAbsenceJob}) and runs them beside rendering ({@link panelAbsenceIssuesAll}).
 */
export function seriesAbsentPanelIssues(rendered: RenderedService): ValidationIssue[] {
  const job = panelAbsenceJob(rendered);
  return job === undefined ? [] : panelAbsenceIssuesNow(job);
}

/**
 * One service's panel check as promtool input, plain data (structured-cloneable, so a render worker
 * posts it back): the rules and the generated test, and the checked queries in test order, since a
 * failing one is named by its number (the value of its sample). Synth runs many at once (pooled, cached by content:
 * {@link panelAbsenceIssuesAll}); {@link panelAbsenceIssues} turns the result into the report.
 */
export interface PanelAbsenceJob {
  readonly service: string;
  readonly ruleFile: string;
  /** path -> content: the rule file and {@link PanelAbsenceJob.testFile}. */
  readonly files: Readonly<Record<string, string>>;
  readonly testFile: string;
  /** Where each checked query comes from (`dashboards.<uid>.panels["<title>"].expr`) and its text as written. */
  readonly panels: readonly { readonly field: string; readonly expr: string }[];
  /** The service's own names: jobs of services that are renamings of each other share one run (lib/testing/promtool-shapes.ts). */
  readonly identity: readonly string[];
}

const PANEL_TEST_FILE = 'panels.test.yaml';

/** The promtool job that checks the service's panels; undefined when there is nothing to check. */
export function panelAbsenceJob(rendered: RenderedService): PanelAbsenceJob | undefined {
  const { stack, platform } = rendered;
  const ruleText = rendered.files.get(rendered.ruleFile);
  if (ruleText === undefined) return undefined;
  const intervalMs = Duration.parse(platform.evaluationInterval);
  if (!intervalMs.ok) return undefined;
  const interval = intervalMs.value.seconds;
  const checked = panelQueriesCheckedForAbsence(rendered);
  if (checked.length === 0) return undefined;
  const queries = checked.map((p) => substituteGrafanaVariables(p.expr, interval));
  const recordings = rendered.ruleGroups.flatMap((g) => g.rules).filter((r) => !isAlertingRule(r)).map((r) => r.expr);
  const samples = 60;
  const input = healthySeries([...queries, ...recordings], rendered, samples);
  // Alerting rules only cost evaluations here (half of the run), unless something reads their ALERTS series.
  const readsAlerts = [...queries, ...recordings].some((e) => vectorSelectors(e).some((s) => s.metric === 'ALERTS' || s.metric === 'ALERTS_FOR_STATE'));
  const groups = readsAlerts ? rendered.ruleGroups
    : rendered.ruleGroups.map((g) => ({ ...g, rules: g.rules.filter((r) => !isAlertingRule(r)) })).filter((g) => g.rules.length > 0);
  const testFile = {
    rule_files: [rendered.ruleFile],
    evaluation_interval: platform.evaluationInterval,
    group_eval_order: groups.map((g) => g.name),
    tests: [{
      name: `${stack.service.name}: every panel shows data on a healthy service before its first rare event`,
      interval: platform.evaluationInterval,
      input_series: input,
      alert_rule_test: [],
      // The value of a failing query's sample names its panel (n + 1), so no label function is needed.
      promql_expr_test: queries.map((expr, i) => ({
        expr: `absent(${expr}) * ${i + 1}`,
        eval_time: `${samples * interval}s`,
        exp_samples: [],
      })),
    }],
  };
  return {
    service: stack.service.name,
    ruleFile: rendered.ruleFile,
    files: { [rendered.ruleFile]: readsAlerts ? ruleText : toYaml({ groups }), [PANEL_TEST_FILE]: testFileText(testFile) },
    testFile: PANEL_TEST_FILE,
    panels: checked.map(({ field, expr }) => ({ field, expr })),
    identity: serviceIdentity(stack.service),
  };
}

/**
 * The test file, which only promtool reads (it is never written to dist/), as JSON: YAML to promtool, and
 * the YAML writer would cost more than building the whole job (5 ms per Harvey-sized service). Its label
 * values all sit in selectors (`series`, `expr`), which the shape analysis (lib/testing/promtool-shapes.ts)
 * reads in JSON's escaped quotes too; the rule file keeps YAML, whose `labels:` keys that analysis reads.
 */
function testFileText(testFile: unknown): string {
  return `${JSON.stringify(testFile, null, 2)}\n`;
}

/** The report of one job's promtool run; `undefined` (promtool not installed) skips the check. */
export function panelAbsenceIssues(job: PanelAbsenceJob, result: PromtoolResult | undefined): ValidationIssue[] {
  if (result === undefined || result.ok) return [];
  const issue = issueFactory(job.service);
  // `got: {<labels>} 3E+00`: the sample's value is the panel's number plus one (see panelAbsenceJob).
  const failed = new Set([...result.output.matchAll(/^\s*got: \{.*\} (\S+)$/gm)].map((m) => Number(m[1]) - 1).filter((i) => Number.isInteger(i) && i >= 0 && i < job.panels.length));
  if (failed.size === 0) {
    // promtool refused the rule file itself, not a panel: `promtool check rules` reports that under the file.
    if (result.output.includes(`${job.ruleFile}:`)) return [];
    return [issue('dashboards', job.service, `panel queries promtool can evaluate (${result.output.trim().split('\n').slice(0, 6).join(' ')})`)];
  }
  return [...failed].sort((a, b) => a - b).map((i) => issue(job.panels[i]!.field, job.panels[i]!.expr,
    'a query that returns data on a healthy service whose rare series do not exist yet (no 4xx/5xx series before the first one; ' +
    'labelled counters appear with their first increment): give the missing side a value, e.g. `(sum(rate(<errors>[5m])) or 0 * sum(rate(<all>[5m]))) / sum(rate(<all>[5m]))`'));
}

/** One job run here and now (synchronously, uncached): for the library's synchronous checks. */
export function panelAbsenceIssuesNow(job: PanelAbsenceJob): ValidationIssue[] {
  return panelAbsenceIssues(job, runPromtoolSync(job.files, job.testFile));
}

export interface PanelAbsenceOptions extends PromtoolPoolOptions {
  /**
   * Shape keys (lib/testing/promtool-shapes.ts) whose panel check passed with this promtool, shared by
   * the calls of one synth run: a later batch's renaming of a proven service needs no run either.
   */
  readonly provenShapes?: Set<string>;
}

/** A verdict taken from a proven shape: that service's run passed, so this renaming of it passes. */
const PROVEN: PromtoolResult = { ok: true, output: '' };

export interface PanelAbsenceReport {
  /** Each job's issues, in the order of the jobs. */
  readonly issues: readonly (readonly ValidationIssue[])[];
  /** Set when promtool was not run (turned off, not installed): the check is skipped, as `promtool check rules` is. */
  readonly skipped?: string;
}

/**
 * Many jobs at once, asynchronously: pooled on every core and cached by content and promtool version
 * (runPromtoolTestsAll), so the panels of an unchanged service cost no promtool run the second time, and
 * services that are exact renamings of each other (lib/testing/promtool-shapes.ts) share one run.
 * A missing promtool skips the check: `promtool check rules` reports it (a skip, or an error when required).
 */
export async function panelAbsenceIssuesAll(jobs: readonly PanelAbsenceJob[], mode: PromtoolMode, options: PanelAbsenceOptions = {}): Promise<PanelAbsenceReport> {
  const none = jobs.map((): ValidationIssue[] => []);
  if (mode === 'off') return { issues: none, skipped: 'promtool is turned off: dashboard panels were not checked for data on a healthy service' };
  if (jobs.length === 0) return { issues: none };
  try {
    // Jobs that are renamings of another take its verdict when it passed; after a failure each runs on its own.
    const { provenShapes, ...pool } = options;
    const verdicts = await proveByShape<PromtoolResult>(jobs.map((job) => shapeKey(job)), async (indices, done) => {
      await runPromtoolTestsAll(indices.map((i) => ({ files: jobs[i]!.files, testFile: jobs[i]!.testFile })), { ...pool, onResult: (n, result) => done(indices[n]!, result) });
    }, provenShapes ? { provenShapes } : {});
    const results = verdicts.map((v) => (v.kind === 'proven' ? PROVEN : v.result));
    return { issues: jobs.map((job, i) => panelAbsenceIssues(job, results[i])) };
  } catch (error) {
    if (!(error instanceof PromtoolNotFoundError)) throw error;
    return { issues: none, skipped: `promtool not found, dashboard panels were not checked for data on a healthy service; ${PROMTOOL_INSTALL_HINT}` };
  }
}

/**
 * The panel queries the check evaluates: those with a series the healthy shape has. A query over rare
 * series only (401/403 per handler) rightly shows nothing before the first one; the defect is a query
 * that has healthy series to show and loses them to a missing rare side.
 */
export function panelQueriesCheckedForAbsence(rendered: RenderedService): PromqlSource[] {
  return promqlSources(rendered.ruleGroups, rendered.stack.dashboards)
    .filter((p) => p.field.startsWith('dashboards.'))
    .filter((p) => vectorSelectors(p.expr).some((s) => presentWhileHealthy(rendered, s)));
}

/** Grafana's built-in interval variables as values promtool accepts. */
export function substituteGrafanaVariables(expr: string, intervalSeconds: number): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, `${4 * intervalSeconds}s`)
    .replace(/\$__interval|\$\{__interval\}/g, `${intervalSeconds}s`)
    .replace(/\$__range|\$\{__range\}/g, '1h');
}

interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** Series a healthy, just-started service exports for these queries' selectors (see above). */
function healthySeries(exprs: readonly string[], rendered: RenderedService, samples: number): InputSeries[] {
  const { service } = rendered.stack;
  const out = new Map<string, InputSeries>();
  const add = (metric: string, labels: Labels, values: string): void => {
    const series = seriesSelectorText(metric, labels);
    if (!out.has(series)) out.set(series, { series, values });
  };
  // A selector written again adds nothing (its metric and matchers are read from its text; `add` keeps the first series).
  const done = new Set<string>();
  for (const selector of exprs.flatMap((e) => vectorSelectors(e))) {
    if (done.has(selector.text)) continue;
    done.add(selector.text);
    const found = catalogMetric(rendered, selector);
    if (!found) continue;
    const { metric, suffix } = found;
    const matchers = selector.matchers.filter((m) => m.label !== '__name__' && m.label !== 'le') as LabelMatcher[];
    if (rareOnly(metric, matchers)) continue;
    const base = labelsSelectedBy({ metric: metric.name, matchers });
    if (!base) continue;
    const labels = fillLabels(metric, base, matchers, service.workloads);
    const exposition = expositionOf(metric);
    // A per-pod series set: the second pod is replaced half-way and its series end there (staleness).
    const pods = exposition.presence === 'per-entity' && metric.labels.includes('pod')
      ? labelValues('pod', matchers).filter((v) => v !== '').slice(0, 2) : [];
    const variants: { labels: Labels; values: (v: string) => string }[] = pods.length === 2
      ? [{ labels: { ...labels, pod: pods[0]! }, values: (v) => v }, { labels: { ...labels, pod: pods[1]! }, values: (v) => halfThenGone(v, samples) }]
      : [{ labels, values: (v) => v }];
    for (const variant of variants) {
      const counter = variant.values(`0+10x${samples}`);
      if (metric.type === 'histogram') {
        if (suffix === '_bucket' || suffix === '') {
          for (const le of [...(metric.buckets ?? []).map(String), '+Inf']) add(`${metric.name}_bucket`, { ...variant.labels, le }, counter);
        }
        add(`${metric.name}_count`, variant.labels, counter);
        add(`${metric.name}_sum`, variant.labels, variant.values(`0+1x${samples}`));
      } else {
        add(metric.name, variant.labels, metric.type === 'counter' ? counter : variant.values(`1x${samples}`));
      }
    }
  }
  return [...out.values()];
}

/** A recording, or a catalog series the healthy shape has. */
function presentWhileHealthy(rendered: RenderedService, selector: VectorSelectorRef): boolean {
  if (selector.metric?.includes(':')) return true;
  const found = catalogMetric(rendered, selector);
  return found !== undefined && !rareOnly(found.metric, selector.matchers.filter((m) => m.label !== '__name__' && m.label !== 'le') as LabelMatcher[]);
}

function halfThenGone(values: string, samples: number): string {
  const half = Math.floor(samples / 2);
  return values.replace(/x\d+$/, `x${half}`);
}

function catalogMetric(rendered: RenderedService, selector: VectorSelectorRef): { metric: MetricDefinition; suffix: string } | undefined {
  const name = selector.metric;
  if (name === undefined || name.includes(':') || name === 'ALERTS' || name === 'ALERTS_FOR_STATE') return undefined;
  const catalog = rendered.stack.service.metrics;
  const direct = catalog.find(name);
  if (direct) return { metric: direct, suffix: '' };
  for (const suffix of ['_bucket', '_count', '_sum']) {
    const metric = name.endsWith(suffix) ? catalog.find(name.slice(0, -suffix.length)) : undefined;
    if (metric?.type === 'histogram') return { metric, suffix };
  }
  return undefined;
}

/** The selector only selects series a healthy service may not have yet: rare label values, or a counter of rare events only. */
function rareOnly(metric: MetricDefinition, matchers: readonly LabelMatcher[]): boolean {
  const exposition = expositionOf(metric);
  const rare = exposition.rareValues ?? {};
  return Object.entries(rare).some(([label, pattern]) => {
    const values = labelValues(label, matchers).filter((v) => v !== '');
    return matchers.some((m) => m.label === label) && values.length > 0 &&
      values.every((value) => matchesAll({ [label]: value }, [{ label, op: '=~', value: pattern }]));
  });
}

/** Every catalog label the selector leaves open gets a plausible value, so `by (handler)` has something to group. */
function fillLabels(metric: MetricDefinition, base: Labels, matchers: readonly LabelMatcher[], workloads: readonly { readonly job: string; readonly port: number }[]): Labels {
  const labels: Record<string, string> = { ...base };
  const examples: Record<string, string> = { handler: '/api/v1/example', method: 'GET', status: '200', code: '200', container: 'app', namespace: 'default' };
  for (const label of metric.labels) {
    if (labels[label] !== undefined || label === 'job') continue;
    const candidates = [examples[label], ...labelValues(label, matchers)].filter((v): v is string => v !== undefined && v !== '');
    const value = candidates.find((v) => matchesAll({ ...labels, [label]: v }, matchers.filter((m) => m.label === label)));
    if (value !== undefined) labels[label] = value;
  }
  if (labels.job !== undefined && labels.instance === undefined) {
    labels.instance = `10.0.0.12:${workloads.find((w) => w.job === labels.job)?.port ?? 9100}`;
  }
  return labels;
}

/** `promtool test rules` synchronously (checks are synchronous); undefined when promtool is not installed. */
function runPromtoolSync(files: Readonly<Record<string, string>>, testFile: string): PromtoolResult | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'oac-panels-'));
  try {
    for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content, 'utf8');
    const output = execFileSync(process.env.PROMTOOL ?? 'promtool', ['test', 'rules', testFile], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    return { ok: true, output };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') return undefined;
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
