import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { formatIssue, type ValidationIssue } from '../core/issues.js';
import type { SloSpec } from '../core/slo.js';
import { roundFloat } from '../core/units.js';
import type { OpenSloMetric } from './export.js';
import { OPENSLO_PERIODS, OPENSLO_SLO_SCHEMA } from './schema.js';

/** One SLO read from an OpenSLO document, with the service it names (`spec.service`). */
export interface ImportedSlo {
  readonly service: string;
  readonly spec: SloSpec;
}

export interface OpenSloImport {
  /** The SLOs of the documents without problems, in document order. */
  readonly slos: readonly ImportedSlo[];
  /** The same SLOs' specs (`slos.map((s) => s.spec)`). */
  readonly specs: readonly SloSpec[];
  /**
   * One line per problem, in the project's issue format:
   * `document 1 'shop-api-availability': spec.budgetingMethod: 'Timeslices' is invalid; allowed: 'Occurrences' (...)`.
   */
  readonly problems: readonly string[];
}

/**
 * Reads OpenSLO v1 `SLO` documents (one or more YAML documents separated by `---`) into `SloSpec`s.
 *
 * Supported: the subset `toOpenSlo` writes (see OPENSLO_SLO_SCHEMA): an inline ratio SLI of Prometheus
 * counters (`good` or `bad`, with `total`), one rolling window of 7d, 28d or 30d, `Occurrences` budgeting
 * and one objective (`target` or `targetPercent`). Every SLI comes back as `kind: 'ratio'` with the
 * document's selectors, including SLIs this project wrote from availability or latency SLIs.
 * `metadata.name` is `<service>-<slo>`: the SLO's name is what follows the `spec.service` prefix.
 *
 * Anything else is a problem naming the document, the field, the value and what is supported; nothing
 * is silently dropped (display names only label things, so they are the one thing not carried over).
 * A document with a problem yields no SLO.
 *
 * @param source names the input in problems, e.g. a file name. @default none
 */
export function fromOpenSlo(yamlText: string, source?: string): OpenSloImport {
  const slos: ImportedSlo[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  parseAllDocuments(yamlText).forEach((doc, i) => {
    const label = (name?: unknown): string =>
      `${source !== undefined ? `${source} ` : ''}document ${i + 1}${typeof name === 'string' && name !== '' ? ` '${name}'` : ''}`;
    if (doc.errors.length > 0) {
      problems.push(...doc.errors.map((e) => formatIssue({ service: label(), field: '(yaml)', value: e.message.split('\n')[0], allowed: 'valid YAML' })));
      return;
    }
    const data: unknown = doc.toJS();
    if (data === null || data === undefined) return; // an empty document, e.g. after a trailing `---`
    const name = isRecord(data) && isRecord(data['metadata']) ? data['metadata']['name'] : undefined;
    const issues = [...documentIssues(data, label(name)), ...choiceIssues(data, label(name))];
    const imported = issues.length === 0 ? toSloSpec(data as ValidDocument) : undefined;
    if (imported) {
      const key = `${imported.service}/${imported.spec.name}`;
      if (seen.has(key)) {
        issues.push({ service: label(name), field: 'metadata.name', value: name, allowed: 'a name no earlier SLO document of the input has' });
      } else {
        seen.add(key);
        slos.push(imported);
      }
    }
    problems.push(...issues.map(formatIssue));
  });
  return { slos, specs: slos.map((s) => s.spec), problems };
}

/** What a document that passed the schema looks like. */
interface ValidDocument {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly description: string;
    readonly service: string;
    readonly indicator: { readonly spec: { readonly ratioMetric: { readonly good?: OpenSloMetric; readonly bad?: OpenSloMetric; readonly total: OpenSloMetric } } };
    readonly timeWindow: readonly [{ readonly duration: string }];
    readonly objectives: readonly [{ readonly target?: number; readonly targetPercent?: number }];
  };
}

/**
 * The checks JSON schema cannot say well: exactly one of two keys. They look at the raw data, so they run
 * on documents with schema problems too and every problem is reported at once.
 */
function choiceIssues(data: unknown, service: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const at = (value: unknown, ...keys: (string | number)[]): unknown =>
    keys.reduce<unknown>((v, k) => (typeof k === 'number' ? (Array.isArray(v) ? v[k] : undefined) : isRecord(v) ? v[k] : undefined), value);
  const ratio = at(data, 'spec', 'indicator', 'spec', 'ratioMetric');
  if (isRecord(ratio) && ('good' in ratio) === ('bad' in ratio)) {
    issues.push({ service, field: 'spec.indicator.spec.ratioMetric', value: Object.keys(ratio), allowed: 'exactly one of good or bad, with total' });
  }
  const objective = at(data, 'spec', 'objectives', 0);
  if (isRecord(objective) && ('target' in objective) === ('targetPercent' in objective)) {
    issues.push({ service, field: 'spec.objectives[0]', value: Object.keys(objective), allowed: 'exactly one of target or targetPercent' });
  }
  return issues;
}

/** A document without problems as a `SloSpec`. */
function toSloSpec(doc: ValidDocument): ImportedSlo {
  const ratio = doc.spec.indicator.spec.ratioMetric;
  const objective = doc.spec.objectives[0];
  const percent = objective.target !== undefined ? roundFloat(objective.target * 100) : roundFloat(objective.targetPercent ?? 0);
  const prefix = `${doc.spec.service}-`;
  const name = doc.metadata.name.startsWith(prefix) ? doc.metadata.name.slice(prefix.length) : doc.metadata.name;
  const query = (metric: OpenSloMetric | undefined): string | undefined => metric?.metricSource.spec.query;
  const good = query(ratio.good);
  const bad = query(ratio.bad);
  const spec: SloSpec = {
    name,
    description: doc.spec.description,
    sli: { kind: 'ratio', ...(good !== undefined && { good }), ...(bad !== undefined && { bad }), total: ratio.total.metricSource.spec.query },
    objective: `${percent}%`,
    period: OPENSLO_PERIODS[doc.spec.timeWindow[0].duration] ?? '30d',
    ...(doc.metadata.labels !== undefined && { labels: { ...doc.metadata.labels } }),
  };
  return { service: doc.spec.service, spec };
}

let compiled: ValidateFunction | undefined;

/** Schema problems of one document, one per field, in the schema's order. */
function documentIssues(data: unknown, service: string): ValidationIssue[] {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(OPENSLO_SLO_SCHEMA);
  if (compiled(data)) return [];
  const issues: ValidationIssue[] = [];
  for (const error of compiled.errors ?? []) {
    const issue = toIssue(error, service);
    if (issue && !issues.some((i) => i.field === issue.field)) issues.push(issue);
  }
  return issues;
}

function toIssue(error: ErrorObject, service: string): ValidationIssue | undefined {
  const path = pointerToPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaObject;
  const issue = (field: string, value: unknown, allowed: string): ValidationIssue => ({ service, field: field || '(document)', value, allowed });
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const supported = Object.entries((parent['properties'] ?? {}) as Record<string, SchemaObject>)
        .filter(([, schema]) => schema['not'] === undefined).map(([k]) => k);
      return issue(join(path, key), (error.data as Record<string, unknown>)[key],
        `no '${key}' here: the supported keys are ${supported.join(', ')} (other keys would be dropped)`);
    }
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      const property = ((parent['properties'] ?? {}) as Record<string, SchemaObject>)[key];
      return issue(join(path, key), undefined, String(property?.['description'] ?? 'a value'));
    }
    // A bad label name is reported by the `pattern` error carrying the name; its summary adds nothing.
    case 'propertyNames':
      return undefined;
    default:
      if (error.propertyName !== undefined) return issue(join(path, error.propertyName), error.propertyName, String(parent['description']));
      return issue(path, error.data, String(parent['description'] ?? error.message));
  }
}

/** `/spec/objectives/0/target` -> `spec.objectives[0].target` */
function pointerToPath(pointer: string): string {
  return pointer.split('/').slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^[0-9]+$/.test(part) ? `${path}[${part}]` : join(path, part)), '');
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
