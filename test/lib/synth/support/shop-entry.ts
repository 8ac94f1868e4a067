import { DEFAULT_PLATFORM, type ServiceStack } from '../../../../lib/core/index.js';
import { catalogStack, shopStack } from '../../../bad-input/fixture.js';

/**
 * An entry as `oac` loads it, for synth's worker threads: the bad-input shop and catalog services, the
 * shop with a panel that shows no data on a healthy service (the share of 5xx, no value for the 5xx
 * side) when OAC_TEST_BAD_PANEL=1. Only promtool finds that defect.
 */
export const FAILED_SHARE = 'sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))';
/** The stacks, with or without the bad panel (on the main thread; `stacks` is what a worker imports). */
export function shopStacks(badPanel: boolean): ServiceStack[] {
  return [
    shopStack(badPanel ? { panels: [{ title: 'Failed share', description: '5xx over all.', unit: 'percentunit', expr: FAILED_SHARE }] } : {}),
    catalogStack(),
  ];
}
export const stacks: readonly ServiceStack[] = shopStacks(process.env.OAC_TEST_BAD_PANEL === '1');
// DEFAULT_PLATFORM's placeholder URLs are refused by synth unless allowed.
export const platform = { ...DEFAULT_PLATFORM, allowPlaceholders: true };
