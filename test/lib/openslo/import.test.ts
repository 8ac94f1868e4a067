import { describe, expect, it } from 'vitest';
import type { SloSpec } from '../../../lib/core/index.js';
import { openSloDocumentsYaml, toOpenSlo } from '../../../lib/openslo/export.js';
import { fromOpenSlo } from '../../../lib/openslo/import.js';
import { toYaml } from '../../../lib/render/yaml.js';
import { harveyBackendService as service } from '../../../stacks/harvey-backend.service.js';
import { availabilitySpec, latencySpec, sloOf } from '../../dashboards/slo.fixture.js';

/** A document as plain data, edited freely by the cases below. */
type Json = Record<string, any>;

/** One good document (the exported availability SLO) as plain data, with one change applied. */
function document(change: (doc: Json) => void = () => {}): string {
  const doc = JSON.parse(JSON.stringify(toOpenSlo(service, sloOf(service, availabilitySpec)))) as Json;
  change(doc);
  return toYaml(doc);
}

/** Export, then import: what comes back for a spec. */
function roundTrip(spec: SloSpec): ReturnType<typeof fromOpenSlo> {
  return fromOpenSlo(toYaml(toOpenSlo(service, sloOf(service, spec))));
}

const at = "document 1 'harvey-backend-availability': ";

describe('fromOpenSlo round trip', () => {
  it('reads back a ratio SLO with a bad selector as the same SloSpec', () => {
    const spec: SloSpec = {
      name: 'document-generation',
      description: 'Document generation requests succeed.',
      sli: { kind: 'ratio', bad: 'documents_failed_total{job="harvey-backend"}', total: 'documents_requested_total{job="harvey-backend"}' },
      objective: '99.5%',
      period: '30d',
    };
    expect(roundTrip(spec)).toEqual({ slos: [{ service: 'harvey-backend', spec }], specs: [spec], problems: [] });
  });

  it('reads back a ratio SLO with a good selector, labels and a 7d period as the same SloSpec', () => {
    const spec: SloSpec = {
      name: 'feedback',
      description: 'Users rate generated documents positively.',
      sli: { kind: 'ratio', good: 'feedback_positive_total{job="harvey-backend"}', total: 'feedback_total{job="harvey-backend"}' },
      objective: '95%',
      period: '7d',
      labels: { component: 'feedback', tier: '2' },
    };
    expect(roundTrip(spec).specs).toEqual([spec]);
  });

  it('reads back objectives of several decimals without float noise', () => {
    for (const objective of ['99.9%', '99.95%', '99.99%', '95.5%'] as const) {
      expect(roundTrip({ ...availabilitySpec, sli: { kind: 'ratio', bad: 'b', total: 't' }, objective, period: '28d' }).specs[0]?.objective).toBe(objective);
    }
  });

  it('reads an exported availability SLI back as a ratio SLI with the same selectors', () => {
    expect(roundTrip(availabilitySpec).specs).toEqual([{
      name: 'availability',
      description: 'Requests to Harvey Backend are served without a 5xx error.',
      sli: { kind: 'ratio', bad: 'http_requests_total{job="harvey-backend",status=~"5.."}', total: 'http_requests_total{job="harvey-backend"}' },
      objective: '99.9%',
      period: '30d',
    }]);
  });

  it('reads an exported latency SLI back as a ratio SLI with the same selectors', () => {
    expect(roundTrip(latencySpec).specs[0]?.sli).toEqual({
      kind: 'ratio',
      good: 'http_request_duration_seconds_bucket{job="harvey-backend",le=~"5(\\\\.0)?"}',
      total: 'http_request_duration_seconds_count{job="harvey-backend"}',
    });
  });

  it('reads every document of a multi-document stream, with the service each names', () => {
    const result = fromOpenSlo(openSloDocumentsYaml(service, [sloOf(service, availabilitySpec), sloOf(service, latencySpec)]));
    expect(result.problems).toEqual([]);
    expect(result.slos.map((s) => [s.service, s.spec.name, s.spec.period])).toEqual([
      ['harvey-backend', 'availability', '30d'], ['harvey-backend', 'latency', '28d'],
    ]);
  });
});

describe('fromOpenSlo on documents written elsewhere', () => {
  it('takes targetPercent as the objective', () => {
    const result = fromOpenSlo(document((d) => { d['spec'].objectives = [{ targetPercent: 99.95 }]; }));
    expect(result.specs[0]?.objective).toBe('99.95%');
  });

  it('takes 4w as a 28d period and 1w as a 7d period', () => {
    expect(fromOpenSlo(document((d) => { d['spec'].timeWindow = [{ duration: '4w', isRolling: true }]; })).specs[0]?.period).toBe('28d');
    expect(fromOpenSlo(document((d) => { d['spec'].timeWindow = [{ duration: '1w' }]; })).specs[0]?.period).toBe('7d');
  });

  it('keeps the whole metadata name as the SLO name when it does not start with the service name', () => {
    expect(fromOpenSlo(document((d) => { d['metadata'].name = 'checkout-availability'; })).specs[0]?.name).toBe('checkout-availability');
  });

  it('accepts an indicator without metadata and documents without display names', () => {
    const result = fromOpenSlo(document((d) => {
      delete d['spec'].indicator.metadata;
      delete d['metadata'].displayName;
      delete d['spec'].objectives[0].displayName;
    }));
    expect(result.problems).toEqual([]);
    expect(result.specs).toHaveLength(1);
  });

  it('skips empty documents, such as the one after a trailing ---', () => {
    const result = fromOpenSlo(`---\n${document()}---\n`);
    expect(result.problems).toEqual([]);
    expect(result.specs).toHaveLength(1);
  });

  it('names the source in problems when given one', () => {
    expect(fromOpenSlo(document((d) => { d['spec'].budgetingMethod = 'Timeslices'; }), 'slo/availability.yaml').problems).toEqual([
      "slo/availability.yaml document 1 'harvey-backend-availability': spec.budgetingMethod: 'Timeslices' is invalid; " +
      "allowed: 'Occurrences' (the SLO rules count good and bad events; Timeslices budgeting is not supported)",
    ]);
  });

  it('imports the good documents of a stream and reports every problem of the bad ones', () => {
    const bad = document((d) => {
      d['metadata'].name = 'harvey-backend-latency';
      d['spec'].budgetingMethod = 'Timeslices';
      d['spec'].alertPolicies = [];
    });
    const result = fromOpenSlo(`${document()}---\n${bad}`);
    expect(result.specs.map((s) => s.name)).toEqual(['availability']);
    expect(result.problems).toEqual([
      "document 2 'harvey-backend-latency': spec.budgetingMethod: 'Timeslices' is invalid; " +
      "allowed: 'Occurrences' (the SLO rules count good and bad events; Timeslices budgeting is not supported)",
      "document 2 'harvey-backend-latency': spec.alertPolicies: [] is invalid; " +
      'allowed: no alertPolicies: burn-rate alerts come from the burn-rate tiers (SloSpec.burnRates)',
    ]);
  });

  it('rejects a second document for the same SLO of the same service', () => {
    const result = fromOpenSlo(`${document()}---\n${document()}`);
    expect(result.specs).toHaveLength(1);
    expect(result.problems).toEqual([
      "document 2 'harvey-backend-availability': metadata.name: 'harvey-backend-availability' is invalid; " +
      'allowed: a name no earlier SLO document of the input has',
    ]);
  });

  it('rejects text that is not YAML', () => {
    const result = fromOpenSlo('apiVersion: openslo/v1\nkind: [SLO\n');
    expect(result.specs).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^document 1: \(yaml\): '.+' is invalid; allowed: valid YAML$/);
  });

  it('rejects a document that is a list rather than one object', () => {
    expect(fromOpenSlo(`- ${document().replace(/\n(?=.)/g, '\n  ')}`).problems).toEqual([
      expect.stringMatching(/^document 1: \(document\): \[\{.+\}\] is invalid; allowed: an OpenSLO v1 SLO object$/),
    ]);
  });
});

/** One field broken per case, each with the exact problem(s) it must produce. */
const unsupported: readonly { readonly what: string; readonly change: (doc: Json) => void; readonly problems: readonly string[] }[] = [
  {
    what: 'another OpenSLO version',
    change: (d) => { d['apiVersion'] = 'openslo/v1alpha'; },
    problems: ["apiVersion: 'openslo/v1alpha' is invalid; allowed: 'openslo/v1' (other OpenSLO versions are not supported)"],
  },
  {
    what: 'an object of another kind',
    change: (d) => { d['kind'] = 'SLI'; },
    problems: ["kind: 'SLI' is invalid; allowed: 'SLO' (Service, SLI, DataSource and alert objects are not imported: put the SLI inline in spec.indicator)"],
  },
  {
    what: 'annotations',
    change: (d) => { d['metadata'].annotations = { 'openslo.com/key': 'value' }; },
    problems: ['metadata.annotations: {"openslo.com/key":"value"} is invalid; allowed: no annotations (implementation-specific metadata is not imported)'],
  },
  {
    what: 'a label with a list of values',
    change: (d) => { d['metadata'].labels = { tags: ['auth', 'api'] }; },
    problems: ['metadata.labels.tags: ["auth","api"] is invalid; allowed: a string (lists of values are not supported: they cannot be Prometheus label values)'],
  },
  {
    what: 'a label name Prometheus does not allow',
    change: (d) => { d['metadata'].labels = { 'cost-centre': 'project1' }; },
    problems: [`metadata.labels.cost-centre: 'cost-centre' is invalid; allowed: a Prometheus label name: letters, digits and "_", not starting with a digit`],
  },
  {
    what: 'a name that is not a DNS label',
    change: (d) => { d['metadata'].name = 'Harvey_Availability'; },
    problems: [`metadata.name: 'Harvey_Availability' is invalid; allowed: a lower-case DNS label (RFC 1123): a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters`],
  },
  {
    what: 'an unknown key in the spec',
    change: (d) => { d['spec'].owner = 'harvey'; },
    problems: ["spec.owner: 'harvey' is invalid; allowed: no 'owner' here: the supported keys are description, service, indicator, timeWindow, budgetingMethod, objectives (other keys would be dropped)"],
  },
  {
    what: 'a missing description',
    change: (d) => { delete d['spec'].description; },
    problems: ['spec.description: (missing) is invalid; allowed: a description of 1 to 1050 characters (every SLO here has one)'],
  },
  {
    what: 'a description over 1050 characters',
    change: (d) => { d['spec'].description = 'x'.repeat(1051); },
    problems: [`spec.description: '${'x'.repeat(1051)}' is invalid; allowed: a description of 1 to 1050 characters (every SLO here has one)`],
  },
  {
    what: 'a reference to a separate SLI object',
    change: (d) => { delete d['spec'].indicator; d['spec'].indicatorRef = 'harvey-availability-sli'; },
    problems: [
      'spec.indicator: (missing) is invalid; allowed: an inline SLI: { metadata?: { name, displayName? }, spec: { ratioMetric } }',
      "spec.indicatorRef: 'harvey-availability-sli' is invalid; allowed: an inline indicator; references to SLI objects (indicatorRef) are not supported",
    ],
  },
  {
    what: 'a threshold metric SLI',
    change: (d) => {
      d['spec'].indicator.spec = { thresholdMetric: { metricSource: { type: 'Prometheus', spec: { query: 'up' } } } };
    },
    problems: [
      'spec.indicator.spec.ratioMetric: (missing) is invalid; allowed: { counter: true, good or bad, total }',
      'spec.indicator.spec.thresholdMetric: {"metricSource":{"type":"Prometheus","spec":{"query":"up"}}} is invalid; ' +
      'allowed: ratioMetric; threshold SLIs (thresholdMetric) are not supported',
    ],
  },
  {
    what: 'an SLI description',
    change: (d) => { d['spec'].indicator.spec.description = 'Good requests'; },
    problems: ["spec.indicator.spec.description: 'Good requests' is invalid; allowed: no SLI description: describe the SLO in spec.description"],
  },
  {
    what: 'a precomputed raw ratio',
    change: (d) => {
      d['spec'].indicator.spec.ratioMetric = { counter: true, rawType: 'failure', raw: { metricSource: { type: 'Prometheus', spec: { query: 'error_ratio' } } } };
    },
    problems: [
      'spec.indicator.spec.ratioMetric.total: (missing) is invalid; allowed: the all-events counter as { metricSource: { type: Prometheus, spec: { query } } }',
      'spec.indicator.spec.ratioMetric.raw: {"metricSource":{"type":"Prometheus","spec":{"query":"error_ratio"}}} is invalid; ' +
      'allowed: good or bad, with total; precomputed ratios (raw) are not supported',
      "spec.indicator.spec.ratioMetric.rawType: 'failure' is invalid; allowed: good or bad, with total; precomputed ratios (raw, rawType) are not supported",
      'spec.indicator.spec.ratioMetric: ["counter","rawType","raw"] is invalid; allowed: exactly one of good or bad, with total',
    ],
  },
  {
    what: 'gauges rather than counters',
    change: (d) => { d['spec'].indicator.spec.ratioMetric.counter = false; },
    problems: ['spec.indicator.spec.ratioMetric.counter: false is invalid; allowed: true: good, bad and total are counters, which the SLO rules rate() (gauges are not supported)'],
  },
  {
    what: 'both a good and a bad query',
    change: (d) => {
      d['spec'].indicator.spec.ratioMetric.good = { metricSource: { type: 'Prometheus', spec: { query: 'http_requests_total{status!~"5.."}' } } };
    },
    problems: ['spec.indicator.spec.ratioMetric: ["counter","bad","total","good"] is invalid; allowed: exactly one of good or bad, with total'],
  },
  {
    what: 'neither a good nor a bad query',
    change: (d) => { delete d['spec'].indicator.spec.ratioMetric.bad; },
    problems: ['spec.indicator.spec.ratioMetric: ["counter","total"] is invalid; allowed: exactly one of good or bad, with total'],
  },
  {
    what: 'a metric source other than Prometheus',
    change: (d) => { d['spec'].indicator.spec.ratioMetric.total.metricSource.type = 'Datadog'; },
    problems: ["spec.indicator.spec.ratioMetric.total.metricSource.type: 'Datadog' is invalid; allowed: 'Prometheus' (the SLO rules are PromQL; other metric sources are not supported)"],
  },
  {
    what: 'a reference to a DataSource object',
    change: (d) => { d['spec'].indicator.spec.ratioMetric.bad.metricSource.metricSourceRef = 'prometheus-datasource'; },
    problems: ["spec.indicator.spec.ratioMetric.bad.metricSource.metricSourceRef: 'prometheus-datasource' is invalid; allowed: an inline query (spec.query); DataSource references (metricSourceRef) are not supported"],
  },
  {
    what: 'an unknown key in a metric source spec',
    change: (d) => { d['spec'].indicator.spec.ratioMetric.total.metricSource.spec.queryType = 'promql'; },
    problems: ["spec.indicator.spec.ratioMetric.total.metricSource.spec.queryType: 'promql' is invalid; allowed: no 'queryType' here: the supported keys are query (other keys would be dropped)"],
  },
  {
    what: 'a calendar-aligned window',
    change: (d) => { d['spec'].timeWindow = [{ duration: '1M', calendar: { startTime: '2020-01-21 12:30:00', timeZone: 'America/New_York' }, isRolling: false }]; },
    problems: [
      "spec.timeWindow[0].duration: '1M' is invalid; allowed: one of '7d', '1w', '28d', '4w', '30d': a rolling window of 7, 28 or 30 days",
      'spec.timeWindow[0].isRolling: false is invalid; allowed: true (calendar-aligned windows are not supported)',
      'spec.timeWindow[0].calendar: {"startTime":"2020-01-21 12:30:00","timeZone":"America/New_York"} is invalid; ' +
      'allowed: no calendar: calendar-aligned windows are not supported, only rolling windows of 7, 28 or 30 days',
    ],
  },
  {
    what: 'a rolling window of another length',
    change: (d) => { d['spec'].timeWindow = [{ duration: '90d', isRolling: true }]; },
    problems: ["spec.timeWindow[0].duration: '90d' is invalid; allowed: one of '7d', '1w', '28d', '4w', '30d': a rolling window of 7, 28 or 30 days"],
  },
  {
    what: 'two time windows',
    change: (d) => { d['spec'].timeWindow = [{ duration: '30d', isRolling: true }, { duration: '7d', isRolling: true }]; },
    problems: ['spec.timeWindow: [{"duration":"30d","isRolling":true},{"duration":"7d","isRolling":true}] is invalid; allowed: exactly one rolling window'],
  },
  {
    what: 'Timeslices budgeting',
    change: (d) => { d['spec'].budgetingMethod = 'Timeslices'; },
    problems: ["spec.budgetingMethod: 'Timeslices' is invalid; allowed: 'Occurrences' (the SLO rules count good and bad events; Timeslices budgeting is not supported)"],
  },
  {
    what: 'several objectives',
    change: (d) => { d['spec'].objectives = [{ displayName: 'Foo', target: 0.98 }, { displayName: 'Bar', targetPercent: 99.99 }]; },
    problems: [
      'spec.objectives: [{"displayName":"Foo","target":0.98},{"displayName":"Bar","targetPercent":99.99}] is invalid; ' +
      'allowed: exactly one objective (an SLO here has one objective; define one SLO per objective)',
    ],
  },
  {
    what: 'a threshold objective',
    change: (d) => { d['spec'].objectives[0].op = 'lte'; d['spec'].objectives[0].value = 2; },
    problems: [
      "spec.objectives[0].op: 'lte' is invalid; allowed: no op: threshold objectives (op, value) need a thresholdMetric, which is not supported",
      'spec.objectives[0].value: 2 is invalid; allowed: no value: threshold objectives (op, value) need a thresholdMetric, which is not supported',
    ],
  },
  {
    what: 'time-slice objective fields',
    change: (d) => { d['spec'].objectives[0].timeSliceTarget = 0.95; d['spec'].objectives[0].timeSliceWindow = '5m'; },
    problems: [
      'spec.objectives[0].timeSliceTarget: 0.95 is invalid; allowed: no timeSliceTarget: Timeslices budgeting is not supported',
      "spec.objectives[0].timeSliceWindow: '5m' is invalid; allowed: no timeSliceWindow: Timeslices budgeting is not supported",
    ],
  },
  {
    what: 'both target and targetPercent',
    change: (d) => { d['spec'].objectives[0].targetPercent = 99.9; },
    problems: ['spec.objectives[0]: ["displayName","target","targetPercent"] is invalid; allowed: exactly one of target or targetPercent'],
  },
  {
    what: 'a target of 1 or more',
    change: (d) => { d['spec'].objectives[0].target = 1; },
    problems: ['spec.objectives[0].target: 1 is invalid; allowed: a number above 0 and below 1, e.g. 0.999'],
  },
  {
    what: 'alert policies',
    change: (d) => { d['spec'].alertPolicies = [{ alertPolicyRef: 'page-on-fast-burn' }]; },
    problems: ['spec.alertPolicies: [{"alertPolicyRef":"page-on-fast-burn"}] is invalid; allowed: no alertPolicies: burn-rate alerts come from the burn-rate tiers (SloSpec.burnRates)'],
  },
];

describe('fromOpenSlo rejects what a SloSpec cannot hold, naming document, field, value and what is supported', () => {
  for (const { what, change, problems } of unsupported) {
    it(`rejects ${what}`, () => {
      const result = fromOpenSlo(document(change));
      expect(result.problems).toEqual(problems.map((p) => `${p.startsWith('metadata.name') ? "document 1 'Harvey_Availability': " : at}${p}`));
      expect(result.specs).toEqual([]);
    });
  }
});
