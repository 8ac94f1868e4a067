import { readFile } from 'node:fs/promises';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { MetricsContract, ContractMetric } from '../render/contract/metrics-contract.js';
import { FASTAPI_GROUPED_STATUS } from '../core/metric-catalog.js';

/**
 * A real `/metrics` exposition (Prometheus text format 0.0.4) checked against a service's metrics
 * contract (lib/render/contract): every metric the service's own code must export (source `application`;
 * cAdvisor, kube-state-metrics and exporters are other scrape targets) is there, with its type, its label
 * names, the bucket bounds its thresholds need (`le="5"` and `le="5.0"` are the same bound) and the exact
 * values of labels the queries match (status codes, not prometheus-fastapi-instrumentator's `4xx`).
 *
 * Parsed with parse-prometheus-text-format. That parser folds the samples of a labelled histogram into
 * one, losing their labels, so histogram families are read a second time with their `# TYPE` line set
 * to untyped, which gives the `_bucket`/`_count`/`_sum` samples with every label.
 */
export type FindingKind = 'missing' | 'type' | 'label' | 'bucket' | 'grouped';

export interface MetricsFinding {
  readonly metric: string;
  readonly kind: FindingKind;
  /** One sentence, naming the metric, what is wrong and who needs it. */
  readonly message: string;
}

export interface VerifyOptions {
  /** Only these metrics (e.g. the ones one workload exports). @default every application metric of the contract */
  readonly metrics?: readonly string[];
}

interface Family {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly { readonly labels?: Readonly<Record<string, string>> }[];
}

/** Findings of one exposition against the contract; none means it follows it. */
export function verifyExposition(contract: MetricsContract, text: string, options: VerifyOptions = {}): MetricsFinding[] {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  const families = new Map((parsePrometheusTextFormat(body) as Family[]).map((f) => [f.name, f]));
  const untyped = new Map((parsePrometheusTextFormat(body.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped')) as Family[]).map((f) => [f.name, f]));
  const findings: MetricsFinding[] = [];
  const wanted = contract.metrics.filter((m) => m.source === 'application' && (!options.metrics || options.metrics.includes(m.name)));
  for (const metric of wanted) {
    const add = (kind: FindingKind, message: string): void => void findings.push({ metric: metric.name, kind, message: `${metric.name}: ${message}` });
    const family = families.get(metric.name);
    if (!family) {
      add('missing', `missing (a ${metric.type}${metric.labels.length ? ` with labels ${metric.labels.join(', ')}` : ''}; needed by ${users(metric)})`);
      continue;
    }
    const type = family.type.toLowerCase();
    if (type !== metric.type) {
      add('type', `type ${type}, expected ${metric.type} (needed by ${users(metric)})`);
      continue;
    }
    const samples = metric.type === 'histogram'
      ? ['_bucket', '_count', '_sum'].flatMap((suffix) => untyped.get(`${metric.name}${suffix}`)?.metrics ?? [])
      : family.metrics;
    const seen = new Set(samples.flatMap((s) => Object.keys(s.labels ?? {})));
    // A labelled metric not used yet has no samples: its labels cannot be seen, which is not a finding.
    if (samples.length > 0) {
      for (const label of metric.labels) {
        if (!seen.has(label)) add('label', `label ${label} missing (labels seen: ${[...seen].filter((l) => l !== 'le').sort().join(', ') || 'none'})`);
      }
    }
    if (metric.type === 'histogram' && metric.requiredBuckets?.length) {
      const bounds = untyped.get(`${metric.name}_bucket`)?.metrics.map((s) => s.labels?.le).filter((le): le is string => le !== undefined) ?? [];
      const numeric = new Set(bounds.map(Number));
      const shown = [...new Set(bounds)].sort((a, b) => Number(a) - Number(b)).join(', ');
      for (const bound of metric.requiredBuckets) {
        if (!numeric.has(bound)) add('bucket', `bucket le="${bound}" missing (bounds seen: ${shown || 'none'}; needed by ${users(metric, 'alert')})`);
      }
    }
    for (const label of metric.ungroupedLabels ?? []) {
      const grouped = groupedValuesOf(label);
      const values = [...new Set(samples.map((s) => s.labels?.[label]).filter((v): v is string => v !== undefined && grouped.includes(v)))].sort();
      if (values.length > 0) {
        const exact = metric.ungroupedFor ?? [];
        const who = exact.length > 3 ? `${exact.slice(0, 3).join(', ')} and ${exact.length - 3} more` : exact.join(', ');
        add('grouped', `${label} values are grouped (${values.join(', ')}) but ${who} match exact values; ` +
          'e.g. Instrumentator(should_group_status_codes=False)');
      }
    }
  }
  return findings;
}

function groupedValuesOf(label: string): readonly string[] {
  // The only library default grouping known: prometheus-fastapi-instrumentator's status codes.
  return label === 'status' ? FASTAPI_GROUPED_STATUS.groupedValues : [];
}

function users(metric: ContractMetric, kind?: 'alert'): string {
  const names = metric.usedBy.filter((u) => (kind ? u.kind === kind : true)).map((u) => u.name);
  const alerts = metric.usedBy.filter((u) => u.kind === 'alert').map((u) => u.name);
  const list = kind ? names : alerts.length ? alerts : names;
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', ');
}

/** The exposition text of a file path or an http(s) URL (10 s timeout). */
export async function readExposition(source: string): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(10_000), headers: { accept: 'text/plain;version=0.0.4' } });
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status} ${response.statusText}`);
    return response.text();
  }
  return readFile(source, 'utf8');
}

/** Reads `source` (file or URL) and verifies it: the library side of `oac verify-metrics <service> <file|url>`. */
export async function verifyMetrics(contract: MetricsContract, source: string, options: VerifyOptions = {}): Promise<MetricsFinding[]> {
  return verifyExposition(contract, await readExposition(source), options);
}
