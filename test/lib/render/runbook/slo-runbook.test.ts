import { describe, expect, it } from 'vitest';
import { isAlertingRule } from '../../../../lib/render/prometheus/rule-types.js';
import { headingAnchor } from '../../../../lib/render/runbook/anchor.js';
import { renderRunbook } from '../../../../lib/render/runbook/runbook.js';
import { outageAllowed } from '../../../../lib/render/runbook/slo-runbook.js';
import { humanDuration, sloRuleGroups } from '../../../../lib/slo/rules.js';
import { availabilitySpec, latencySpec, ordersSpec, platform, sloStack } from '../../slo/fixture.js';

const stack = sloStack(availabilitySpec, latencySpec, { ...ordersSpec, burnRates: { 'page-fast': { enabled: false } } });
const markdown = renderRunbook(stack, platform);
const section = (heading: string): string => {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
};

describe('the runbook of a stack with SLOs', () => {
  it('has a heading for every burn-rate alert and the meta-alert, where their runbook_url points', () => {
    const anchors = new Set([...markdown.matchAll(/^## (.+)$/gm)].map((m) => headingAnchor(m[1]!)));
    const alerts = sloRuleGroups(stack, platform).flatMap((g) => g.rules).filter(isAlertingRule);
    expect(alerts.length).toBe(4 + 4 + 3 + 1);
    for (const alert of alerts) expect(anchors.has(alert.annotations.runbook_url!.split('#')[1]!), alert.alert).toBe(true);
  });

  it('states each SLO\'s objective and its error budget as time of full outage', () => {
    expect(humanDuration(outageAllowed(stack.slos![0]!))).toBe('43m 12s');
    expect(markdown).toContain('| [availability](#slo-availability) | 99.9% | 30d | 0.1% | 43m 12s |');
    expect(markdown).toContain('| [orders](#slo-orders) | 99% | 7d | 1% | 1h 40m 48s |');
    expect(section('SLO availability')).toContain('- **Error budget:** 0.1% of events, i.e. 43m 12s of full outage in 30d');
  });

  it('lists every tier with its factor, windows, threshold, for and the budget it consumes', () => {
    const tiers = section('SLO availability');
    expect(tiers).toContain('| [ShopAvailabilityBurnRatePageFast](#shopavailabilityburnratepagefast) | page (critical, SEV-2) | 14.4x | 1h / 5m | 1.44% | 2m | 2% | 2d 2h |');
    expect(tiers).toContain('| [ShopAvailabilityBurnRateTicketSlow](#shopavailabilityburnrateticketslow) | ticket (warning, SEV-3) | 1x | 3d / 6h | 0.1% | 3h | 10% | 30d |');
    expect(section('SLO orders')).not.toContain('PageFast');
    expect(section('SLO orders')).toContain('| 1.4x | 6h / 30m | 1.4% | 15m | 5% | 5d |');
  });

  it('says what each alert means and what to do, paging or not', () => {
    const page = section('ShopAvailabilityBurnRatePageFast');
    expect(page).toContain('**Severity:** critical (SEV-2), notify: page · **Fires when:** the availability error ratio is above 1.44% (14.4 × the 0.1% budget) over both the last 1h and the last 5m, for 2m');
    expect(page).toContain('1. Act now: at this rate the whole budget lasts 2d 2h.');
    expect(section('ShopLatencyBurnRateTicketFast')).toContain('1. No need to wake anyone: plan the fix in working hours');
    for (const part of [page, section('ShopSloRuleGroupMissedIterations')]) {
      for (const sub of part.split('\n### ').slice(1)) expect(sub.split('\n').slice(1).join('\n').trim(), sub.split('\n')[0]).not.toBe('');
    }
  });

  it('adds nothing for a stack without SLOs', () => {
    expect(renderRunbook({ ...stack, slos: [] }, platform)).not.toContain('Service level objectives');
  });
});
