import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../../lib/core/index.js';
import { alertmanagerConfig } from '../../../../lib/render/alertmanager/config.js';
import { receiverFor } from '../../../../lib/render/alertmanager/notification.js';
import { ruleGroupsFor } from '../../../../lib/render/prometheus/rule-groups.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { platform, stacks } from '../../../../stacks/index.js';

const run = promisify(execFile);
const teams = new Set(stacks.map((s) => s.service.team));

/** Every alerting rule synth generates for the four services, with the labels Prometheus sends. */
const generatedAlerts: { name: string; labels: Record<string, string> }[] = stacks.flatMap((stack) => ruleGroupsFor(stack, platform)
  .flatMap((group) => group.rules)
  .flatMap((rule) => ('alert' in rule ? [{ name: rule.alert, labels: { alertname: rule.alert, ...rule.labels } }] : [])));

let dir: string;
let configFile: string;

/** The receivers the real amtool resolves for an alert with these labels, in routing-tree order. */
async function routesFor(labels: Readonly<Record<string, string>>): Promise<string[]> {
  const args = ['config', 'routes', 'test', `--config.file=${configFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const { stdout } = await run('amtool', args);
  return stdout.trim().split(',').map((r) => r.trim());
}

/** Runs `task` over `items`, `limit` at a time, keeping the order of results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => { for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i]!); };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oac-alertmanager-'));
  configFile = join(dir, 'alertmanager.yaml');
  await writeFile(configFile, toYaml(alertmanagerConfig(stacks, platform)));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the generated Alertmanager configuration', () => {
  it('is accepted by the real amtool check-config', async () => {
    const { stdout } = await run('amtool', ['check-config', configFile]);
    expect(stdout).toContain('SUCCESS');
  });

  it('routes every generated alert to the receiver the model says, as the real amtool resolves it', async () => {
    expect(generatedAlerts.length).toBeGreaterThan(100);
    const resolved = await mapLimited(generatedAlerts, 4, (a) => routesFor(a.labels));
    const mismatches = generatedAlerts
      .map((a, i) => ({ alert: a.name, expected: [receiverFor(a.labels, teams)], got: resolved[i] }))
      .filter((m) => JSON.stringify(m.expected) !== JSON.stringify(m.got));
    expect(mismatches).toEqual([]);
  });

  it('pages for critical alerts and paging burns, tickets warnings and ticket burns, informs on info', async () => {
    const receiverOf = (name: string) => receiverFor(generatedAlerts.find((a) => a.name === name)!.labels, teams);
    expect(receiverOf('HarveyBackendDown')).toBe('harvey-page');
    expect(receiverOf('HarveyHighLatency')).toBe('harvey-ticket');
    expect(receiverOf('HarveyAvailabilityBurnRatePageFast')).toBe('harvey-page');
    expect(receiverOf('HarveyAvailabilityBurnRateTicketSlow')).toBe('harvey-ticket');
    const info = generatedAlerts.find((a) => a.labels.severity === 'info')!;
    expect(receiverOf(info.name)).toBe(`${info.labels.team}-info`);
    expect(await routesFor({ alertname: 'Foreign', team: 'nobody', severity: 'critical' })).toEqual(['unrouted']);
  });

  it('groups one problem into one notification: an alert across pods, or the tiers of one SLO burn', () => {
    const harvey = alertmanagerConfig(stacks, platform).route.routes!.find((r) => r.matchers?.[0] === 'team="harvey"')!;
    const groupBy = (matcher: string) => harvey.routes!.find((r) => r.matchers?.[0] === matcher)!.group_by;
    expect(groupBy('severity="critical"')).toEqual(['alertname', 'service']);
    expect(groupBy('notify="page"')).toEqual(['service', 'slo']);
  });

  it('repeats pages every few hours and tickets daily', () => {
    const harvey = alertmanagerConfig(stacks, platform).route.routes!.find((r) => r.matchers?.[0] === 'team="harvey"')!;
    const timing = (receiver: string) => harvey.routes!.find((r) => r.receiver === receiver)!;
    expect(timing('harvey-page')).toMatchObject({ group_wait: '30s', repeat_interval: '4h' });
    expect(timing('harvey-ticket')).toMatchObject({ group_wait: '5m', repeat_interval: '24h' });
  });

  it('mutes a service instance-down, latency and error alerts and SLO burns while the service is down', () => {
    const rules = alertmanagerConfig(stacks, platform).inhibit_rules.filter((r) => r.source_matchers.includes('alertname="HarveyBackendDown"'));
    expect(rules.map((r) => r.target_matchers)).toEqual([
      ['alertname="HarveyBackendInstanceDown"', 'service="harvey-backend"'],
      ['service="harvey-backend"', 'alertname=~"HarveyHighLatency|HarveyHighErrorRate|HarveyLLMHighLatency"'],
      ['service="harvey-backend"', 'slo=~"availability|latency"'],
    ]);
  });

  it('holds placeholder receivers under the reserved .invalid domain until the platform sets them', () => {
    const urls = (p = DEFAULT_PLATFORM) => Object.fromEntries(alertmanagerConfig(stacks, p).receivers.map((r) => [r.name, r.webhook_configs![0]!.url]));
    expect(urls()['harvey-page']).toBe('https://alert-receiver.invalid/harvey/page');
    const set = urls({ ...DEFAULT_PLATFORM, alertmanager: { webhookUrl: 'http://relay.monitoring:8080/{team}/{kind}', receivers: { harvey: { page: 'http://pager.monitoring/harvey' } } } });
    expect(set['harvey-page']).toBe('http://pager.monitoring/harvey');
    expect(set['harvey-ticket']).toBe('http://relay.monitoring:8080/harvey/ticket');
  });
});

describe('alertmanagerConfigYaml', () => {
  it('writes the bytes of the whole document, in chunks of inhibit rules once there are many', async () => {
    const { alertmanagerConfigYaml } = await import('../../../../lib/render/alertmanager/config.js');
    const { harveyLikeStack } = await import('../../../../bench/harvey-like-stack.js');
    const small = alertmanagerConfig(stacks, platform);
    expect(alertmanagerConfigYaml(small)).toBe(toYaml(small));
    // 301 Harvey-like services hold over 1,000 inhibit rules: several chunks, and a last one that is not full.
    const large = alertmanagerConfig(Array.from({ length: 301 }, (_, i) => harveyLikeStack(i)), platform);
    expect(large.inhibit_rules.length).toBeGreaterThan(1000);
    expect(large.inhibit_rules.length % 500).not.toBe(0);
    expect(alertmanagerConfigYaml(large)).toBe(toYaml(large));
  });
});
