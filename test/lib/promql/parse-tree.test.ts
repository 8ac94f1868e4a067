import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parsePromql } from '../../../lib/promql/parse-tree.js';

describe('parsePromql', () => {
  it('gives the tree Prometheus\'s grammar gives', () => {
    const expr = 'sum by (job) (rate(http_requests_total{job="api",status=~"5.."}[5m])) > 0.05';
    expect(parsePromql(expr).toString()).toBe(parser.parse(expr).toString());
  });

  it('parses an expression once and hands the same tree to every check that reads it', () => {
    const expr = 'up{job="parse-once"} == 0';
    expect(parsePromql(expr)).toBe(parsePromql(expr));
  });

  it('keeps a bounded number of trees: the oldest is parsed again once many others came after it', () => {
    const first = parsePromql('up{job="oldest"}');
    for (let i = 0; i < 1024; i++) parsePromql(`up{job="other-${i}"}`);
    const again = parsePromql('up{job="oldest"}');
    expect(again).not.toBe(first);
    expect(again.toString()).toBe(first.toString());
  });
});
