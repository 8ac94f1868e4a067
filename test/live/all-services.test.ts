import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testProfile } from '../../lib/profile/index.js';
import { platform, stacks } from '../../stacks/index.js';
import { describePanel, runPanelQueries } from './support/panels.js';
import { eventually, sleep, stopAll } from './support/processes.js';
import { Prometheus } from './support/prometheus.js';
import { SyntheticExporter } from './support/synthetic-exporter.js';

/**
 * The generated rules of every service (stacks/index.ts), in the test profile, all loaded in one real
 * Prometheus that scrapes a synthetic exporter built from the services' catalogs with healthy values
 * (support/synthetic-exporter.ts): nothing may go pending, and every dashboard panel must have data.
 */
/**
 * Healthy only, so no fault has to fire fast: 20x (1m → 3s) keeps some 200 rules and 20 scrape jobs easy
 * for Prometheus on a loaded machine; at 60x, evaluations of all four services were skipped under load
 * (their own SloRuleGroupMissedIterations alerts fired, rightly).
 */
const TIME_SCALE = 20;
const profile = testProfile(platform, { timeScale: TIME_SCALE });
let exporter: SyntheticExporter;
let prometheus: Prometheus;

beforeAll(async () => {
  exporter = await SyntheticExporter.start(stacks, platform);
  prometheus = await Prometheus.start({
    scrapeInterval: profile.scrapeInterval,
    evaluationInterval: profile.evaluationInterval,
    ruleFiles: Object.fromEntries(stacks.map((s) => [`${s.service.name}.rules.yaml`, profile.ruleFile(s)])),
    jobs: exporter.jobs(),
  });
});

afterAll(async () => {
  await stopAll();
  await exporter?.close();
});

describe('all services live, healthy, in one Prometheus', () => {
  it('scrapes every job their rules and dashboards name', async () => {
    const targets = await prometheus.targetsUp();
    expect(Object.entries(targets).filter(([, health]) => health !== 'up')).toEqual([]);
    const jobs = Object.keys(targets);
    for (const job of ['harvey-backend', 'harven-backend', 'equivalence-web', 'equivalence-worker', 'customer-support-api', 'mongodb-exporter', 'kubelet', 'kube-state-metrics']) {
      expect(jobs).toContain(job);
    }
  });

  it('evaluates every rule group and no alert goes pending', async () => {
    await eventually('every rule group evaluated', async () => {
      const { neverEvaluated, groups } = await prometheus.rulesEvaluated();
      return groups >= stacks.length && neverEvaluated.length === 0 ? true : undefined;
    }, 20_000);
    // Five production minutes: five evaluations of every group but the long SLO ones, windows filled.
    const until = Date.now() + (300 / TIME_SCALE) * 1000;
    const seen = new Set<string>();
    while (Date.now() < until) {
      for (const a of await prometheus.alerts()) if (a.state !== 'inactive') seen.add(`${a.labels.alertname} ${a.state}`);
      await sleep(250);
    }
    expect([...seen]).toEqual([]);
  });

  it('returns series for every panel query of every dashboard, breakdowns of events not seen yet included', async () => {
    const dashboards = stacks.flatMap((s) => s.dashboards);
    const results = await runPanelQueries(prometheus, dashboards, 30 / TIME_SCALE, 600 / TIME_SCALE);
    expect(new Set(results.map((r) => r.dashboard)).size).toBe(dashboards.length);
    expect(results.filter((r) => r.series === 0 && r.error !== undefined).map(describePanel)).toEqual([]);
    // Caught by this suite, not by promtool: per-label breakdowns of events a healthy, just-started service has
    // not had yet (401/403, fallbacks, escalations, failed jobs) showed "No data" instead of zeros, until each got
    // an `... or 0 * sum by (<labels>) (rate(<denominator>))` fallback.
    expect(results.filter((r) => r.series === 0).map((r) => `${r.dashboard} / ${r.panel} [${r.refId}]`)).toEqual([]);
  });
});
