import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../lib/core/index.js';
import { inhibitRulesFor } from '../../lib/render/alertmanager/inhibit-rules.js';
import { isAlertingRule } from '../../lib/render/prometheus/rule-types.js';
import { toYaml } from '../../lib/render/yaml.js';
import { sloRuleGroups } from '../../lib/slo/rules.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { thresholdTable, thresholdTableMarkdown } from '../../lib/testing/threshold-table.js';
import { customerSupport } from '../../stacks/customer-support.js';
import { platform } from '../../stacks/platform.js';

const { service } = customerSupport;
const row = (alert: string) => thresholdTable(customerSupport).find((r) => r.alert === alert);
const levels = (alert: string) => {
  const r = row(alert);
  return r && { threshold: r.threshold, for: r.for, severity: r.severity, sev: r.sev };
};
const inhibitRules = inhibitRulesFor(customerSupport);
const mutes = (source: string, target: string) => inhibitRules.find((r) =>
  r.source_matchers.includes(`alertname="${source}"`) && r.target_matchers.includes(`alertname="${target}"`));

// One synthesis for every test that reads rendered files: synth is deterministic.
const synthesis = synthesize([customerSupport], platform);
const file = (path: string): string => {
  const content = synthesis.files.get(`customer-support/${path}`);
  if (content === undefined) throw new Error(`synth wrote no customer-support/${path}`);
  return content;
};

describe('Customer Support stack', () => {
  it('is valid', () => {
    expect(service.issues.issues.map(formatIssue)).toEqual([]);
  });

  describe('fixed alerts of the service contract', () => {
    it('CustomerSupportApiDown fires when more than 50% of responses are 5xx for 1m, critical P1', () => {
      expect(row('CustomerSupportApiDown')).toEqual({
        alert: 'CustomerSupportApiDown',
        expr: '(sum(rate(http_requests_total{job="customer-support-api",status=~"5.."}[5m])) or 0 * sum(rate(http_requests_total{job="customer-support-api"}[5m]))) / sum(rate(http_requests_total{job="customer-support-api"}[5m])) > 0.5',
        threshold: '> 50%', for: '1m', severity: 'critical', sev: 'P1',
      });
    });

    it('CustomerSupportApiTargetDown carries the "or API target down" half at the same level', () => {
      expect(row('CustomerSupportApiTargetDown')).toEqual({
        alert: 'CustomerSupportApiTargetDown',
        expr: 'max by (job) (up{job=\"customer-support-api\"}) == 0 or absent(up{job=\"customer-support-api\"})',
        threshold: '== 0 (or absent)', for: '1m', severity: 'critical', sev: 'P1',
      });
    });

    it('CustomerSupportHighResponseTime fires when p95 is above 2s for 10m, critical P2', () => {
      expect(row('CustomerSupportHighResponseTime')).toEqual({
        alert: 'CustomerSupportHighResponseTime',
        expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="customer-support-api"}[5m]))) > 2',
        threshold: '> 2s', for: '10m', severity: 'critical', sev: 'P2',
      });
    });

    it('CustomerSupportEscalationRateHigh fires when escalated / created tickets exceed 30% over the last hour, critical P2', () => {
      expect(row('CustomerSupportEscalationRateHigh')).toEqual({
        alert: 'CustomerSupportEscalationRateHigh',
        // Only with at least 10 tickets created in the hour: 1 escalation out of 3 at night is not a trend.
        expr: '(sum(rate(tickets_escalated_total{job="customer-support-api"}[1h])) or 0 * sum(rate(tickets_created_total{job="customer-support-api"}[1h]))) / sum(rate(tickets_created_total{job="customer-support-api"}[1h])) > 0.3 ' +
          'and on() sum(increase(tickets_created_total{job="customer-support-api"}[1h])) >= 10',
        threshold: '> 30%', for: '10m', severity: 'critical', sev: 'P2',
      });
    });

    it('CustomerSupportMongoDBPoolExhausted fires when API operations wait for a pooled connection for 2m, critical P1', () => {
      expect(row('CustomerSupportMongoDBPoolExhausted')).toEqual({
        alert: 'CustomerSupportMongoDBPoolExhausted',
        expr: 'max (mongodb_pool_pending_checkouts{job="customer-support-api"}) > 0',
        threshold: '> 0', for: '2m', severity: 'critical', sev: 'P1',
      });
    });

    it('the Telegram bot pages at P1 when it is down or has not polled successfully for 2 minutes', () => {
      expect(row('CustomerSupportTelegramBotDown')).toEqual({
        alert: 'CustomerSupportTelegramBotDown',
        expr: 'max by (job) (up{job=\"customer-support-telegram-bot\"}) == 0 or absent(up{job=\"customer-support-telegram-bot\"})',
        threshold: '== 0 (or absent)', for: '2m', severity: 'critical', sev: 'P1',
      });
      expect(row('CustomerSupportTelegramBotNotResponding')).toEqual({
        alert: 'CustomerSupportTelegramBotNotResponding',
        expr: 'max (telegram_bot_last_poll_age_seconds{job="customer-support-telegram-bot"}) > 120',
        threshold: '> 120', for: '1m', severity: 'critical', sev: 'P1',
      });
    });
  });

  describe('two-level thresholds of the runbook table', () => {
    it('API response time: p95 above 500ms is a warning, above 1000ms critical', () => {
      expect(levels('CustomerSupportApiResponseTimeWarning')).toEqual({ threshold: '> 0.5s', for: '5m', severity: 'warning', sev: 'P3' });
      expect(levels('CustomerSupportApiResponseTimeCritical')).toEqual({ threshold: '> 1s', for: '5m', severity: 'critical', sev: 'P2' });
    });

    it('error rate: 5xx above 0.1% is a warning, above 1% critical', () => {
      expect(levels('CustomerSupportApiErrorRateWarning')).toEqual({ threshold: '> 0.1%', for: '5m', severity: 'warning', sev: 'P3' });
      expect(levels('CustomerSupportApiErrorRateCritical')).toEqual({ threshold: '> 1%', for: '5m', severity: 'critical', sev: 'P2' });
    });

    it('CPU: above 50% of the limit is a warning, above 80% critical', () => {
      expect(levels('CustomerSupportApiCpuWarning')).toEqual({ threshold: '> 50%', for: '5m', severity: 'warning', sev: 'P3' });
      expect(levels('CustomerSupportApiCpuCritical')).toEqual({ threshold: '> 80%', for: '5m', severity: 'critical', sev: 'P2' });
    });

    it('memory: above 70% of the limit is a warning, above 85% critical', () => {
      expect(levels('CustomerSupportApiMemoryWarning')).toEqual({ threshold: '> 70%', for: '5m', severity: 'warning', sev: 'P3' });
      expect(levels('CustomerSupportApiMemoryCritical')).toEqual({ threshold: '> 85%', for: '5m', severity: 'critical', sev: 'P2' });
    });

    it('MongoDB connections: above 50 is a warning, above 90 critical', () => {
      expect(levels('CustomerSupportMongoDBConnectionsWarning')).toEqual({ threshold: '> 50', for: '5m', severity: 'warning', sev: 'P3' });
      expect(levels('CustomerSupportMongoDBConnectionsCritical')).toEqual({ threshold: '> 90', for: '5m', severity: 'critical', sev: 'P2' });
      expect(row('CustomerSupportMongoDBConnectionsCritical')?.expr).toBe('max (mongodb_connections{job="mongodb-exporter",state="current"}) > 90');
    });

    it('ticket resolution rate: below 80% is a warning, below 60% critical', () => {
      expect(levels('CustomerSupportResolutionRateLowWarning')).toEqual({ threshold: '< 80%', for: '10m', severity: 'warning', sev: 'P3' });
      expect(levels('CustomerSupportResolutionRateLowCritical')).toEqual({ threshold: '< 60%', for: '10m', severity: 'critical', sev: 'P2' });
      expect(row('CustomerSupportResolutionRateLowCritical')?.expr).toBe(
        '(sum(rate(tickets_resolved_total{job="customer-support-api"}[1h])) or 0 * sum(rate(tickets_created_total{job="customer-support-api"}[1h]))) / sum(rate(tickets_created_total{job="customer-support-api"}[1h])) < 0.6 ' +
        'and on() sum(increase(tickets_created_total{job="customer-support-api"}[1h])) >= 10');
    });

    it('escalation rate: above 20% is a warning, above 30% the fixed CustomerSupportEscalationRateHigh', () => {
      expect(levels('CustomerSupportEscalationRateWarning')).toEqual({ threshold: '> 20%', for: '10m', severity: 'warning', sev: 'P3' });
      expect(levels('CustomerSupportEscalationRateHigh')).toEqual({ threshold: '> 30%', for: '10m', severity: 'critical', sev: 'P2' });
    });

    it('mutes each warning level while its critical level fires, for the same pod where the signal is per pod', () => {
      const pairs = [
        ['CustomerSupportApiResponseTimeCritical', 'CustomerSupportApiResponseTimeWarning', ['service']],
        ['CustomerSupportApiErrorRateCritical', 'CustomerSupportApiErrorRateWarning', ['service']],
        ['CustomerSupportApiCpuCritical', 'CustomerSupportApiCpuWarning', ['service', 'namespace', 'pod']],
        ['CustomerSupportApiMemoryCritical', 'CustomerSupportApiMemoryWarning', ['service', 'namespace', 'pod']],
        ['CustomerSupportMongoDBConnectionsCritical', 'CustomerSupportMongoDBConnectionsWarning', ['service']],
        ['CustomerSupportResolutionRateLowCritical', 'CustomerSupportResolutionRateLowWarning', ['service']],
        ['CustomerSupportEscalationRateHigh', 'CustomerSupportEscalationRateWarning', ['service']],
      ] as const;
      for (const [critical, warning, equal] of pairs) {
        expect(mutes(critical, warning), `${critical} mutes ${warning}`).toEqual({
          source_matchers: [`alertname="${critical}"`, 'service="customer-support"'],
          target_matchers: [`alertname="${warning}"`, 'service="customer-support"'],
          equal,
        });
      }
    });

    it('mutes the critical response-time and error-rate levels while the fixed alert at a worse value fires', () => {
      expect(mutes('CustomerSupportHighResponseTime', 'CustomerSupportApiResponseTimeCritical')?.equal).toEqual(['service']);
      expect(mutes('CustomerSupportApiDown', 'CustomerSupportApiErrorRateCritical')?.equal).toEqual(['service']);
    });

    it('has inhibit rules the real amtool check-config accepts', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'amtool-'));
      try {
        const config = { route: { receiver: 'default' }, receivers: [{ name: 'default' }], inhibit_rules: inhibitRules };
        await writeFile(join(dir, 'alertmanager.yml'), toYaml(config));
        const { stdout } = await promisify(execFile)('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
        expect(stdout).toContain('SUCCESS');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('puts every latency threshold on a bucket bound of the API histogram', () => {
      const buckets = service.metrics.find('http_request_duration_seconds')?.buckets ?? [];
      expect([0.5, 1, 2].filter((bound) => !buckets.includes(bound))).toEqual([]);
    });
  });

  it('has a unique name for every alert and a runbook with no empty part', () => {
    const names = customerSupport.alerts.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const alert of customerSupport.alerts) {
      const { meaning, why, diagnose, act } = alert.runbook;
      expect([meaning.trim() !== '', why.trim() !== '', diagnose.length > 0, act.length > 0], alert.name).toEqual([true, true, true, true]);
    }
  });

  it('has a threshold table that changes only through a reviewed snapshot', () => {
    expect(thresholdTableMarkdown(customerSupport)).toMatchSnapshot();
  });

  describe('scaling', () => {
    it('scales the API from 2 to 4 replicas at 80% of its CPU request, before the CPU warning at 50% of the limit', () => {
      const api = service.workload('customer-support-api');
      expect({ min: api.autoscaling?.minReplicas, max: api.autoscaling?.maxReplicas, cpu: api.autoscaling?.cpuUtilization?.value }).toEqual({ min: 2, max: 4, cpu: 80 });
      expect([api.requests.memory.text, api.limits.memory.text]).toEqual(['1Gi', '2Gi']);
      // Per pod: the HPA aims for 80% of 500m = 400m, the warning fires at 50% of 1000m = 500m.
      expect(api.requests.cpu.cores * 0.8).toBeLessThan(api.limits.cpu.cores * 0.5);
    });

    it('runs the Telegram bot as one StatefulSet replica without an HPA, so two pollers never run at once', () => {
      const bot = service.workload('customer-support-telegram-bot');
      expect([bot.kind, bot.replicas, bot.autoscaling, bot.servesIngress]).toEqual(['StatefulSet', 1, undefined, false]);
      const hpas = [...synthesis.files.keys()].filter((path) => path.includes('horizontalpodautoscaler'));
      expect(hpas).toEqual([
        'customer-support/k8s/horizontalpodautoscaler-customer-support-api.yaml',
        'customer-support/k8s/horizontalpodautoscaler-customer-support-dashboard.yaml',
      ]);
      expect(parse(file('helm/customer-support-telegram-bot.values.yaml'))).toMatchObject({ replicaCount: 1, autoscaling: { enabled: false } });
    });
  });

  it('admits the ingress controller to the API and the dashboard, and only Prometheus to the bot', () => {
    const sources = (workload: string) => (parse(file(`k8s/networkpolicy-${workload}-allow-ingress.yaml`)) as {
      spec: { ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[] };
    }).spec.ingress.map((rule) => [rule.from[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name'], rule.ports[0]!.port]);
    expect(sources('customer-support-api')).toEqual([['ingress-nginx', 8000], ['monitoring', 8000]]);
    expect(sources('customer-support-dashboard')).toEqual([['ingress-nginx', 8501], ['monitoring', 8501]]);
    expect(sources('customer-support-telegram-bot')).toEqual([['monitoring', 8080]]);
  });

  it('has the uptime targets of the service contract as SLOs over 30 days', () => {
    expect((customerSupport.slos ?? []).map((slo) => [slo.name, slo.objective.toString(), slo.period.seconds / 86400, slo.sli.bad, slo.sli.total])).toEqual([
      ['api-availability', '99.9%', 30, 'http_requests_total{job="customer-support-api",status=~"5.."}', 'http_requests_total{job="customer-support-api"}'],
      ['telegram-bot-availability', '99.5%', 30, 'telegram_updates_failed_total{job="customer-support-telegram-bot"}', 'telegram_updates_received_total{job="customer-support-telegram-bot"}'],
      ['dashboard-availability', '99%', 30, 'nginx_ingress_controller_requests{ingress="customer-support-dashboard",status=~"5.."}', 'nginx_ingress_controller_requests{ingress="customer-support-dashboard"}'],
      ['mongodb-availability', '99.95%', 30, 'mongodb_client_commands_total{job="customer-support-api",status="error"}', 'mongodb_client_commands_total{job="customer-support-api"}'],
      ['chromadb-availability', '95%', 30, 'chromadb_requests_total{job="customer-support-api",status="error"}', 'chromadb_requests_total{job="customer-support-api"}'],
      [
        'openai-availability', '99%', 30, 'llm_requests_total{job="customer-support-api",provider="openai",status=~"5..|timeout|error"}',
        'llm_requests_total{job="customer-support-api",provider="openai"}',
      ],
    ]);
  });

  it('never pages on the ChromaDB SLO, which the runbook ranks of low criticality', () => {
    const alerts = sloRuleGroups(customerSupport, platform).flatMap((g) => g.rules).filter(isAlertingRule)
      .filter((a) => a.alert.startsWith('CustomerSupportChromadbAvailability'));
    expect(alerts.map((a) => [a.alert, a.labels.severity, a.labels.notify])).toEqual([
      ['CustomerSupportChromadbAvailabilityBurnRatePageFast', 'warning', 'ticket'],
      ['CustomerSupportChromadbAvailabilityBurnRatePageSlow', 'warning', 'ticket'],
      ['CustomerSupportChromadbAvailabilityBurnRateTicketFast', 'warning', 'ticket'],
      ['CustomerSupportChromadbAvailabilityBurnRateTicketSlow', 'warning', 'ticket'],
    ]);
  });

  it('speaks one sev vocabulary, P1..P4, on its own alerts and on its burn-rate alerts alike', () => {
    const rules = synthesis.files.get('customer-support/prometheus-rules.yaml') ?? '';
    const sevs = new Set((parse(rules) as { groups: { rules: { alert?: string; labels?: { sev?: string } }[] }[] }).groups
      .flatMap((g) => g.rules).flatMap((r) => (r.alert ? [r.labels!.sev!] : [])));
    expect([...sevs].sort()).toEqual(['P1', 'P2', 'P3']);
    const fast = sloRuleGroups(customerSupport, platform).flatMap((g) => g.rules).filter(isAlertingRule)
      .find((a) => a.alert === 'CustomerSupportApiAvailabilityBurnRatePageFast')!;
    expect([fast.labels.severity, fast.labels.sev]).toEqual(['critical', 'P2']);
  });

  it('guards the 0.1% / 1% error-rate pair with a floor of 1000 requests in 5 minutes, and not the 50% ApiDown', () => {
    const floor = (name: string) => { const s = customerSupport.alerts.find((a) => a.name === name)!.signal; return s.kind === 'errorRatio' ? s.minRequests : 'not an error ratio'; };
    expect([floor('CustomerSupportApiErrorRateWarning'), floor('CustomerSupportApiErrorRateCritical'), floor('CustomerSupportApiDown')]).toEqual([1000, 1000, undefined]);
  });

  it('counts API and Telegram bot outages in their availability SLOs, and mutes the API burn pages under the 1% and 50% error-rate pages', () => {
    const outage = (customerSupport.slos ?? []).filter((s) => s.sli.outage).map((s) => [s.name, s.sli.outage!.job]);
    expect(outage).toEqual([['api-availability', 'customer-support-api'], ['telegram-bot-availability', 'customer-support-telegram-bot']]);
    const burnMuters = inhibitRules.filter((r) => r.target_matchers.includes('slo=~"api-availability"') && r.target_matchers.includes('notify="page"'));
    expect(burnMuters.map((r) => r.source_matchers[0])).toEqual(['alertname="CustomerSupportApiDown"', 'alertname="CustomerSupportApiErrorRateCritical"']);
  });

  it('tells responders of ApiDown to raise the replicas in the stack, never to patch or scale what the HPA owns', () => {
    const act = customerSupport.alerts.find((a) => a.name === 'CustomerSupportApiDown')!.runbook.act.join('\n');
    expect(act).toContain('raise minReplicas (now 2) and maxReplicas (now 4) of customer-support-api in stacks/customer-support.service.ts');
    expect(act).not.toContain('kubectl patch hpa customer-support-api');
    expect(act).not.toContain('kubectl scale deployment');
  });

  it('synthesizes without any issue', () => {
    expect(synthesis.issues.map(formatIssue)).toEqual([]);
  });

});
