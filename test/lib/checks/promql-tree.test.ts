import { describe, expect, it } from 'vitest';
import { vectorSelectors } from '../../../lib/checks/promql-tree.js';

describe('vectorSelectors', () => {
  it('finds the same selectors each time it is asked, in an array of its own every time', () => {
    const expr = 'sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))';
    const first = vectorSelectors(expr);
    expect(first.map((s) => s.text)).toEqual(['http_requests_total{job="api",status=~"5.."}', 'http_requests_total{job="api"}']);
    first.pop();
    const again = vectorSelectors(expr);
    expect(again).toHaveLength(2);
    expect(again[0]!.matchers).toEqual([{ label: 'job', op: '=', value: 'api' }, { label: 'status', op: '=~', value: '5..' }]);
    expect(vectorSelectors('up{job="db"}').map((s) => s.metric)).toEqual(['up']);
  });
});
