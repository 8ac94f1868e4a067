import { describe, expect, it } from 'vitest';
import { constant, expandSeries, piecewise, seriesSelectorText, seriesValuesText } from '../../../../lib/render/promtool/series.js';

describe('input series', () => {
  it('writes a counter phase by phase in promtool notation, each phase starting where the last ended', () => {
    const series = piecewise('documents_generated_total', { job: 'api' }, 6000, [{ perInterval: 10, intervals: 3 }, { perInterval: 0.1, intervals: 2 }]);
    expect(seriesValuesText(series)).toBe('6000+10x3 6030.1+0.1x1');
    expect(expandSeries(series)).toEqual([6000, 6010, 6020, 6030, 6030.1, 6030.200000000001]);
  });

  it('adds cumulatively in float64, as promtool expands `a+bxN`', () => {
    expect(expandSeries(piecewise('m', {}, 0, [{ perInterval: 0.1, intervals: 10 }])).at(-1)).toBe(0.9999999999999999);
  });

  it('writes constants, decreasing runs and gaps', () => {
    expect(seriesValuesText(constant('up', {}, 1, 5))).toBe('1x5');
    expect(seriesValuesText({ metric: 'm', labels: {}, segments: [{ kind: 'ramp', start: 10, step: -2, steps: 3 }, { kind: 'gap', count: 2 }] }))
      .toBe('10-2x3 _x2');
    expect(expandSeries({ metric: 'm', labels: {}, segments: [{ kind: 'ramp', start: 1, step: 0, steps: 0 }, { kind: 'gap', count: 1 }] }))
      .toEqual([1, undefined]);
  });

  it('sorts labels, drops empty ones and escapes values', () => {
    expect(seriesSelectorText('m', { pod: 'a"b', container: '', job: 'x\\y' })).toBe('m{job="x\\\\y",pod="a\\"b"}');
    expect(seriesSelectorText('', {})).toBe('{}');
  });
});
