import { burnRateFactor, SRE_WORKBOOK_TIERS, type BurnRateTier } from '../core/burn-rate-policy.js';
import type { FieldParser } from '../core/fields.js';
import type { Service } from '../core/service.js';
import { runbookLevel, type LevelNumber, type RunbookLevel, type Severity, type SevVocabulary } from '../core/severity.js';
import type { BurnRateOverride, Sli, SliSpec, Slo, SloSpec, SloTier } from '../core/slo.js';
import { Duration, Ratio } from '../core/units.js';
import { eq, re, selector } from '../promql/selector.js';
import { parseVectorSelector } from '../promql/syntax.js';

export const SLO_PERIODS = ['30d', '28d', '7d'] as const;
export const DEFAULT_LATENCY_HISTOGRAM = 'http_request_duration_seconds';

/**
 * Labels the SLO engine sets itself on every SLO series and alert; an SLO's own `labels` may not
 * override them (a `severity` from the labels would silently re-route its pages).
 */
export const RESERVED_SLO_LABELS: readonly string[] = ['service', 'slo', 'team', 'severity', 'sev', 'notify', 'alertname'];

/**
 * The runbook level kept as the `sev` label of a burn-rate alert, in the service's vocabulary (`SEV` or
 * `P`). the service contract: level 1 pages critical, level 2 is critical or warning as stated, level 3 is a
 * warning ticket. A page-tier burn (2% or 5% of the monthly budget gone within hours) is serious and
 * pages, but it is not an outage: at 14.4x of a 0.1% budget 98.6% of requests still succeed, and a real
 * outage already pages as level 1 through the service's own alerts (target down, 5xx above 5%). So by
 * severity: critical → level 2, warning → level 3, info → level 4 (SEV-2 or P2, ...).
 */
export function sloTierLevel(tier: Pick<SloTier, 'severity' | 'sev'>, vocabulary: SevVocabulary = 'SEV'): RunbookLevel {
  if (tier.sev) return tier.sev;
  const bySeverity: Record<Severity, LevelNumber> = { critical: 2, warning: 3, info: 4 };
  return runbookLevel(vocabulary, bySeverity[tier.severity]);
}

/** Names already defined per service, so a second SLO of the same name is reported. */
const definedNames = new WeakMap<Service, Set<string>>();

/**
 * A validated SLO of `service`. Problems go into `service.issues` (field `slos.<name>.<field>`, the value,
 * what is allowed) and a harmless fallback is used, so every mistake of every SLO is reported in one run;
 * synth refuses to write while any issue exists. Never throws.
 *
 * SLIs, as counter selectors (rates are added by the rules):
 * - availability: bad `http_requests_total{job,status=~"5.."}` over total `http_requests_total{job}`, and
 *   while the job has no healthy target, every minute bad (`outage`, see lib/slo/rules.ts);
 * - latency: good `<histogram>_bucket{job,le=~"<threshold>"}` over total `<histogram>_count{job}`;
 * - ratio: the selectors as written, `total` and exactly one of `good` or `bad`.
 */
export function defineSlo(service: Service, spec: SloSpec): Slo {
  const f = service.issues;
  const rawName = typeof spec?.name === 'string' && spec.name !== '' ? spec.name : '<unnamed>';
  const at = `slos.${rawName}`;
  const name = f.dnsLabel(`${at}.name`, spec?.name);
  const names = definedNames.get(service) ?? new Set<string>();
  definedNames.set(service, names);
  f.check(!names.has(name), `${at}.name`, spec?.name, 'a name no other SLO of the service uses');
  names.add(name);

  const description = f.nonEmpty(`${at}.description`, spec?.description);
  const objective = parseObjective(f, `${at}.objective`, spec?.objective);
  // oneOf falls back to '30d', which parses.
  const period = Duration.parse(f.oneOf(`${at}.period`, spec?.period ?? '30d', SLO_PERIODS)) as { ok: true; value: Duration };
  const labels = parseLabels(f, `${at}.labels`, spec?.labels ?? {});
  const sli = parseSli(f, service, `${at}.sli`, spec?.sli);
  const tiers = parseTiers(f, `${at}.burnRates`, (f.record(`${at}.burnRates`, spec?.burnRates, true, "per-tier changes such as { 'ticket-slow': { enabled: false } }") ?? {}) as NonNullable<SloSpec['burnRates']>, period.value, service.sevVocabulary ?? 'SEV');
  checkReachable(f, `${at}.objective`, spec?.objective, objective, tiers);
  const runbookSpec = f.record(`${at}.runbook`, spec?.runbook, true, "runbook steps { diagnose?: [...], act?: [...] }");
  const runbook = {
    diagnose: stringList(f, `${at}.runbook.diagnose`, runbookSpec?.diagnose),
    act: stringList(f, `${at}.runbook.act`, runbookSpec?.act),
  };
  return {
    name, description, sli, objective, period: period.value, labels, tiers,
    ...((runbook.diagnose.length > 0 || runbook.act.length > 0) && { runbook }),
  };
}

const OBJECTIVE_ALLOWED = "a percentage strictly between 0% and 100%, such as '99.9%'";

function parseObjective(f: FieldParser, field: string, input: unknown): Ratio {
  const match = typeof input === 'string' ? /^(\d+(?:\.\d+)?)%$/.exec(input) : null;
  const percent = match ? Number(match[1]) : NaN;
  const ok = percent > 0 && percent < 100;
  f.check(ok, field, input, OBJECTIVE_ALLOWED);
  const parsed = Ratio.of(ok ? Number((percent / 100).toPrecision(12)) : 0.99);
  if (!parsed.ok) throw new Error('unreachable: an objective in (0, 1) is a ratio');
  return parsed.value;
}

/**
 * A tier fires above `factor × (1 - objective)` of events bad; at or above 100% it can never fire
 * (objective 90% with page-fast's 14.4x: 144%). Such an SLO needs the tier disabled or a higher objective.
 */
function checkReachable(f: FieldParser, field: string, input: unknown, objective: Ratio, tiers: readonly SloTier[]): void {
  const budget = Number((1 - objective.value).toPrecision(12));
  for (const tier of tiers) {
    const minimum = Math.ceil((1 - 1 / tier.factor) * 10000) / 100;
    f.check(tier.factor * budget < 1, field, input,
      `an objective above ${minimum}% while tier ${tier.id} is enabled (it fires at ${tier.factor} × the error budget, which must stay below 100% of events), ` +
      `or burnRates: { '${tier.id}': { enabled: false } }`);
  }
}

function parseLabels(f: FieldParser, field: string, input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(f.record(field, input) ?? {})) {
    const nameOk = f.check(/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key) && !key.startsWith('__'), `${field}.${key}`, key,
      'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)');
    const free = nameOk && f.check(!RESERVED_SLO_LABELS.includes(key), `${field}.${key}`, key,
      `a label name other than ${RESERVED_SLO_LABELS.map((l) => `'${l}'`).join(', ')} (set by the SLO engine)`);
    // The labels go on recording rules and alerts alike; Prometheus templates only the alerts' labels, so a
    // template would be literal text on every recorded series and differ from the alerts' value.
    const valueOk = f.check(typeof value === 'string' && value !== '' && !/\{\{|\}\}|[\u0000-\u001f\u007f]/.test(value), `${field}.${key}`, value,
      "a non-empty plain label value, without '{{ }}' templates or control characters (the same labels go on recording rules, which Prometheus does not template)");
    if (nameOk && free && valueOk) out[key] = value as string;
  }
  return out;
}

function parseSli(f: FieldParser, service: Service, field: string, spec: SliSpec | undefined): Sli {
  const kind = f.oneOf(`${field}.kind`, spec?.kind, ['availability', 'latency', 'ratio'] as const);
  switch (kind) {
    case 'availability': {
      const job = workloadJob(f, service, `${field}.workload`, (spec as { workload?: unknown } | undefined)?.workload);
      return {
        kind,
        job,
        outage: { job },
        bad: selector('http_requests_total', eq('job', job), re('status', '5..')),
        total: selector('http_requests_total', eq('job', job)),
      };
    }
    case 'latency': {
      const s = spec as Extract<SliSpec, { kind: 'latency' }>; // kind 'latency' came from spec, so spec is set
      const job = workloadJob(f, service, `${field}.workload`, s.workload);
      const metric = s.metric ?? DEFAULT_LATENCY_HISTOGRAM;
      const histograms = service.metrics.metrics.filter((m) => m.type === 'histogram');
      const definition = service.metrics.find(metric);
      const isHistogram = f.check(definition?.type === 'histogram' && (definition.buckets?.length ?? 0) > 0, `${field}.metric`, metric,
        `a histogram in the service's metric catalog: ${histograms.map((m) => `'${m.name}'`).join(', ')}`);
      const buckets = isHistogram ? definition!.buckets! : [];
      const threshold = f.latency(`${field}.threshold`, s.threshold);
      if (isHistogram && Duration.parseThreshold(s.threshold).ok) {
        f.check(buckets.includes(threshold.seconds), `${field}.threshold`, s.threshold,
          `a bucket bound of ${metric}: ${buckets.map((b) => `${b}s`).join(', ')}`);
      }
      return {
        kind,
        job,
        histogram: { metric, threshold, buckets },
        good: selector(`${metric}_bucket`, eq('job', job), re('le', leRegex(threshold.seconds))),
        total: selector(`${metric}_count`, eq('job', job)),
      };
    }
    case 'ratio': {
      const s = spec as Extract<SliSpec, { kind: 'ratio' }>; // likewise
      const hasGood = s.good !== undefined;
      const hasBad = s.bad !== undefined;
      const total = vectorSelector(f, `${field}.total`, s.total);
      const outage = s.outageOf === undefined ? {} : { outage: { job: workloadJob(f, service, `${field}.outageOf`, s.outageOf) } };
      if (!f.check(hasGood !== hasBad, field, { good: s.good, bad: s.bad }, "exactly one of 'good' or 'bad' (besides 'total')")) {
        return { kind, bad: 'invalid_selector', total, ...outage };
      }
      return hasBad
        ? { kind, bad: vectorSelector(f, `${field}.bad`, s.bad), total, ...outage }
        : { kind, good: vectorSelector(f, `${field}.good`, s.good), total, ...outage };
    }
  }
}

/**
 * `le` regex matching a bucket bound however the client library writes it: Python's prometheus_client
 * writes floats (`le="5.0"`, `le="0.25"`), Go's client_golang and JavaScript's prom-client write the
 * shortest form (`le="5"`, `le="0.25"`). A plain `le="5"` would silently match nothing on a Python service
 * (the services here are FastAPI), leaving the SLI empty; `le=~"5(\.0)?"` matches both. Regex matchers
 * are fully anchored in PromQL, so `5(\.0)?` does not match `0.5` or `7.5`.
 */
export function leRegex(bound: number): string {
  const text = String(bound).replace(/\./g, '\\.');
  return Number.isInteger(bound) ? `${text}(\\.0)?` : text;
}

function workloadJob(f: FieldParser, service: Service, field: string, input: unknown): string {
  const workload = service.workloads.find((w) => w.name === input);
  // Without any workload the service's own 'workloads' issue says it all.
  f.check(workload !== undefined || service.workloads.length === 0, field, input, `one of the service's workloads: ${service.workloads.map((w) => `'${w.name}'`).join(', ')}`);
  return workload?.job ?? service.workloads[0]?.job ?? 'invalid';
}

const SELECTOR_ALLOWED = 'a single PromQL vector selector with a metric name, such as \'jobs_total{queue="default",status="failed"}\' ' +
  '(no range, rate(), offset, aggregation or operator: the rules add the rates)';

function vectorSelector(f: FieldParser, field: string, input: unknown): string {
  const parsed = typeof input === 'string' ? parseVectorSelector(input) : undefined;
  f.check(parsed !== undefined, field, input, SELECTOR_ALLOWED);
  return parsed ? (input as string).trim() : 'invalid_selector';
}

const TIER_IDS = SRE_WORKBOOK_TIERS.map((t) => t.id);
const ZERO_DURATION = /^0+(ms|s|m|h|d|w|y)$/;

function parseTiers(f: FieldParser, field: string, overrides: SloSpec['burnRates'] & object, period: Duration, vocabulary: SevVocabulary): SloTier[] {
  for (const id of Object.keys(overrides)) {
    f.check(TIER_IDS.includes(id), `${field}.${id}`, id, `a burn-rate tier id: ${TIER_IDS.map((t) => `'${t}'`).join(', ')}`);
  }
  const tiers: SloTier[] = [];
  for (const tier of SRE_WORKBOOK_TIERS) {
    const at = `${field}.${tier.id}`;
    const change = overrides[tier.id] === undefined ? undefined : f.record(at, overrides[tier.id]) as BurnRateOverride | undefined;
    if (change?.enabled !== undefined) f.check(typeof change.enabled === 'boolean', `${at}.enabled`, change.enabled, 'true or false');
    if (change?.enabled === false) continue;
    const severity = change?.severity === undefined ? tier.severity : f.oneOf(`${at}.severity`, change.severity, ['critical', 'warning', 'info'] as const);
    tiers.push(sloTier(tier, period, severity, change?.for === undefined ? tier.for : forDuration(f, `${at}.for`, change.for), vocabulary));
  }
  return tiers;
}

function sloTier(tier: BurnRateTier, period: Duration, severity: Severity, forDuration: Duration, vocabulary: SevVocabulary): SloTier {
  return {
    ...tier,
    severity,
    // Routing follows the severity: a page tier turned into a warning opens a ticket instead.
    notify: severity === 'critical' ? 'page' : 'ticket',
    factor: burnRateFactor(tier, period),
    for: forDuration,
    // A tier whose severity was changed takes that severity's level (a page tier turned warning is level 3).
    sev: severity === tier.severity ? runbookLevel(vocabulary, tier.level) : sloTierLevel({ severity }, vocabulary),
  };
}

function forDuration(f: FieldParser, field: string, input: unknown): Duration {
  if (typeof input === 'string' && ZERO_DURATION.test(input)) return Duration.ofSeconds(0);
  const parsed = Duration.parse(input);
  f.check(parsed.ok, field, input, "a Prometheus duration such as '2m' or '1h', or '0s' for none");
  return parsed.ok ? parsed.value : Duration.ofSeconds(60);
}

function stringList(f: FieldParser, field: string, input: unknown): string[] {
  if (input === undefined) return [];
  const ok = Array.isArray(input) && input.every((s) => typeof s === 'string' && s.trim() !== '');
  f.check(ok, field, input, 'a list of non-empty strings');
  return ok ? [...(input as string[])] : [];
}

/** The error budget as a ratio of events, `1 - objective`, without float noise (0.001, not 0.0010000000000000009). */
export function errorBudget(slo: Pick<Slo, 'objective'>): number {
  return Number((1 - slo.objective.value).toPrecision(12));
}
