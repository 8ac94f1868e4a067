import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlertingRule, type AlertingRule } from '../../lib/render/prometheus/rule-types.js';
import { receiverFor } from '../../lib/render/alertmanager/notification.js';
import { requiredBucketBounds } from '../../lib/instrument/index.js';
import { testProfile } from '../../lib/profile/index.js';
import { metricsContractFor } from '../../lib/render/contract/metrics-contract.js';
import { verifyMetrics } from '../../lib/verify/index.js';
import { Duration } from '../../lib/core/units.js';
import { harveyBackend } from '../../stacks/harvey-backend.js';
import { platform } from '../../stacks/index.js';
import { Alertmanager } from './support/alertmanager.js';
import { catalogDifferences, type ExposedFamily } from './support/catalog-conformance.js';
import { DemoService } from './support/demo-service.js';
import { LIVE_TIME_SCALE } from './support/live-profile.js';
import { describePanel, runPanelQueries } from './support/panels.js';
import { eventually, sleep, stopAll, tempDir } from './support/processes.js';
import { Prometheus, type PromAlert } from './support/prometheus.js';
import { SyntheticExporter } from './support/synthetic-exporter.js';
import { WebhookReceiver } from './support/webhook.js';

/**
 * The whole loop, live, for Harvey Backend in the test profile (60x: 1m → 1s, support/live-profile.ts): a demo service
 * instrumented with the kit, scraped by Debian's Prometheus running the generated rules, alerts routed
 * by Debian's Alertmanager running the generated configuration to a webhook receiver. Faults are
 * injected in turn; every wait is a bounded poll.
 */
const stack = harveyBackend;
const JOB = 'harvey-backend';
let webhook: WebhookReceiver;
let demo: DemoService;
let exporter: SyntheticExporter;
let alertmanager: Alertmanager;
let prometheus: Prometheus;
let profile: ReturnType<typeof testProfile>;
let rules: Map<string, AlertingRule>;

/** Seconds of the test timeline for a production duration. */
const scaled = (production: string): number => (Duration.parse(profile.timeScale.duration(production)) as { value: Duration }).value.seconds;
const ms = (production: string, slack = 20): number => scaled(production) * 1000 + slack * 1000;
/** Milliseconds of a duration already on the test timeline (a profile rule's `for`), plus slack. */
const testMs = (text: string, slack: number): number => ((Duration.parse(text) as { value?: Duration }).value?.seconds ?? 0) * 1000 + slack * 1000;

beforeAll(async () => {
    tempDir('live-harvey');
  webhook = await WebhookReceiver.start();
  profile = testProfile({ ...platform, alertmanager: { webhookUrl: webhook.url('/{team}/{kind}') } }, { timeScale: LIVE_TIME_SCALE });
  rules = new Map(profile.ruleGroups(stack).flatMap((g) => g.rules.filter(isAlertingRule)).map((r) => [r.alert, r]));
  demo = await DemoService.start(stack);
  // Traffic before the first scrape: every counter the service has already exists when Prometheus starts.
  demo.startLoad(20);
  await sleep(300);
  exporter = await SyntheticExporter.start([stack], platform, { exceptJobs: [JOB] });
  alertmanager = await Alertmanager.start(profile.alertmanagerConfig([stack]));
  prometheus = await Prometheus.start({
    scrapeInterval: profile.scrapeInterval,
    evaluationInterval: profile.evaluationInterval,
    ruleFiles: { 'harvey-backend.rules.yaml': profile.ruleFile(stack) },
    jobs: [{ job: JOB, target: demo.target }, ...exporter.jobs()],
    alertmanager: alertmanager.hostPort,
  });
});

afterAll(async () => {
  await demo?.close();
  await stopAll();
  await exporter?.close();
  await webhook?.close();
});

const active = async (): Promise<PromAlert[]> => (await prometheus.alerts()).filter((a) => a.state !== 'inactive');

/** The alert goes pending, then fires in Prometheus, then reaches the webhook through the receiver the model says, with the rule's labels. */
async function expectFires(alertname: string): Promise<void> {
  const since = Date.now();
  const rule = rules.get(alertname)!;
  const states = new Set<string>();
  await eventually(`${alertname} firing in Prometheus`, async () => {
    const alert = (await active()).find((a) => a.labels.alertname === alertname);
    if (alert) states.add(alert.state);
    return alert?.state === 'firing' ? alert : undefined;
  }, testMs(rule.for, 40), 100);
  expect([...states].sort(), `${alertname} is pending before it fires`).toEqual(['firing', 'pending']);
  const receiver = receiverFor(rule.labels, new Set([stack.service.team]));
  const notification = await eventually(`${alertname} at the webhook`, async () => webhook.about(alertname, 'firing', since)[0], 20_000);
  expect(notification.receiver).toBe(receiver);
  expect(notification.path).toBe(`/${receiver.replace(/-(page|ticket|info)$/, '/$1')}`);
  expect(notification.alerts.find((a) => a.labels.alertname === alertname)?.labels).toMatchObject({ alertname, ...rule.labels });
}

/** Gone from Prometheus and Alertmanager, and a resolved notification reached the webhook. */
async function expectResolves(alertname: string): Promise<void> {
  const since = Date.now();
  await eventually(`${alertname} resolved`, async () => {
    const inPrometheus = (await active()).some((a) => a.labels.alertname === alertname);
    const inAlertmanager = (await alertmanager.alerts()).some((a) => a.labels.alertname === alertname);
    return !inPrometheus && !inAlertmanager && webhook.about(alertname, 'resolved', since).length > 0 ? true : undefined;
  }, 45_000);
}

describe('Harvey Backend live, in the test profile', () => {
  it('exposes exactly the catalog through the kit, as Prometheus scraped it', async () => {
    const families = await eventually('metadata of the demo service', async () => {
      const metadata = await prometheus.metadata(JOB);
      return metadata.some((m) => m.metric === 'documents_generated_total') ? metadata : undefined;
    }, 15_000);
    const exposed: ExposedFamily[] = [];
    for (const { metric, type } of families) {
      const series = await prometheus.series(type === 'histogram' ? `{__name__=~"${metric}_bucket",job="${JOB}"}` : `{__name__="${metric}",job="${JOB}"}`);
      const labels = new Set(series.flatMap((s) => Object.keys(s)).filter((l) => !['__name__', 'job', 'instance', 'le'].includes(l)));
      const buckets = [...new Set(series.map((s) => s.le).filter((le) => le !== undefined && le !== '+Inf').map(Number))].sort((a, b) => a - b);
      exposed.push({ name: metric, type, labels, ...(type === 'histogram' && { buckets }) });
    }
    const declared = stack.service.metrics.metrics;
    // Both ways: nothing undeclared was scraped, and everything declared was, with its type, labels and buckets.
    expect(catalogDifferences(declared, exposed, requiredBucketBounds(stack))).toEqual([]);
    expect(await verifyMetrics(metricsContractFor(stack, platform), `http://${demo.target}/metrics`)).toEqual([]);
  });

  it('healthy: every rule group evaluates and no alert is pending or firing', async () => {
    await eventually('every rule group evaluated with the demo service up', async () => {
      const { neverEvaluated, groups } = await prometheus.rulesEvaluated();
      const up = await prometheus.query(`up{job="${JOB}"} == 1`);
      return groups > 0 && neverEvaluated.length === 0 && up.length === 1 ? true : undefined;
    }, 20_000);
    // Long enough for every short `for` to have elapsed had anything been wrong: 5m → 5s, plus windows filling.
    const until = Date.now() + ms('10m', 0);
    const seen = new Set<string>();
    while (Date.now() < until) {
      for (const a of await active()) seen.add(`${a.labels.alertname} ${a.state}`);
      await sleep(250);
    }
    expect([...seen]).toEqual([]);
  });

  it('healthy: every panel query of every dashboard parses and returns series', async () => {
    const results = await runPanelQueries(prometheus, stack.dashboards, scaled('30s'), scaled('10m'));
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((r) => r.series === 0).map(describePanel)).toEqual([]);
  });

  it('a burn fast enough to page (3.3% 5xx): the availability page fires and resolves, the 5% error alert stays silent', async () => {
    demo.fault = { kind: 'errors', every: 30 };
    await expectFires('HarveyAvailabilityBurnRatePageFast');
    expect((await active()).map((a) => a.labels.alertname)).not.toContain('HarveyHighErrorRate');
    demo.fault = { kind: 'none' };
    await expectResolves('HarveyAvailabilityBurnRatePageFast');
  });

  it('5xx above 5%: HarveyHighErrorRate pages; the paging burn mutes its ticket; both resolve', async () => {
    demo.fault = { kind: 'errors', every: 1 };
    await expectFires('HarveyHighErrorRate');
    const ticket = await eventually('the availability ticket, muted by the page', async () => {
      const alert = (await alertmanager.alerts()).find((a) => a.labels.alertname === 'HarveyAvailabilityBurnRateTicketFast');
      return alert?.status.state === 'suppressed' ? alert : undefined;
    }, ms('1h', 30));
    const inhibitors = (await alertmanager.alerts()).filter((a) => ticket.status.inhibitedBy.includes(a.fingerprint));
    expect(inhibitors.map((a) => a.labels.notify)).toContain('page');
    expect(inhibitors.every((a) => a.labels.slo === 'availability')).toBe(true);
    expect(webhook.about('HarveyAvailabilityBurnRateTicketFast', 'firing')).toEqual([]);
    // One problem, one page: the threshold page mutes the paging burn of the same SLI (inhibit rule).
    const errorPage = (await alertmanager.alerts()).find((a) => a.labels.alertname === 'HarveyHighErrorRate')!;
    await eventually('the availability page-fast burn, muted by HarveyHighErrorRate', async () => {
      const burn = (await alertmanager.alerts()).find((a) => a.labels.alertname === 'HarveyAvailabilityBurnRatePageFast');
      return burn?.status.state === 'suppressed' && burn.status.inhibitedBy.includes(errorPage.fingerprint) ? burn : undefined;
    }, 10_000);
    demo.fault = { kind: 'none' };
    await expectResolves('HarveyHighErrorRate');
  });

  it('the target going away: HarveyBackendDown pages and mutes the SLO burns of its job; it resolves when the target is back', async () => {
    await demo.goAway();
    await expectFires('HarveyBackendDown');
    const down = (await alertmanager.alerts()).find((a) => a.labels.alertname === 'HarveyBackendDown')!;
    const muted = await eventually('an availability burn muted by the outage', async () => {
      const alerts = (await alertmanager.alerts()).filter((a) => a.labels.slo === 'availability' && a.status.inhibitedBy.includes(down.fingerprint));
      return alerts.length > 0 ? alerts : undefined;
    }, 10_000);
    expect(muted.every((a) => a.status.state === 'suppressed')).toBe(true);
    await demo.comeBack();
    await expectResolves('HarveyBackendDown');
  });

  it('latency above 5s: HarveyHighLatency opens a ticket and resolves when requests are fast again', async () => {
    demo.fault = { kind: 'latency', seconds: 5.5 };
    await expectFires('HarveyHighLatency');
    demo.fault = { kind: 'none' };
    await expectResolves('HarveyHighLatency');
  });
});
