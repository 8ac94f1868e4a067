import { describe, expect, it } from 'vitest';
import { promqlSyntaxErrors } from '../../../lib/promql/syntax.js';

describe('promqlSyntaxErrors', () => {
  it('accepts the expressions the signals produce', () => {
    expect(promqlSyntaxErrors('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="a"}[5m]))) > 5')).toEqual([]);
    expect(promqlSyntaxErrors('up{job="a"} == 0 or absent(up{job="a"})')).toEqual([]);
  });

  it('points at an unbalanced parenthesis', () => {
    const errors = promqlSyntaxErrors('sum(rate(http_requests_total[5m])');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toBe('unexpected end of expression');
  });

  it('points at a stray token with its position', () => {
    expect(promqlSyntaxErrors('rate(http_requests_total[5m]) >> 3')[0]).toEqual({ position: 31, message: "unexpected '> 3'" });
  });

  it('rejects an empty expression', () => {
    expect(promqlSyntaxErrors('  ')).toEqual([{ position: 0, message: 'empty expression' }]);
  });
});
