import type { AlertSpec } from '../../core/alert.js';
import type { PlatformConfig } from '../../core/platform.js';
import type { ServiceStack } from '../../core/stack.js';
import { Duration } from '../../core/units.js';
import { eq, selector } from '../../promql/selector.js';
import { alertingRule } from '../prometheus/rule-groups.js';
import { scenariosFor } from './builders.js';
import { AlertTemplateError, renderAlertTemplate } from './go-template.js';
import { SeriesStore, type Possible } from './prom-eval.js';
import { ceilToInterval, durationText, type ResultSample, type Scenario, type ScenarioContext } from './scenario.js';
import { seriesSelectorText, seriesValuesText, type Labels } from './series.js';
import type { AlertingRule } from '../prometheus/rule-types.js';
import type { PromtoolAlertTest, PromtoolExpectedAlert, PromtoolExprTest, PromtoolTestGroup } from './test-file.js';

/** An alert as Prometheus holds it after one evaluation. */
export interface SimulatedAlert {
  /** Final labels: the sample's labels without `__name__`, plus the rule's labels (not `alertname`). */
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: number;
  readonly value: number;
}

/** A scenario with its timing worked out and checked by emulation, and its promtool test group. */
export interface ResolvedScenario {
  readonly alert: AlertSpec;
  readonly scenario: Scenario;
  readonly store: SeriesStore;
  /** First evaluation at which the alert expression returns a sample (fires scenarios only). */
  readonly conditionTrueAt?: number;
  /** First evaluation at which the alert is firing (fires scenarios only). */
  readonly firesAt?: number;
  readonly group: PromtoolTestGroup;
}

export function parseInterval(platform: PlatformConfig): number {
  const parsed = Duration.parse(platform.evaluationInterval);
  if (!parsed.ok) throw new Error(`platform.evaluationInterval: '${platform.evaluationInterval}' is invalid; allowed: ${parsed.allowed}`);
  return parsed.value.seconds * 1000;
}

export function scenarioContext(stack: ServiceStack, alert: AlertSpec, platform: PlatformConfig): ScenarioContext {
  const intervalMs = parseInterval(platform);
  const forMs = alert.for.seconds * 1000;
  return { stack, platform, alert, rule: alertingRule(stack, alert, platform), intervalMs, forMs, holdMs: ceilToInterval(forMs, intervalMs) };
}

/** Builds, emulates and checks every scenario of one alert. Throws when the worked-out timing and the emulation disagree. */
export function resolveScenarios(stack: ServiceStack, alert: AlertSpec, platform: PlatformConfig): ResolvedScenario[] {
  const ctx = scenarioContext(stack, alert, platform);
  return scenariosFor(alert.signal, ctx).map((scenario) => resolveScenario(scenario, ctx));
}

export function resolveScenario(scenario: Scenario, ctx: ScenarioContext): ResolvedScenario {
  const { alert, intervalMs } = ctx;
  const store = new SeriesStore(scenario.series, intervalMs);
  const where = `${alert.name}: scenario "${scenario.name}"`;
  const simulation = new AlertSimulation((t) => scenario.evaluate(store, t), { alertName: alert.name, rule: ctx.rule, intervalMs, forMs: ctx.forMs });
  const alertTests: PromtoolAlertTest[] = [];
  const exprTests: PromtoolExprTest[] = [];
  const expectAt = (t: number): void => {
    alertTests.push({ eval_time: durationText(t), alertname: alert.name, exp_alerts: simulation.at(t).filter((a) => a.state === 'firing').map(expectedAlert) });
  };
  const alertsSeriesAt = (t: number): void => {
    exprTests.push({
      expr: selector('ALERTS', eq('alertname', alert.name)),
      eval_time: durationText(t),
      exp_samples: simulation.at(t).map((a) => ({
        labels: seriesSelectorText('ALERTS', { ...a.labels, alertname: alert.name, alertstate: a.state }),
        value: 1,
      })),
    });
  };

  let conditionTrueAt: number | undefined;
  let firesAt: number | undefined;
  if (scenario.expectation.kind === 'fires') {
    const expected = scenario.expectation.conditionTrueAt;
    conditionTrueAt = simulation.firstTimeWhere((alerts) => alerts.length > 0, expected + ctx.holdMs);
    if (conditionTrueAt !== expected) {
      throw new Error(`${where}: the condition first holds at ${show(conditionTrueAt)} by emulation, not at ${durationText(expected)} as worked out`);
    }
    firesAt = simulation.firstTimeWhere((alerts) => alerts.some((a) => a.state === 'firing'), expected + ctx.holdMs);
    if (firesAt !== expected + ctx.holdMs) {
      throw new Error(`${where}: the alert first fires at ${show(firesAt)} by emulation, not at ${durationText(expected + ctx.holdMs)} ` +
        '(the condition must hold at every evaluation in between)');
    }
    // Not pending before the condition holds, pending (or firing, with `for: 0`) from then on.
    if (conditionTrueAt - intervalMs >= 0) alertsSeriesAt(conditionTrueAt - intervalMs);
    alertsSeriesAt(conditionTrueAt);
    // Silent at the last evaluation before `for` has elapsed, firing at the first one after.
    if (firesAt - intervalMs >= 0) expectAt(firesAt - intervalMs);
    expectAt(firesAt);
  } else {
    for (const t of scenario.expectation.checkAt) {
      const alerts = simulation.at(t);
      if (alerts.length > 0) throw new Error(`${where}: the alert is ${alerts[0]!.state} at ${durationText(t)} by emulation, but the scenario must stay silent`);
      expectAt(t);
      alertsSeriesAt(t);
    }
  }

  const group: PromtoolTestGroup = {
    name: scenario.name,
    interval: ctx.platform.evaluationInterval,
    input_series: scenario.series.map((s) => ({ series: seriesSelectorText(s.metric, s.labels), values: seriesValuesText(s) })),
    alert_rule_test: uniqueByTime(alertTests),
    promql_expr_test: uniqueByTime(exprTests),
  };
  return { alert, scenario, store, ...(conditionTrueAt !== undefined && { conditionTrueAt }), ...(firesAt !== undefined && { firesAt }), group };
}

export function expectedAlert(alert: SimulatedAlert): PromtoolExpectedAlert {
  return { exp_labels: alert.labels, exp_annotations: alert.annotations };
}

/** A sample's labels and annotations expanded, and the key of its final label set. */
interface Expansion {
  readonly labels: Labels;
  readonly annotations: Record<string, string>;
  readonly key: string;
}

/** One level per number of a sample's value; the expansion sits under {@link EXPANSION} at the end of the path. */
type ExpansionTrie = Map<number | string | symbol, ExpansionTrie | Expansion>;
const EXPANSION = Symbol('expansion');

/** Every float its own key: a Map keys numbers by SameValueZero (NaN is NaN), which only -0 and 0 share. */
function trieChild(node: ExpansionTrie, v: number): ExpansionTrie {
  const key = Object.is(v, -0) ? '-0' : v;
  let child = node.get(key) as ExpansionTrie | undefined;
  if (!child) {
    child = new Map();
    node.set(key, child);
  }
  return child;
}

function show(t: number | undefined): string {
  return t === undefined ? 'never' : durationText(t);
}

/** The same value and the same alternatives, in order (as the expansion trie keys them: -0 apart from 0). */
function samePossible(a: Possible, b: Possible): boolean {
  if (a === b) return true;
  if (!Object.is(a.value, b.value) || a.alternatives.length !== b.alternatives.length) return false;
  for (let i = 0; i < a.alternatives.length; i++) if (!Object.is(a.alternatives[i], b.alternatives[i])) return false;
  return true;
}

function uniqueByTime<T extends { readonly eval_time: string }>(tests: readonly T[]): T[] {
  const seen = new Set<string>();
  return tests.filter((t) => !seen.has(t.eval_time) && seen.add(t.eval_time));
}

/** The alerting rule an {@link AlertSimulation} runs. */
export interface SimulatedRule {
  readonly alertName: string;
  /** The rule as rendered (labels and annotations still templated). */
  readonly rule: AlertingRule;
  /** Evaluation interval, in ms. */
  readonly intervalMs: number;
  /** The rule's `for`, in ms. */
  readonly forMs: number;
}

/**
 * Prometheus' alerting-rule state machine (rules/alerting.go) over the emulated expression: a new sample
 * makes a pending alert active at that evaluation; it fires once `evaluation - activeAt >= for`; a sample
 * that disappears resolves the alert. Labels and annotations are expanded at every evaluation with the
 * current value, as Prometheus does.
 */
export class AlertSimulation {
  private readonly snapshots = new Map<number, SimulatedAlert[]>();
  private readonly active = new Map<string, SimulatedAlert>();
  private evaluatedUntil = -1;

  /** `evaluate(t)`: the alert expression's samples at evaluation time `t` (ms). */
  constructor(private readonly evaluate: (t: number) => readonly ResultSample[], private readonly ctx: SimulatedRule) {}

  at(t: number): SimulatedAlert[] {
    if (t % this.ctx.intervalMs !== 0) throw new Error(`evaluation time ${t}ms is not a multiple of the evaluation interval`);
    while (this.evaluatedUntil < t) this.step(this.evaluatedUntil < 0 ? 0 : this.evaluatedUntil + this.ctx.intervalMs);
    return this.snapshots.get(t)!;
  }

  firstTimeWhere(predicate: (alerts: SimulatedAlert[]) => boolean, until: number): number | undefined {
    for (let t = 0; t <= until; t += this.ctx.intervalMs) if (predicate(this.at(t))) return t;
    return undefined;
  }

  /**
   * Expansions by sample: its labels, then its value and every possible value, one map level per number
   * (a steady alert expands alike at every evaluation, and an evaluation costs no number formatting).
   */
  private readonly expanded = new Map<string, ExpansionTrie>();
  /** The JSON of each labels object seen: builders that return the same object every evaluation pay for it once. */
  private readonly labelsJson = new WeakMap<Labels, string>();

  private expansionOf(sample: ResultSample): Expansion {
    let json = this.labelsJson.get(sample.labels);
    if (json === undefined) {
      json = JSON.stringify(sample.labels);
      this.labelsJson.set(sample.labels, json);
    }
    let node = this.expanded.get(json);
    if (!node) {
      node = new Map();
      this.expanded.set(json, node);
    }
    node = trieChild(node, sample.value.value);
    for (const v of sample.value.alternatives) node = trieChild(node, v);
    let expansion = node.get(EXPANSION) as Expansion | undefined;
    if (!expansion) {
      const { labels, annotations } = this.expand(sample);
      expansion = { labels, annotations, key: JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))) };
      node.set(EXPANSION, expansion);
    }
    return expansion;
  }

  /** The last sample expanded and its expansion: a steady alert brings the same labels and value at every evaluation. */
  private lastSample?: ResultSample;
  private lastExpansion?: Expansion;

  private expansionOfSample(sample: ResultSample): Expansion {
    const last = this.lastSample;
    if (last !== undefined && last.labels === sample.labels && samePossible(last.value, sample.value)) return this.lastExpansion!;
    const expansion = this.expansionOf(sample);
    this.lastSample = sample;
    this.lastExpansion = expansion;
    return expansion;
  }

  private readonly seen = new Set<string>();
  /** The last snapshot, taken again while no alert changed (snapshots are only read). */
  private snapshot: SimulatedAlert[] = [];

  private step(t: number): void {
    const { seen } = this;
    seen.clear();
    let changed = false;
    for (const sample of this.evaluate(t)) {
      const { labels, annotations, key } = this.expansionOfSample(sample);
      if (seen.has(key)) throw new Error(`${this.ctx.alertName}: two samples with the same labels after adding the rule's labels`);
      seen.add(key);
      const previous = this.active.get(key);
      const value = sample.value.value;
      // An alert that holds the same expansion and value stays the same object.
      if (previous !== undefined && previous.labels === labels && previous.annotations === annotations && Object.is(previous.value, value)) continue;
      this.active.set(key, { labels, annotations, activeAt: previous?.activeAt ?? t, state: previous?.state ?? 'pending', value });
      changed = true;
    }
    for (const [key, alert] of this.active) {
      if (!seen.has(key)) {
        this.active.delete(key);
        changed = true;
      } else if (alert.state === 'pending' && t - alert.activeAt >= this.ctx.forMs) {
        this.active.set(key, { ...alert, state: 'firing' });
        changed = true;
      }
    }
    if (changed) this.snapshot = [...this.active.values()];
    this.snapshots.set(t, this.snapshot);
    this.evaluatedUntil = t;
  }

  /** The rule's labels and annotations expanded for this sample; every float outcome must expand alike. */
  private expand(sample: ResultSample): { labels: Labels; annotations: Record<string, string> } {
    const { rule, alertName } = this.ctx;
    const render = (text: string, field: string): string => {
      // Without an action the text is itself; without $value it expands alike for every value.
      if (!text.includes('{{')) return text;
      const expandWith = (value: number): string => {
        try {
          return renderAlertTemplate(text, { value, labels: sample.labels });
        } catch (error) {
          if (error instanceof AlertTemplateError) throw new AlertTemplateError(`${alertName}: ${field}: ${error.message}`);
          throw error;
        }
      };
      const rendered = expandWith(sample.value.value);
      if (!text.includes('$value')) return rendered;
      const outcomes = new Set(sample.value.alternatives.map(expandWith));
      if (outcomes.size > 1) {
        throw new Error(`${alertName}: ${field} shows the value at full precision (${[...outcomes].join(' vs ')}), and promtool adds ` +
          'series in no fixed order, so the last digits are not predictable; format it with humanize, humanizePercentage or printf');
      }
      return rendered;
    };
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(sample.labels)) if (name !== '__name__') labels[name] = value;
    for (const [name, value] of Object.entries(rule.labels)) {
      const rendered = render(value, `label ${name}`);
      if (rendered === '') delete labels[name];
      else labels[name] = rendered;
    }
    const annotations: Record<string, string> = {};
    for (const [name, value] of Object.entries(rule.annotations)) annotations[name] = render(value, `annotation ${name}`);
    return { labels, annotations };
  }
}
