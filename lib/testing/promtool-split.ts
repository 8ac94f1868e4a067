import { parse } from 'yaml';
import { vectorSelectors } from '../checks/promql-tree.js';
import { promqlSyntaxErrors } from '../promql/syntax.js';
import type { PromtoolTestFile } from '../render/promtool/test-file.js';
import { toYaml } from '../render/yaml.js';
import { runPromtoolTestsAll, type PooledPromtoolResult, type PromtoolPoolOptions, type PromtoolTestJob } from './promtool.js';
import { evaluationIntervalMs, evaluationSteps, promtoolTimeoutMs } from './promtool-timeout.js';

/**
 * Splitting one `promtool test rules` run into runs that each load only the rules their test groups read.
 *
 * promtool evaluates every rule of every loaded group at every evaluation step of every test group, so a
 * ten-minute test of one HTTP alert pays for the hundred SLO recording rules of the same file. The verdict
 * of a test group depends only on the rules it reads, transitively:
 * - the alerting rules named by its `alert_rule_test` entries (every rule of that name: promtool compares
 *   all alerts of the name), and the rules producing what its `promql_expr_test` queries read;
 * - for each of those, the rules producing the series its expression reads: the recording rules of each
 *   metric name, every alerting rule for `ALERTS` and `ALERTS_FOR_STATE`.
 * Rules are kept verbatim, in their groups (name, interval and every other field) and in their order, and
 * `group_eval_order` is kept, so each kept rule sees at each step exactly the series it sees in the whole
 * file: a rule reads nothing it does not name, and what it names is produced by kept rules only.
 *
 * Where a dependency cannot be read off the text, the test group loads every rule: a selector without a
 * literal metric name (`{__name__=~"..."}`, `{job="x"}`), a template that queries (`query` in an
 * annotation or label), an expression the grammar does not parse. Test groups whose rule sets are equal,
 * or one inside another, run together (fewer promtool starts; a closed superset is as exact).
 *
 * A part that passes is the whole file's verdict for its test groups. When any part fails, callers run
 * the whole file and report that run, so failures show promtool's own output for the real file
 * ({@link proveAll}).
 */

/** A rule's place: rule file, group index, rule index. */
type RuleId = string;

interface LoadedRule {
  readonly id: RuleId;
  readonly alert?: string;
  readonly record?: string;
  /** What the rule's expression reads; `undefined` when any series could be read (also by a querying template). */
  readonly reads: readonly Read[] | undefined;
  /** Its `labels:` with fixed values (templated ones left out): every series it writes carries them. */
  readonly labels: ReadonlyMap<string, string>;
}

/** One selector: the series of `metric` whose labels equal `equal`'s values (other matchers ignored: fewer exclusions, never a wrong one). */
interface Read {
  readonly metric: string;
  readonly equal: ReadonlyMap<string, string>;
}

interface TestDoc {
  readonly rule_files?: readonly string[];
  readonly evaluation_interval?: string;
  readonly tests?: readonly TestGroupDoc[];
  readonly [field: string]: unknown;
}

interface TestGroupDoc {
  readonly alert_rule_test?: readonly { readonly alertname?: string; readonly eval_time?: string }[];
  readonly promql_expr_test?: readonly { readonly expr?: string; readonly eval_time?: string }[];
  readonly [field: string]: unknown;
}

interface RuleFileDoc {
  readonly groups?: readonly { readonly rules?: readonly Record<string, unknown>[]; readonly [field: string]: unknown }[];
  readonly [field: string]: unknown;
}

const ALERT_SERIES = new Set(['ALERTS', 'ALERTS_FOR_STATE']);
/** A Go template action calling `query` (annotations and labels may query the TSDB). */
const QUERYING_TEMPLATE = /\{\{[^}]*\bquery\b/;

/**
 * `job` as several jobs, each with the same file names, a subset of the test groups and only the rules
 * they read; `[job]` when nothing would be saved or the files cannot be read as promtool files.
 * Each part's `timeoutMs` is sized from its own evaluations ({@link promtoolTimeoutMs}).
 */
export function splitTestJob(job: PromtoolTestJob): PromtoolTestJob[] {
  const loaded = loadJob(job);
  if (!loaded) return [job];
  const { doc, ruleDocs, rules } = loaded;
  const tests = doc.tests ?? [];
  const closures = tests.map((group) => closureOf(group, rules));
  if (closures.some((c) => c === undefined)) return [job];
  // Largest rule sets first: each smaller set inside one of them joins it.
  const order = tests.map((_, i) => i).sort((a, b) => closures[b]!.size - closures[a]!.size || a - b);
  const parts: { rules: Set<RuleId>; tests: number[] }[] = [];
  for (const i of order) {
    const closure = closures[i]!;
    const home = parts.find((p) => [...closure].every((id) => p.rules.has(id)));
    if (home) home.tests.push(i);
    else parts.push({ rules: new Set(closure), tests: [i] });
  }
  if (parts.length < 2 && parts[0]?.rules.size === rules.length) return [job];
  const intervalMs = evaluationIntervalMs(doc);
  return parts.map((part) => {
    const chosen = part.tests.sort((a, b) => a - b).map((i) => tests[i]!);
    const files: Record<string, string> = { ...job.files };
    const present = new Set<unknown>();
    for (const [path, ruleDoc] of ruleDocs) {
      const kept = subset(path, ruleDoc, part.rules);
      for (const group of kept.groups ?? []) present.add(group['name']);
      files[path] = toYaml(kept);
    }
    // The same order among the groups kept (a promtool may refuse an order naming a group it has not loaded).
    const order = Array.isArray(doc['group_eval_order']) ? { group_eval_order: doc['group_eval_order'].filter((name) => present.has(name)) } : {};
    files[job.testFile] = toYaml({ ...doc, ...order, tests: chosen });
    const steps = evaluationSteps({ tests: chosen as unknown as PromtoolTestFile['tests'] }, intervalMs);
    return { files, testFile: job.testFile, timeoutMs: promtoolTimeoutMs(steps, part.rules.size) };
  });
}

/**
 * `promtool test rules` for every job, each split into the runs that load only what its test groups read
 * ({@link splitTestJob}), all pooled on every core and cached by content (an explicit `options.timeoutMs`
 * applies to every run). A job whose parts all pass passes with their output (promtool's own success
 * lines: the parts keep the file names); a job with a failing part runs again whole, and that run is its
 * result (a job that could not be split ran whole the first time). Results in the order of `jobs`.
 */
export async function proveAll(jobs: readonly PromtoolTestJob[], options: PromtoolPoolOptions = {}): Promise<PooledPromtoolResult[]> {
  // An explicit limit is the caller's; otherwise each part has one sized from its own evaluations.
  const parts = jobs.map((job) => splitTestJob(job).map((part) => (options.timeoutMs === undefined || part === job ? part : { ...part, timeoutMs: options.timeoutMs })));
  const flat = parts.flatMap((list, job) => list.map((part) => ({ part, job })));
  const results: PooledPromtoolResult[][] = parts.map(() => []);
  const outcomes: (PooledPromtoolResult | undefined)[] = new Array(jobs.length);
  const whole: number[] = [];
  await runPromtoolTestsAll(flat.map((f) => f.part), {
    ...options,
    onResult: (n, result) => {
      const job = flat[n]!.job;
      results[job]!.push(result);
      if (results[job]!.length < parts[job]!.length) return;
      // A job that was not split ran whole already: its failure is its result.
      const unsplit = parts[job]!.length === 1 && parts[job]![0] === jobs[job];
      if (unsplit || results[job]!.every((r) => r.ok)) {
        outcomes[job] = unsplit ? result : combine(results[job]!);
        options.onResult?.(job, outcomes[job]!);
      } else {
        whole.push(job);
      }
    },
  });
  if (whole.length > 0) {
    await runPromtoolTestsAll(whole.map((job) => jobs[job]!), {
      ...options,
      onResult: (n, result) => {
        const job = whole[n]!;
        outcomes[job] = { ...result, seconds: result.seconds + results[job]!.reduce((s, r) => s + r.seconds, 0) };
        options.onResult?.(job, outcomes[job]!);
      },
    });
  }
  return outcomes as PooledPromtoolResult[];
}

function combine(results: readonly PooledPromtoolResult[]): PooledPromtoolResult {
  const outputs = [...new Set(results.map((r) => r.output))];
  return { ok: true, output: outputs.join(''), cached: results.every((r) => r.cached), seconds: results.reduce((s, r) => s + r.seconds, 0) };
}

function loadJob(job: PromtoolTestJob): { doc: TestDoc; ruleDocs: Map<string, RuleFileDoc>; rules: LoadedRule[] } | undefined {
  try {
    // Generated files alias repeated annotations; promtool reads them the same way.
    const doc = parse(job.files[job.testFile] ?? '', { maxAliasCount: -1 }) as TestDoc | null;
    if (!doc || !Array.isArray(doc.tests) || !Array.isArray(doc.rule_files)) return undefined;
    const ruleDocs = new Map<string, RuleFileDoc>();
    const rules: LoadedRule[] = [];
    for (const path of doc.rule_files) {
      const text = job.files[path];
      if (typeof path !== 'string' || text === undefined || path.includes('*')) return undefined;
      const ruleDoc = parse(text) as RuleFileDoc | null;
      if (!ruleDoc || !Array.isArray(ruleDoc.groups)) return undefined;
      ruleDocs.set(path, ruleDoc);
      ruleDoc.groups.forEach((group: NonNullable<RuleFileDoc['groups']>[number], g: number) => {
        (group.rules ?? []).forEach((rule, r) => rules.push(loadRule(`${path}\0${g}\0${r}`, rule)));
      });
    }
    return { doc, ruleDocs, rules };
  } catch {
    return undefined;
  }
}

function loadRule(id: RuleId, rule: Record<string, unknown>): LoadedRule {
  const alert = typeof rule['alert'] === 'string' ? rule['alert'] : undefined;
  const record = typeof rule['record'] === 'string' ? rule['record'] : undefined;
  const templates = [rule['labels'], rule['annotations']].flatMap((m) => (m && typeof m === 'object' ? Object.values(m) : []));
  const querying = templates.some((t) => typeof t === 'string' && QUERYING_TEMPLATE.test(t));
  const reads = querying || typeof rule['expr'] !== 'string' ? undefined : readsOf(rule['expr']);
  const given = rule['labels'] && typeof rule['labels'] === 'object' ? Object.entries(rule['labels']) : [];
  const labels = new Map(given.flatMap(([k, v]) => (typeof v === 'string' && !v.includes('{{') ? [[k, v] as const] : [])));
  return { id, ...(alert !== undefined && { alert }), ...(record !== undefined && { record }), reads, labels };
}

/**
 * What `expr` reads, selector by selector, or `undefined` when it could read any series: each selector's
 * metric name and its equality matchers, which rules with another fixed value of the label cannot satisfy.
 */
function readsOf(expr: string): Read[] | undefined {
  const reads: Read[] = [];
  try {
    // The grammar recovers from errors; what a broken expression reads cannot be told (promtool refuses it anyway).
    if (promqlSyntaxErrors(expr).length > 0) return undefined;
    for (const selector of vectorSelectors(expr)) {
      if (selector.metric === undefined) return undefined;
      const equal = new Map<string, string>();
      for (const m of selector.matchers) if (m.op === '=' && m.label !== '__name__') equal.set(m.label, m.value);
      reads.push({ metric: selector.metric, equal });
    }
  } catch {
    return undefined;
  }
  return reads;
}

/** Every rule the test group's verdict depends on, or `undefined` when that cannot be told. */
function closureOf(group: TestGroupDoc, rules: readonly LoadedRule[]): Set<RuleId> | undefined {
  const roots: LoadedRule[] = [];
  const alertnames = new Set((group.alert_rule_test ?? []).map((t) => t.alertname));
  roots.push(...rules.filter((r) => r.alert !== undefined && alertnames.has(r.alert)));
  for (const test of group.promql_expr_test ?? []) {
    const reads = typeof test.expr === 'string' ? readsOf(test.expr) : undefined;
    if (reads === undefined) return undefined;
    roots.push(...producersOf(reads, rules));
  }
  const closure = new Set<RuleId>();
  const stack = [...roots];
  while (stack.length > 0) {
    const rule = stack.pop()!;
    if (closure.has(rule.id)) continue;
    closure.add(rule.id);
    if (rule.reads === undefined) return undefined;
    stack.push(...producersOf(rule.reads, rules));
  }
  return closure;
}

/**
 * The rules whose output a read may select: the recording rules of its metric name, or for `ALERTS` and
 * `ALERTS_FOR_STATE` the alerting rules (the alert name is the `alertname` label); minus those whose
 * fixed `labels:` give a matched label another value (a rule's labels override what its expression
 * returns, so none of its series can match). A templated label value is not fixed.
 */
function producersOf(reads: readonly Read[], rules: readonly LoadedRule[]): LoadedRule[] {
  return rules.filter((rule) => reads.some((read) => {
    const alertSeries = ALERT_SERIES.has(read.metric);
    if (alertSeries ? rule.alert === undefined : rule.record !== read.metric) return false;
    const own = alertSeries ? new Map([...rule.labels, ['alertname', rule.alert!]]) : rule.labels;
    return [...read.equal].every(([label, value]) => !own.has(label) || own.get(label) === value);
  }));
}

/** The rule file with only `keep`'s rules, every group field as it was, groups left empty dropped. */
function subset(path: string, doc: RuleFileDoc, keep: ReadonlySet<RuleId>): RuleFileDoc {
  const groups = (doc.groups ?? []).flatMap((group, g) => {
    const rules = (group.rules ?? []).filter((_, r) => keep.has(`${path}\0${g}\0${r}`));
    return rules.length === 0 ? [] : [{ ...group, rules }];
  });
  return { ...doc, groups };
}
