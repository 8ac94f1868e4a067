import type { Service } from '../lib/core/service.js';
import type { PanelSpec } from '../lib/render/grafana/types.js';

/** `histogram_quantile(<q>, ... <metric>_bucket ...)`: the histogram whose buckets bound the quantile. */
const QUANTILE_OF = /histogram_quantile\s*\([^,]+,[^]*?([A-Za-z_:][A-Za-z0-9_:]*)_bucket\b/g;

/**
 * A latency panel (unit `s`) whose quantile queries all read histograms with the same largest finite
 * bucket shows that bound as `≥ 10s`: histogram_quantile returns the bound whenever the real quantile
 * is beyond it (an 11-19s fault reads 10s). Bounds come from the service's metric catalog, so any
 * histogram panel gets it, whichever row or stack it is in. Other panels are returned unchanged.
 */
export function withTopBucketFloor(panel: PanelSpec, service: Service): PanelSpec {
  if (panel.unit !== 's' || panel.atLeastFrom) return panel;
  const tops = new Set<number>();
  for (const query of panel.queries) {
    for (const match of query.expr.matchAll(QUANTILE_OF)) {
      const buckets = service.metrics.find(match[1]!)?.buckets ?? [];
      const top = buckets[buckets.length - 1];
      if (top === undefined) return panel;
      tops.add(top);
    }
  }
  if (tops.size !== 1) return panel;
  const [top] = [...tops] as [number];
  return {
    ...panel,
    atLeastFrom: { value: top, text: `≥ ${top}s` },
    description: `${panel.description} ${top}s is the largest finite bucket: a quantile shown as ≥ ${top}s may be higher.`,
  };
}
