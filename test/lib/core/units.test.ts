import { describe, expect, it } from 'vitest';
import { CpuQuantity, Duration, MemoryQuantity, Percent, Ratio } from '../../../lib/core/units.js';

const value = <T>(parsed: { ok: true; value: T } | { ok: false; allowed: string }): T => {
  if (!parsed.ok) throw new Error(`did not parse: ${parsed.allowed}`);
  return parsed.value;
};

describe('Duration', () => {
  it('parses Prometheus durations into seconds', () => {
    expect(value(Duration.parse('5m')).seconds).toBe(300);
    expect(value(Duration.parse('1h30m')).seconds).toBe(5400);
    expect(value(Duration.parse('500ms')).seconds).toBe(0.5);
  });

  it('writes the same duration the same way whatever the input spelling', () => {
    expect(value(Duration.parse('90s')).text).toBe('1m30s');
    expect(value(Duration.parse('60m')).text).toBe('1h');
  });

  it.each(['5 min', '', '5', '-5m', '0s', '5M', 5])('rejects %j and says what a duration looks like', (bad) => {
    expect(Duration.parse(bad)).toEqual({ ok: false, allowed: Duration.ALLOWED });
  });
});

describe('Ratio and Percent', () => {
  it('reads a percentage as the ratio PromQL compares with', () => {
    expect(value(Ratio.parsePercent('5%')).value).toBe(0.05);
    expect(value(Ratio.parsePercent('0.1%')).value).toBeCloseTo(0.001, 12);
    expect(value(Ratio.parsePercent('5%')).toString()).toBe('5%');
  });

  it('rejects percentages without the sign or outside 0..100', () => {
    expect(Ratio.parsePercent('0.05').ok).toBe(false);
    expect(Ratio.parsePercent('150%').ok).toBe(false);
    expect(Percent.parse('0%').ok).toBe(false);
    expect(Percent.parse('101%').ok).toBe(false);
  });

  it('keeps an HPA percent as written', () => {
    expect(value(Percent.parse('70%')).value).toBe(70);
    expect(value(Percent.parse('70%')).ratio).toBe(0.7);
  });
});

describe('CPU and memory quantities', () => {
  it('reads millicores and cores, and writes millicores', () => {
    expect(value(CpuQuantity.parse('500m')).cores).toBe(0.5);
    expect(value(CpuQuantity.parse('2')).text).toBe('2000m');
  });

  it('reads binary memory suffixes into bytes and keeps the text', () => {
    const m = value(MemoryQuantity.parse('4Gi'));
    expect(m.bytes).toBe(4 * 1024 ** 3);
    expect(m.text).toBe('4Gi');
  });

  it('rejects quantities in the wrong unit family', () => {
    expect(CpuQuantity.parse('1Gi').ok).toBe(false);
    expect(MemoryQuantity.parse('500m').ok).toBe(false);
    expect(MemoryQuantity.parse('1GB').ok).toBe(false);
    expect(CpuQuantity.parse('0m').ok).toBe(false);
  });
});

describe('Duration thresholds', () => {
  it('accepts fractional latencies that Prometheus durations do not', () => {
    expect(value(Duration.parseThreshold('2.5s')).seconds).toBe(2.5);
    expect(value(Duration.parseThreshold('500ms')).secondsText).toBe('0.5s');
    expect(Duration.parse('2.5s').ok).toBe(false);
  });

  it.each(['5', '5 s', '-1s', '0ms'])('rejects the latency %j', (bad) => {
    expect(Duration.parseThreshold(bad)).toEqual({ ok: false, allowed: Duration.THRESHOLD_ALLOWED });
  });
});
