import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { prometheusRuleSizeIssues, yamlBytesAtMost } from '../../../lib/checks/prometheus-rule-size.js';
import { ruleFileBytes, ServicePrometheusRule } from '../../../lib/k8s/prometheus-rule.js';
import type { RuleGroup } from '../../../lib/render/prometheus/rule-types.js';
import { toYaml } from '../../../lib/render/yaml.js';
import { harveyBackend } from '../../../stacks/harvey-backend.js';
import { customerSupport } from '../../../stacks/customer-support.js';
import { platform } from '../../../stacks/platform.js';
import { alertRule, group, rendered } from './fixture.js';

const shop = rendered();
const bigGroup = (name: string, kib: number): RuleGroup =>
  group(name, [alertRule('ShopBig', 'up == 0', { annotations: { description: 'x'.repeat(kib * 1024) } })]);

function build(groups: readonly RuleGroup[], maxBytes?: number): Record<string, any>[] {
  const chart = new Chart(new App(), 'c');
  new ServicePrometheusRule(chart, 'rule', { name: 'shop-api', namespace: 'production', labels: { release: 'kps' }, groups, ...(maxBytes && { maxBytes }) });
  return chart.toJson();
}

describe('ServicePrometheusRule splitting', () => {
  it('keeps one object named after the service while the rules fit', () => {
    const objects = build(shop.ruleGroups);
    expect(objects.map((o) => o.metadata.name)).toEqual(['shop-api']);
    expect(objects[0]!.spec.groups).toEqual(shop.ruleGroups);
  });

  it('splits larger rule sets by whole groups, in order, into <name>, <name>-2, ... each within the limit', () => {
    const groups = [bigGroup('a', 3), bigGroup('b', 3), bigGroup('c', 3)];
    const objects = build(groups, 7 * 1024);
    expect(objects.map((o) => o.metadata.name)).toEqual(['shop-api', 'shop-api-2']);
    expect(objects.map((o) => o.spec.groups.map((g: RuleGroup) => g.name))).toEqual([['a', 'b'], ['c']]);
    for (const o of objects) expect(ruleFileBytes(o.spec.groups)).toBeLessThanOrEqual(7 * 1024);
    expect(objects.flatMap((o) => o.spec.groups)).toEqual(groups);
  });
});

describe('prometheusRuleSizeIssues', () => {
  it('accepts the good fixture', () => {
    expect(prometheusRuleSizeIssues(shop)).toEqual([]);
  });

  it('reports a single group too large to fit any PrometheusRule, naming it', () => {
    const manifests = shop.manifests.map((m) => m.object.kind === 'PrometheusRule'
      ? { ...m, object: { ...m.object, spec: { groups: [bigGroup('shop-api-huge', 600), group('small', [])] } } }
      : m);
    const [issue] = prometheusRuleSizeIssues({ ...shop, manifests });
    expect(issue).toEqual({
      service: 'shop-api', field: 'k8s/prometheusrule-shop-api.yaml', value: expect.stringMatching(/^PrometheusRule\/shop-api \(600\.\d KiB\)$/),
      allowed: expect.stringMatching(/^at most 512\.0 KiB of rules per PrometheusRule \(the operator mounts rule files through ConfigMaps of that size and cannot split one file\); group 'shop-api-huge' alone is 600\.\d KiB: split it into smaller groups$/),
    });
  });
});

describe('prometheusRuleSizeIssues at the limit', () => {
  const harvey = rendered(harveyBackend, platform);
  const [rule] = harvey.manifests.filter((m) => m.object.kind === 'PrometheusRule');
  const groups = (rule!.object.spec as { groups: RuleGroup[] }).groups;
  const bytes = ruleFileBytes(groups);

  it('accepts rules of exactly the limit and reports them one byte over it, as from the YAML itself', () => {
    expect(prometheusRuleSizeIssues(harvey, bytes)).toEqual([]);
    expect(prometheusRuleSizeIssues(harvey, bytes - 1).map((i) => i.value)).toEqual([`PrometheusRule/harvey-backend (${(bytes / 1024).toFixed(1)} KiB)`]);
  });
});

describe('yamlBytesAtMost', () => {
  const sizeOf = (value: unknown) => Buffer.byteLength(toYaml(value), 'utf8');

  it('is at least the YAML of the rule groups of the built-in services, and within a few times of it', () => {
    for (const stack of [harveyBackend, customerSupport]) {
      for (const m of rendered(stack, platform).manifests.filter((m) => m.object.kind === 'PrometheusRule')) {
        const value = { groups: (m.object.spec as { groups: unknown }).groups };
        expect(yamlBytesAtMost(value)).toBeGreaterThanOrEqual(sizeOf(value));
        expect(yamlBytesAtMost(value)).toBeLessThan(5 * sizeOf(value));
      }
    }
  });

  /** Strings YAML must quote, escape, fold into block scalars or write as explicit keys. */
  const pieces = ['', 'a', ' ', '  ', '\n', '\n\n', '\t', '\r', '"', "'", '\\', ':', ': ', ' #', '#', '- ', '? ', '|', '>', '{', '[', ',', '&', '*', '!', '%', '@', '`',
    'yes', 'null', '~', '1e3', '0x1F', '.inf', '---', '...', '\u0000', '\u0007', '\u001b', '\u0085', '\u00a0', '\u2028', 'é', '中', '😀', '\ud800', '\udc00',
    '{{ $value }}', 'x'.repeat(50), 'y'.repeat(1100)];
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const next = random(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const text = (): string => Array.from({ length: Math.floor(next() * 8) }, () => pick(pieces)).join('');
  const value = (depth: number): unknown => {
    const kind = depth > 5 ? 0 : Math.floor(next() * 6);
    if (kind <= 1) return text();
    if (kind === 2) return pick([0, -0.5, 1e21, 123456789.123, -1.2345678901234567e-300, Number.NaN, Infinity, true, false]);
    if (kind === 3) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [text(), value(depth + 1)]));
  };

  it('is at least the YAML of any plain data, however its strings must be written', () => {
    for (let i = 0; i < 3000; i++) {
      const data = { groups: [value(1), value(1)] };
      expect(yamlBytesAtMost(data), JSON.stringify(data)).toBeGreaterThanOrEqual(sizeOf(data));
    }
  });

  it('counts what is not plain data as unbounded, so the check writes it out', () => {
    expect(yamlBytesAtMost({ groups: [new Map([['a', 1]])] })).toBe(Infinity);
    expect(yamlBytesAtMost({ groups: [undefined] })).toBe(Infinity);
  });
});
