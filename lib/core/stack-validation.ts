import type { Signal } from './alert.js';
import { FieldParser, isRecord } from './fields.js';
import type { ValidationIssue } from './issues.js';
import { levelsOf, RUNBOOK_LEVELS, vocabularyOf, type RunbookLevel } from './severity.js';
import type { ServiceStack } from './stack.js';
import { Duration, Ratio } from './units.js';

/**
 * The run-time shape of what a stack hands to synth besides its service: alerts (from packs or built by
 * hand with `buildAlert`), dashboards and SLOs. TypeScript checks these at compile time, but a stack in
 * JavaScript, or one with a cast, can pass anything; every value of the wrong type becomes a field issue
 * here (`alerts.ShopDown.level.severity: 'page' ...`) instead of a TypeError in a renderer. Returns the
 * issues rather than recording them, so synthesizing one stack twice reports them once.
 */
export function stackShapeIssues(stack: ServiceStack): readonly ValidationIssue[] {
  const f = new FieldParser(stack.service.name);
  const alerts = f.list('alerts', stack.alerts);
  const names = new Set(alerts.flatMap((a) => (isRecord(a) && typeof a.name === 'string' ? [a.name] : [])));
  alerts.forEach((alert, i) => {
    try {
      checkAlert(f, alert, i, names);
    } catch {
      // A value whose getter throws: the renderers' guards report it by artifact.
    }
  });
  checkVocabulary(f, stack, alerts);
  f.list('dashboards', stack.dashboards).forEach((d, i) => {
    const dashboard = f.record(`dashboards[${i}]`, d, false, 'a dashboard { uid, title, json } built by a dashboard template');
    if (!dashboard) return;
    f.nonEmpty(`dashboards[${i}].uid`, dashboard.uid);
    f.nonEmpty(`dashboards[${i}].title`, dashboard.title);
    f.record(`dashboards[${i}].json`, dashboard.json, false, 'the dashboard JSON model (an object)');
  });
  f.list('slos', stack.slos, true).forEach((s, i) => {
    const slo = f.record(`slos[${i}]`, s);
    if (!slo) return;
    const at = typeof slo.name === 'string' ? `slos.${slo.name}` : `slos[${i}]`;
    f.check(slo.objective instanceof Ratio && slo.period instanceof Duration && Array.isArray(slo.tiers) && isRecord(slo.sli), at, slo.name,
      'an SLO built by defineSlo(service, spec)');
  });
  const titles = new Set<string>();
  f.list('procedures', stack.procedures, true).forEach((p, i) => {
    const procedure = f.record(`procedures[${i}]`, p, false, 'a runbook procedure { title, when, steps }');
    if (!procedure) return;
    const title = procedure.title;
    const at = typeof title === 'string' && title.trim() !== '' ? `procedures[${JSON.stringify(title)}]` : `procedures[${i}]`;
    if (f.check(typeof title === 'string' && title.trim() !== '' && !/[\r\n]/.test(title), `${at}.title`, title, 'a non-empty one-line heading')) {
      f.check(!titles.has(title as string), `${at}.title`, title, 'a title no other procedure of the stack has (each is a RUNBOOK.md heading)');
      titles.add(title as string);
    }
    f.nonEmpty(`${at}.when`, procedure.when);
    const steps = f.list(`${at}.steps`, procedure.steps);
    if (Array.isArray(procedure.steps)) f.check(steps.length > 0 && steps.every((s) => typeof s === 'string' && s.trim() !== ''), `${at}.steps`, procedure.steps, 'a non-empty list of non-empty strings');
  });
  return f.issues;
}

/**
 * One `sev` vocabulary per service: every alert's level and every SLO tier's in the words the service
 * declares (`sevVocabulary`), so routing and silences on `sev` and responders see one scale.
 */
function checkVocabulary(f: FieldParser, stack: ServiceStack, alerts: readonly unknown[]): void {
  const vocabulary = stack.service.sevVocabulary ?? 'SEV';
  const allowed = `${levelsOf(vocabulary).join(', ')} (the service's sevVocabulary '${vocabulary}': one vocabulary per service)`;
  const check = (field: string, sev: unknown): void => {
    if (typeof sev === 'string' && (RUNBOOK_LEVELS as readonly string[]).includes(sev)) {
      f.check(vocabularyOf(sev as RunbookLevel) === vocabulary, field, sev, allowed);
    }
  };
  for (const alert of alerts) {
    if (!isRecord(alert) || typeof alert.name !== 'string' || !isRecord(alert.level)) continue;
    check(`alerts.${alert.name}.level.sev`, alert.level.sev);
  }
  for (const slo of Array.isArray(stack.slos) ? stack.slos : []) {
    if (!isRecord(slo) || !Array.isArray(slo.tiers)) continue;
    for (const tier of slo.tiers as unknown[]) {
      if (isRecord(tier)) check(`slos.${String(slo.name)}.burnRates.${String(tier.id)}.sev`, tier.sev);
    }
  }
}

function checkAlert(f: FieldParser, input: unknown, index: number, names: ReadonlySet<string>): void {
  const alert = f.record(`alerts[${index}]`, input);
  if (!alert) return;
  const at = typeof alert.name === 'string' && alert.name !== '' ? `alerts.${alert.name}` : `alerts[${index}]`;
  f.check(typeof alert.name === 'string' && /^[A-Z][A-Za-z0-9]*$/.test(alert.name), `${at}.name`, alert.name, 'a PascalCase alert name');
  f.check(typeof alert.group === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(alert.group), `${at}.group`, alert.group,
    "a rule group suffix such as 'http': a-z, 0-9 and '-', starting and ending with a letter or digit");
  f.check(alert.for instanceof Duration, `${at}.for`, alert.for, "a parsed duration: build the alert with a pack or buildAlert(), which parse '5m'");
  f.alertLevel(`${at}.level`, alert.level);
  f.nonEmpty(`${at}.summary`, alert.summary);
  f.nonEmpty(`${at}.description`, alert.description);
  const runbook = f.record(`${at}.runbook`, alert.runbook);
  if (runbook) {
    f.nonEmpty(`${at}.runbook.meaning`, runbook.meaning);
    f.nonEmpty(`${at}.runbook.why`, runbook.why);
    for (const part of ['diagnose', 'act'] as const) {
      const steps = f.list(`${at}.runbook.${part}`, runbook[part]);
      f.check(steps.every((s) => typeof s === 'string' && s.trim() !== ''), `${at}.runbook.${part}`, steps, 'a list of non-empty strings');
    }
  }
  const inhibitedBy = f.record(`${at}.inhibitedBy`, alert.inhibitedBy, true);
  if (inhibitedBy) {
    f.check(typeof inhibitedBy.alert === 'string' && names.has(inhibitedBy.alert), `${at}.inhibitedBy.alert`, inhibitedBy.alert,
      'the name of another alert of the service');
    f.list(`${at}.inhibitedBy.equal`, inhibitedBy.equal).forEach((label) => f.promLabelName(`${at}.inhibitedBy.equal`, label));
  }
  const signal = f.record(`${at}.signal`, alert.signal);
  if (signal) checkSignal(f, `${at}.signal`, signal);
}

type Check = (f: FieldParser, field: string, value: unknown) => void;

const job: Check = (f, field, v) => void f.jobName(field, v);
const metric: Check = (f, field, v) => void f.nonEmpty(field, v);
const window: Check = (f, field, v) => void f.check(v instanceof Duration, field, v, "a parsed duration (Duration.parse('5m'))");
const ratio: Check = (f, field, v) => void f.check(v instanceof Ratio, field, v, "a parsed ratio (Ratio.parsePercent('5%'))");
const latency: Check = (f, field, v) => void f.check(v instanceof Duration, field, v, "a parsed latency (Duration.parseThreshold('500ms'))");
const comparator: Check = (f, field, v) => void f.oneOf(field, v, ['>', '<'] as const);
const finite: Check = (f, field, v) => void f.check(typeof v === 'number' && Number.isFinite(v), field, v, 'a finite number');
const labelList: Check = (f, field, v) => f.list(field, v).forEach((label) => f.promLabelName(field, label));
const selector: Check = (f, field, v) => {
  const s = f.record(field, v);
  if (!s) return;
  f.nonEmpty(`${field}.metric`, s.metric);
  f.list(`${field}.matchers`, s.matchers).forEach((m, i) => {
    const matcher = f.record(`${field}.matchers[${i}]`, m);
    if (!matcher) return;
    f.promLabelName(`${field}.matchers[${i}].label`, matcher.label);
    f.oneOf(`${field}.matchers[${i}].op`, matcher.op, ['=', '!=', '=~', '!~'] as const);
    f.check(typeof matcher.value === 'string', `${field}.matchers[${i}].value`, matcher.value, 'a string');
  });
};
const optional = (check: Check): Check => (f, field, v) => {
  if (v !== undefined) check(f, field, v);
};

/** Every field each signal kind needs, with its run-time check. */
const SIGNAL_FIELDS: { readonly [K in Signal['kind']]: Readonly<Record<string, Check>> } = {
  targetDown: { job },
  instanceDown: { job },
  errorRatio: {
    job, threshold: ratio, window,
    minRequests: optional((f, field, v) => void f.check(Number.isInteger(v) && (v as number) > 0, field, v, 'a positive whole number of requests')),
  },
  latencyQuantile: {
    metric, job, threshold: latency, window,
    quantile: (f, field, v) => void f.check(typeof v === 'number' && v > 0 && v < 1, field, v, 'a number strictly between 0 and 1, such as 0.95'),
    buckets: (f, field, v) => void f.check(Array.isArray(v) && v.every((b) => typeof b === 'number' && Number.isFinite(b)), field, v, 'a list of bucket bounds'),
  },
  resourceUtilisation: {
    resource: (f, field, v) => void f.oneOf(field, v, ['cpu', 'memory'] as const),
    namespace: (f, field, v) => void f.dnsLabel(field, v),
    workload: (f, field, v) => void f.record(field, v),
    threshold: ratio, window,
  },
  lowThroughput: { metric, job, window, minPerHour: (f, field, v) => void f.positiveNumber(field, v) },
  counterRatio: {
    numerator: selector, denominator: selector, window, threshold: ratio, comparator,
    minEvents: optional((f, field, v) => void f.check(Number.isInteger(v) && (v as number) > 0, field, v, 'a positive whole number of events')),
  },
  gaugeThreshold: {
    series: selector, threshold: finite, comparator, by: labelList,
    aggregation: (f, field, v) => void f.oneOf(field, v, ['max', 'min', 'sum'] as const),
    unit: (f, field, v) => void f.oneOf(field, v, ['none', 'bytes', 'percentunit', 's'] as const),
  },
  queueStalled: { backlog: selector, processed: selector, window, by: labelList },
  counterIncrease: {
    series: selector, window, by: labelList,
    threshold: (f, field, v) => void f.check(typeof v === 'number' && Number.isFinite(v) && v >= 0, field, v, 'a number of events, 0 or more'),
  },
};

function checkSignal(f: FieldParser, field: string, signal: Readonly<Record<string, unknown>>): void {
  const kinds = Object.keys(SIGNAL_FIELDS) as Signal['kind'][];
  const kind = f.oneOf(`${field}.kind`, signal.kind, kinds);
  if (kind !== signal.kind) return;
  for (const [name, check] of Object.entries(SIGNAL_FIELDS[kind])) check(f, `${field}.${name}`, signal[name]);
}
