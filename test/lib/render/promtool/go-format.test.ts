import { describe, expect, it } from 'vitest';
import { formatGoFloat } from '../../../../lib/render/promtool/go-format.js';

describe('formatGoFloat', () => {
  it.each([
    [0, '0'], [1, '1'], [-1.5, '-1.5'], [0.05, '0.05'], [123456, '123456'], [1234567, '1.234567e+06'], [1e21, '1e+21'],
    [0.0001, '0.0001'], [0.00001, '1e-05'], [0.8160000000000006, '0.8160000000000006'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'],
  ])('prints %s with %%v as %s', (value, expected) => {
    expect(formatGoFloat(value, 'v')).toBe(expected);
  });

  it.each([
    [5.1, 4, '5.1'], [100, 4, '100'], [1234.5, 4, '1234'], [1235.5, 4, '1236'], [12345, 4, '1.234e+04'], [99999, 4, '1e+05'],
    [0.00012345, 4, '0.0001234'], [0.000012345, 4, '1.234e-05'], [0, 4, '0'], [5.049019607843134, 4, '5.049'],
  ])('prints %s with %%.%ig as %s (ties to even on the exact binary value)', (value, precision, expected) => {
    expect(formatGoFloat(value, 'g', precision)).toBe(expected);
  });

  it.each([
    [0.25, 1, '0.2'], [0.35, 1, '0.3'], [0.45, 1, '0.5'], [2.5, 0, '2'], [3.5, 0, '4'], [0.06, 1, '0.1'], [0.001, 1, '0.0'], [99.96, 1, '100.0'],
    [4.900000000016007, 1, '4.9'], [1e21, 2, '1000000000000000000000.00'],
  ])('prints %s with %%.%if as %s', (value, precision, expected) => {
    expect(formatGoFloat(value, 'f', precision)).toBe(expected);
  });

  it('prints %e with at least two exponent digits', () => {
    expect(formatGoFloat(1234.5678, 'e', 3)).toBe('1.235e+03');
    expect(formatGoFloat(0.000123, 'e', 2)).toBe('1.23e-04');
    expect(formatGoFloat(1e100, 'e', 1)).toBe('1.0e+100');
  });
});
