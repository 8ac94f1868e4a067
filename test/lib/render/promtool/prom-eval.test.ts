import { describe, expect, it } from 'vitest';
import { alertExpression } from '../../../../lib/promql/signals.js';
import { bucketQuantile, extrapolatedRate, SeriesStore, sum } from '../../../../lib/render/promtool/prom-eval.js';
import { resolveScenarios } from '../../../../lib/render/promtool/resolve.js';
import { durationText } from '../../../../lib/render/promtool/scenario.js';
import { piecewise, seriesSelectorText } from '../../../../lib/render/promtool/series.js';
import type { PromtoolExprTest, PromtoolTestGroup } from '../../../../lib/render/promtool/test-file.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { runPromtoolTests } from '../../../../lib/testing/promtool.js';
import { fixtureStack, platform } from './fixture.js';

const MINUTE = 60_000;

describe('extrapolatedRate', () => {
  const points = (values: number[]) => values.map((v, i) => ({ t: i * MINUTE, v }));

  it('returns nothing from a single sample', () => {
    expect(extrapolatedRate(points([5]), -4 * MINUTE, 0, 5 * MINUTE)).toBeUndefined();
  });

  it('does not extrapolate a counter that started at zero before its zero point', () => {
    // 60 over the first minute of a 5m window: 60 / 300s, not 60 / 60s.
    expect(extrapolatedRate(points([0, 60]), -4 * MINUTE, MINUTE, 5 * MINUTE)).toBe(0.2);
  });

  it('extrapolates a young range by half an interval, and to the window start once within 1.1 intervals of it', () => {
    // Long-running counter, 7 per minute: (2m + 30s) of 5m at t=2m, the whole window at t=4m.
    expect(extrapolatedRate(points([1000, 1007, 1014]), -3 * MINUTE, 2 * MINUTE, 5 * MINUTE)).toBe(14 * ((150 / 120) / 300));
    expect(extrapolatedRate(points([1000, 1007, 1014, 1021, 1028]), -MINUTE, 4 * MINUTE, 5 * MINUTE)).toBe(7 / 60);
  });

  it('counts a reset as the value before it', () => {
    expect(extrapolatedRate(points([0, 100, 30]), -3 * MINUTE, 2 * MINUTE, 5 * MINUTE)).toBe(130 / 300);
  });
});

describe('bucketQuantile', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    const buckets = [{ upperBound: 2.5, count: 0 }, { upperBound: 5, count: 9490 }, { upperBound: 7.5, count: 10000 }, { upperBound: Infinity, count: 10000 }];
    expect(bucketQuantile(0.95, buckets)).toBe(5 + 2.5 * (10 / 510));
  });

  it('is NaN without observations and the largest finite bound when the rank is in +Inf', () => {
    expect(bucketQuantile(0.95, [{ upperBound: 1, count: 0 }, { upperBound: Infinity, count: 0 }])).toBeNaN();
    expect(bucketQuantile(0.95, [{ upperBound: 1, count: 1 }, { upperBound: Infinity, count: 100 }])).toBe(1);
  });
});

describe('sum', () => {
  it('keeps every outcome of float addition in any order', () => {
    expect([...sum([0.1, 0.2, 0.3])!.alternatives].sort()).toEqual([0.6, 0.6000000000000001]);
    expect(sum([1, 2])!.alternatives).toEqual([3]);
    expect(sum([])).toBeUndefined();
  });
});

describe('SeriesStore', () => {
  it('selects with anchored regexes and treats a missing label as empty', () => {
    const store = new SeriesStore([
      piecewise('m', { pod: 'api-1', container: 'api' }, 0, []),
      piecewise('m', { pod: 'api-worker-1' }, 0, []),
      piecewise('m', { pod: 'xapi-1', container: 'api' }, 0, []),
    ], MINUTE);
    expect(store.select('m', { label: 'pod', op: '=~', value: 'api-.*' }, { label: 'container', op: '!=', value: '' }).map((s) => s.labels.pod))
      .toEqual(['api-1']);
  });

  it('reads rate() and increase() from its samples as extrapolatedRate does from the range, gaps and resets included', () => {
    const series = {
      metric: 'm', labels: {}, segments: [
        { kind: 'ramp', start: 0.1, step: 0.7, steps: 4 }, { kind: 'gap', count: 2 }, { kind: 'ramp', start: 0.3, step: 1.1, steps: 6 },
        { kind: 'gap', count: 1 }, { kind: 'ramp', start: 2, step: 0, steps: 1 }, { kind: 'ramp', start: 0, step: 3.3, steps: 3 },
      ],
    } as const;
    const store = new SeriesStore([series], MINUTE);
    const [loaded] = store.select('m');
    for (const windowMs of [MINUTE, 2 * MINUTE, 5 * MINUTE, 7.5 * MINUTE, 30 * MINUTE]) {
      for (let t = 0; t <= 25 * MINUTE; t += MINUTE) {
        const range = store.range(loaded!, t, windowMs);
        expect(Object.is(store.rate(loaded!, t, windowMs), extrapolatedRate(range, t - windowMs, t, windowMs))).toBe(true);
        expect(Object.is(store.increase(loaded!, t, windowMs), extrapolatedRate(range, t - windowMs, t, windowMs, false))).toBe(true);
      }
    }
  });
});

describe('the PromQL emulation', () => {
  it('predicts every alert expression of every scenario bit for bit at every evaluation (checked with the real promtool)', async () => {
    const stack = fixtureStack();
    const groups: PromtoolTestGroup[] = [];
    for (const alert of stack.alerts) {
      for (const resolved of resolveScenarios(stack, alert, platform)) {
        const { scenario, store, group } = resolved;
        const last = Math.max(...group.alert_rule_test.map((t) => parseMinutes(t.eval_time)));
        const exprTests: PromtoolExprTest[] = [];
        for (let t = 0; t <= last; t += MINUTE) {
          const samples = scenario.evaluate(store, t);
          // Sums of three or more inexact rates depend on promtool's random series order.
          if (samples.some((s) => s.value.alternatives.length > 1)) continue;
          exprTests.push({
            expr: alertExpression(alert.signal),
            eval_time: durationText(t),
            exp_samples: samples.map(({ labels: { __name__: name = '', ...rest }, value }) => ({ labels: seriesSelectorText(name, rest), value: value.value })),
          });
        }
        expect(exprTests.length).toBeGreaterThan(0);
        groups.push({ ...group, alert_rule_test: [], promql_expr_test: exprTests });
      }
    }
    const file = { evaluation_interval: platform.evaluationInterval, tests: groups };
    const result = await runPromtoolTests({ 'emulation.test.yaml': toYaml(file) }, 'emulation.test.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});

function parseMinutes(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text)!;
  return ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000;
}
