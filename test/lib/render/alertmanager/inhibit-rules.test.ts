import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { containerResourcesAlerts } from '../../../../alerts/container-resources.js';
import { twoLevelAlerts } from '../../../../alerts/two-level.js';
import { SEV2_CRITICAL, SEV3, formatIssue } from '../../../../lib/core/index.js';
import type { ServiceStack } from '../../../../lib/core/stack.js';
import { inhibitRulesFor, type InhibitRule } from '../../../../lib/render/alertmanager/inhibit-rules.js';
import { ruleGroupsFor } from '../../../../lib/render/prometheus/rule-groups.js';
import type { AlertingRule } from '../../../../lib/render/prometheus/rule-types.js';
import { customerSupport } from '../../../../stacks/customer-support.js';
import { harveyBackend } from '../../../../stacks/harvey-backend.js';
import { platform } from '../../../../stacks/index.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { shopService } from '../../../alerts/fixture.js';

const cpuLevels = (service = shopService(), levels: { warning: `${number}%`; critical: `${number}%` } = { warning: '50%', critical: '80%' }) => ({
  service,
  alerts: twoLevelAlerts(service, { levels }, (level, above) => containerResourcesAlerts(service, {
    workload: 'api',
    cpu: { name: `ShopCpu${level === 'warning' ? 'Warning' : 'Critical'}`, above, for: '5m', level: level === 'warning' ? SEV3 : SEV2_CRITICAL },
  })[0]!),
});

describe('two-level thresholds and inhibit rules', () => {
  it('render a warning and a critical alert, the critical one muting the warning for the same pod', () => {
    const { service, alerts } = cpuLevels();
    expect(alerts.map((a) => a.name)).toEqual(['ShopCpuWarning', 'ShopCpuCritical']);
    expect(inhibitRulesFor({ service, alerts, dashboards: [] })).toEqual([{
      source_matchers: ['alertname="ShopCpuCritical"', 'service="shop-api"'],
      target_matchers: ['alertname="ShopCpuWarning"', 'service="shop-api"'],
      equal: ['service', 'namespace', 'pod'],
    }]);
  });

  it('reject a warning level that is more severe than the critical one', () => {
    const service = shopService();
    cpuLevels(service, { warning: '90%', critical: '80%' });
    expect(service.issues.issues.map(formatIssue)).toEqual([
      'shop-api: alerts.ShopCpuWarning.levels: {"warning":"90%","critical":"80%"} is invalid; allowed: a warning threshold less severe than the critical one (lower than 80%)',
    ]);
  });

  it('are accepted by the real amtool check-config', async () => {
    const { service, alerts } = cpuLevels();
    const config = {
      route: { receiver: 'default' },
      receivers: [{ name: 'default' }],
      inhibit_rules: inhibitRulesFor({ service, alerts, dashboards: [] }),
    };
    const dir = await mkdtemp(join(tmpdir(), 'amtool-'));
    try {
      await writeFile(join(dir, 'alertmanager.yml'), toYaml(config));
      const { stdout } = await promisify(execFile)('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
      expect(stdout).toContain('SUCCESS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

type Labels = Readonly<Record<string, string>>;

/** An Alertmanager matcher (`name="v"`, `name=~"re"`, `!=`, `!~`; regexes fully anchored) against a label set. */
function matches(matcher: string, labels: Labels): boolean {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"(.*)"$/.exec(matcher);
  if (!m) throw new Error(`not a matcher: ${matcher}`);
  const [, name, op, quoted] = m as unknown as [string, string, string, string];
  const value = JSON.parse(`"${quoted}"`) as string;
  const actual = labels[name] ?? '';
  const re = new RegExp(`^(?:${value})$`);
  switch (op) {
    case '=': return actual === value;
    case '!=': return actual !== value;
    case '=~': return re.test(actual);
    default: return !re.test(actual);
  }
}

/** The firing alerts that mute `target`, as Alertmanager's inhibitor decides (a source never mutes itself). */
function inhibitorsOf(rules: readonly InhibitRule[], firing: readonly Labels[], target: Labels): string[] {
  return firing.filter((source) => source !== target && rules.some((r) =>
    r.target_matchers.every((m) => matches(m, target)) &&
    r.source_matchers.every((m) => matches(m, source)) &&
    r.equal.every((l) => (source[l] ?? '') === (target[l] ?? '')))).map((s) => s.alertname!);
}

/** Labels of a generated alert as Alertmanager receives them (rule labels plus alertname; these expressions keep no others). */
function alertLabels(stack: ServiceStack, name: string): Labels {
  const rule = ruleGroupsFor(stack, platform).flatMap((g) => g.rules).find((r) => 'alert' in r && r.alert === name) as AlertingRule | undefined;
  if (!rule) throw new Error(`no alert ${name}`);
  return { alertname: name, ...rule.labels };
}

describe('one problem pages once: a threshold page mutes the burn-rate pages of the SLO over the same SLI', () => {
  const cs = customerSupport;
  const rules = inhibitRulesFor(cs);
  const errorRate = alertLabels(cs, 'CustomerSupportApiErrorRateCritical');
  const fastBurn = alertLabels(cs, 'CustomerSupportApiAvailabilityBurnRatePageFast');
  const slowBurn = alertLabels(cs, 'CustomerSupportApiAvailabilityBurnRatePageSlow');
  const ticketBurn = alertLabels(cs, 'CustomerSupportApiAvailabilityBurnRateTicketFast');

  it('mutes the api-availability fast and slow burns while the 1% error-rate page fires, and keeps the error-rate page', () => {
    const firing = [errorRate, fastBurn, slowBurn];
    expect(inhibitorsOf(rules, firing, fastBurn)).toEqual(['CustomerSupportApiErrorRateCritical']);
    expect(inhibitorsOf(rules, firing, slowBurn)).toEqual(['CustomerSupportApiErrorRateCritical']);
    expect(inhibitorsOf(rules, firing, errorRate)).toEqual([]);
  });

  it('leaves the burn page alone when no threshold page fires (a burn below the 1% level pages on its own)', () => {
    expect(inhibitorsOf(rules, [fastBurn], fastBurn)).toEqual([]);
  });

  it('still mutes the ticket through the paging burn, itself muted (Alertmanager keeps muted alerts as sources)', () => {
    expect(inhibitorsOf(rules, [errorRate, fastBurn, ticketBurn], ticketBurn)).toEqual(['CustomerSupportApiAvailabilityBurnRatePageFast']);
  });

  it('does not let a ticket-level threshold (the 0.1% warning) or another SLO\'s SLI mute a burn page', () => {
    const warning = alertLabels(cs, 'CustomerSupportApiErrorRateWarning');
    const botBurn = alertLabels(cs, 'CustomerSupportTelegramBotAvailabilityBurnRatePageFast');
    expect(inhibitorsOf(rules, [warning, fastBurn], fastBurn)).toEqual([]);
    expect(inhibitorsOf(rules, [errorRate, botBurn], botBurn)).toEqual([]);
  });

  it('renders one rule per paging threshold alert of an SLI, for every service (Harvey: HighErrorRate over the availability SLO)', () => {
    const harvey = inhibitRulesFor(harveyBackend).filter((r) => r.target_matchers.includes('notify="page"') && r.source_matchers[0] !== 'notify="page"');
    expect(harvey).toEqual([{
      source_matchers: ['alertname="HarveyHighErrorRate"', 'service="harvey-backend"'],
      target_matchers: ['service="harvey-backend"', 'slo=~"availability"', 'notify="page"'],
      equal: ['service'],
    }]);
  });
});
