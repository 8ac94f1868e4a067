import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../../lib/checks/closest-name.js';

describe('closestName', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the nearest candidate for a typo', () => {
    expect(closestName('http_request_duraton_seconds_bucket', ['http_requests_total', 'http_request_duration_seconds_bucket'])).toBe('http_request_duration_seconds_bucket');
  });

  it('suggests nothing when every candidate is too far to be a typo', () => {
    expect(closestName('checkout_widgets_total', ['up', 'http_requests_total'])).toBeUndefined();
  });
});
