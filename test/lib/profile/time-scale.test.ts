import { describe, expect, it } from 'vitest';
import { TimeScale } from '../../../lib/profile/index.js';

describe('TimeScale', () => {
  const sixty = TimeScale.of(60);

  it('divides durations, down to milliseconds', () => {
    expect(['1m', '5m', '1h', '30d', '3d', '30s', '0s'].map((d) => sixty.duration(d))).toEqual(['1s', '5s', '1m', '12h', '1h12m', '500ms', '0s']);
  });

  it('refuses a duration the factor does not divide into whole milliseconds', () => {
    expect(() => TimeScale.of(7).duration('1s')).toThrow('1s / 7 = 142.85714285714286ms is not a whole number of milliseconds');
  });

  it('scales range windows, subqueries and offsets, and nothing else', () => {
    expect(sixty.promql('sum(rate(http_requests_total{job="a",path="[5m]"}[5m])) * 3600 > 300'))
      .toBe('sum(rate(http_requests_total{job="a",path="[5m]"}[5s])) * 3600 > 300');
    expect(sixty.promql('max_over_time(x[1h:5m] offset 10m)')).toBe('max_over_time(x[1m:5s] offset 10s)');
  });

  it('refuses functions whose arguments or results are wall-clock seconds', () => {
    expect(() => sixty.promql('predict_linear(disk_free[1h], 3600) < 0')).toThrow(/predict_linear take or return wall-clock seconds/);
    expect(() => sixty.promql('time() - last_success > 600')).toThrow(/time take or return wall-clock seconds/);
  });

  it('refuses a factor below 1', () => {
    expect(() => TimeScale.of(0.5)).toThrow('time scale factor 0.5 is invalid; allowed: a number >= 1 (60 turns 1m into 1s)');
  });
});
