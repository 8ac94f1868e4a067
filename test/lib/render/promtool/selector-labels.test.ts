import { describe, expect, it } from 'vitest';
import { eq, re } from '../../../../lib/promql/selector.js';
import { labelsExcludedBy, labelsSelectedBy, labelValues, otherJobLabels, regexExamples } from '../../../../lib/render/promtool/selector-labels.js';

describe('regexExamples', () => {
  it('gives one example per alternative, with `.` and classes as their simplest member', () => {
    expect(regexExamples('401|403')).toEqual(['401', '403']);
    expect(regexExamples('5..')[0]).toBe('500');
    expect(regexExamples('/api/.+')[0]).toBe('/api/0');
    expect(regexExamples('[a-z]+-worker')[0]).toBe('x-worker');
    expect(regexExamples('(?:GET|POST)')[0]).toBe('GET');
    expect(regexExamples('le_\\d{2}')[0]).toBe('le_00');
    expect(regexExamples('5(\\.0)?')).toEqual(['5', '5.0']);
  });

  it('gives nothing for syntax it does not read (inline flags)', () => {
    expect(regexExamples('(?i)redis')).toEqual([]);
  });
});

describe('labelValues', () => {
  it('satisfies every matcher of the label, anchored', () => {
    expect(labelValues('status', [re('status', '401|403')])[0]).toBe('401');
    expect(labelValues('status', [{ label: 'status', op: '!~', value: '2..' }])[0]).toBe('500');
    const notBadRequest = labelValues('status', [re('status', '4..'), { label: 'status', op: '!=', value: '400' }]);
    expect(notBadRequest[0]).toMatch(/^4..$/);
    expect(notBadRequest).not.toContain('400');
    expect(labelValues('container', [{ label: 'container', op: '!=', value: '' }])[0]).toBe('default');
    expect(labelValues('status', [eq('status', '401'), eq('status', '403')])).toEqual([]);
  });

  it('fails at least one of `mustFail`: a request that is not a 401/403', () => {
    expect(labelValues('status', [], [re('status', '401|403')])[0]).toBe('200');
  });
});

describe('labels for a numerator and its denominator', () => {
  const numerator = { metric: 'http_requests_total', matchers: [eq('job', 'api'), re('status', '401|403')] };
  const denominator = { metric: 'http_requests_total', matchers: [eq('job', 'api')] };

  it('builds a series both select, one only the denominator selects, and another job\'s that neither does', () => {
    const both = labelsSelectedBy(numerator, denominator)!;
    expect(both).toEqual({ job: 'api', status: '401' });
    expect(labelsExcludedBy(both, denominator.matchers, numerator.matchers)).toEqual({ job: 'api', status: '200' });
    expect(otherJobLabels(both, [numerator, denominator])).toEqual({ job: 'api-other', status: '401' });
  });

  it('finds no other job when a regex would still select it', () => {
    expect(otherJobLabels({ job: 'api' }, [{ metric: 'm', matchers: [re('job', 'api.*')] }])).toBeUndefined();
  });
});
