import { describe, expect, it } from 'vitest';
import { formatValue } from '../../../lib/core/issues.js';

describe('formatValue', () => {
  it('writes NaN and Infinity as JavaScript does, also inside objects and lists, where JSON would write null', () => {
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(-Infinity)).toBe('-Infinity');
    expect(formatValue({ replicas: NaN, buckets: [1, Infinity] })).toBe('{"replicas":NaN,"buckets":[1,Infinity]}');
  });

  it('escapes control characters so one issue stays on one line', () => {
    expect(formatValue('api\nup\t')).toBe("'api\\nup\\t'");
  });
});
