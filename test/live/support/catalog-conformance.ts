import type { MetricDefinition } from '../../../lib/core/metric-catalog.js';
import { TARGET_LABELS } from '../../../lib/instrument/index.js';

/** One metric family as seen in an exposition (or by Prometheus after scraping it). */
export interface ExposedFamily {
  readonly name: string;
  readonly type: string;
  /** Label names seen on the family's series, without `le` (buckets) and without target labels. */
  readonly labels: ReadonlySet<string>;
  /** Bucket bounds seen (histograms). */
  readonly buckets?: readonly number[];
}

/**
 * The kit's exposition against the catalog, both ways: every exposed family is declared as an
 * application metric of the same type, with no label the catalog does not declare and exactly the
 * declared buckets (plus thresholds); every declared application family is exposed. `verifyMetrics`
 * (lib/verify) checks the second direction against the metrics contract; "nothing undeclared" is the
 * kit's own promise and checked here. Returns the differences as sentences (empty when it conforms).
 */
export function catalogDifferences(declared: readonly MetricDefinition[], exposed: readonly ExposedFamily[], required: ReadonlyMap<string, readonly number[]> = new Map()): string[] {
  const problems: string[] = [];
  const byName = new Map(declared.map((d) => [d.name, d]));
  for (const family of exposed) {
    const definition = byName.get(family.name);
    if (!definition) {
      problems.push(`${family.name} (${family.type}) is exposed but not declared`);
      continue;
    }
    if (definition.source !== 'application') problems.push(`${family.name} is exposed by the application but the catalog says it comes from ${definition.source}`);
    if (definition.type !== family.type) problems.push(`${family.name} is exposed as a ${family.type}, declared as a ${definition.type}`);
    const allowed = new Set(definition.labels.filter((l) => !TARGET_LABELS.includes(l)));
    for (const label of family.labels) if (!allowed.has(label)) problems.push(`${family.name} has label '${label}', not declared (declared: ${[...allowed].join(', ')})`);
    if (definition.type === 'histogram') {
      const want = [...new Set([...(definition.buckets ?? []), ...(required.get(family.name) ?? [])])].sort((a, b) => a - b);
      if (JSON.stringify(want) !== JSON.stringify(family.buckets ?? [])) {
        problems.push(`${family.name} has buckets ${JSON.stringify(family.buckets)}, declared ${JSON.stringify(want)}`);
      }
    }
  }
  const seen = new Set(exposed.map((f) => f.name));
  for (const d of declared) if (d.source === 'application' && !seen.has(d.name)) problems.push(`${d.name} is declared but not exposed`);
  return problems;
}
