import type { SchemaObject } from 'ajv';
import type { SloSpec } from '../core/slo.js';

/**
 * JSON schema (draft-07) of the subset of OpenSLO v1 (https://github.com/OpenSLO/OpenSLO#slo) that maps
 * onto a `SloSpec` without loss: one `SLO` object with an inline ratio SLI of Prometheus counters, one
 * rolling window, `Occurrences` budgeting and one objective.
 *
 * Every object is closed (`additionalProperties: false`), so nothing is silently dropped. OpenSLO fields
 * this project cannot represent are listed with `not: {}`, so their rejection says why. Each node's
 * `description` is the "allowed" part of the problem reported when the node is wrong.
 */
/** The rolling windows a `SloSpec` can have, as OpenSLO duration shorthands, and the `SloSpec.period` each is. */
export const OPENSLO_PERIODS: Readonly<Record<string, NonNullable<SloSpec['period']>>> = {
  '7d': '7d', '1w': '7d', '28d': '28d', '4w': '28d', '30d': '30d',
};

const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const NAME_ALLOWED = 'a lower-case DNS label (RFC 1123): a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters';

/** A field OpenSLO v1 defines and this project does not support; `description` says what to do instead. */
function unsupported(description: string): SchemaObject {
  return { not: {}, description };
}

function closed(description: string, properties: Record<string, SchemaObject>, required: readonly string[] = []): SchemaObject {
  return { type: 'object', description, properties, required: [...required], additionalProperties: false };
}

const metric = (role: string): SchemaObject => closed(`the ${role} counter as { metricSource: { type: Prometheus, spec: { query } } }`, {
  metricSource: closed('an inline Prometheus metric source: { type: Prometheus, spec: { query } }', {
    type: { enum: ['Prometheus'], description: "'Prometheus' (the SLO rules are PromQL; other metric sources are not supported)" },
    spec: closed('{ query: <PromQL counter selector> }', {
      query: { type: 'string', minLength: 1, description: `a PromQL selector of the ${role} counter, without range or rate, e.g. http_requests_total{job="api"}` },
    }, ['query']),
    metricSourceRef: unsupported('an inline query (spec.query); DataSource references (metricSourceRef) are not supported'),
  }, ['type', 'spec']),
}, ['metricSource']);

export const OPENSLO_SLO_SCHEMA: SchemaObject = closed('an OpenSLO v1 SLO object', {
  apiVersion: { enum: ['openslo/v1'], description: "'openslo/v1' (other OpenSLO versions are not supported)" },
  kind: {
    enum: ['SLO'],
    description: "'SLO' (Service, SLI, DataSource and alert objects are not imported: put the SLI inline in spec.indicator)",
  },
  metadata: closed('{ name, displayName?, labels? }', {
    name: { type: 'string', pattern: NAME_PATTERN, description: NAME_ALLOWED },
    displayName: { type: 'string', description: 'a string' },
    labels: {
      type: 'object',
      description: 'a map of Prometheus label names to strings; the labels are added to the SLO\'s rules and alerts',
      propertyNames: { pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', description: 'a Prometheus label name: letters, digits and "_", not starting with a digit' },
      additionalProperties: { type: 'string', description: 'a string (lists of values are not supported: they cannot be Prometheus label values)' },
    },
    annotations: unsupported('no annotations (implementation-specific metadata is not imported)'),
  }, ['name']),
  spec: closed('the SLO spec', {
    description: { type: 'string', minLength: 1, maxLength: 1050, description: 'a description of 1 to 1050 characters (every SLO here has one)' },
    service: { type: 'string', pattern: NAME_PATTERN, description: `the name of the service: ${NAME_ALLOWED}` },
    indicator: closed('an inline SLI: { metadata?: { name, displayName? }, spec: { ratioMetric } }', {
      metadata: closed('{ name, displayName? }', {
        name: { type: 'string', pattern: NAME_PATTERN, description: NAME_ALLOWED },
        displayName: { type: 'string', description: 'a string' },
      }, ['name']),
      spec: closed('{ ratioMetric: { counter: true, good or bad, total } }', {
        ratioMetric: closed('{ counter: true, good or bad, total }', {
          counter: {
            enum: [true],
            description: 'true: good, bad and total are counters, which the SLO rules rate() (gauges are not supported)',
          },
          good: metric('good-events'),
          bad: metric('bad-events'),
          total: metric('all-events'),
          raw: unsupported('good or bad, with total; precomputed ratios (raw) are not supported'),
          rawType: unsupported('good or bad, with total; precomputed ratios (raw, rawType) are not supported'),
        }, ['counter', 'total']),
        thresholdMetric: unsupported('ratioMetric; threshold SLIs (thresholdMetric) are not supported'),
        description: unsupported('no SLI description: describe the SLO in spec.description'),
      }, ['ratioMetric']),
    }, ['spec']),
    indicatorRef: unsupported('an inline indicator; references to SLI objects (indicatorRef) are not supported'),
    timeWindow: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      description: 'exactly one rolling window',
      items: closed('{ duration, isRolling: true }', {
        duration: {
          enum: Object.keys(OPENSLO_PERIODS),
          description: `one of ${Object.keys(OPENSLO_PERIODS).map((d) => `'${d}'`).join(', ')}: a rolling window of 7, 28 or 30 days`,
        },
        isRolling: { enum: [true], description: 'true (calendar-aligned windows are not supported)' },
        calendar: unsupported('no calendar: calendar-aligned windows are not supported, only rolling windows of 7, 28 or 30 days'),
      }, ['duration']),
    },
    budgetingMethod: {
      enum: ['Occurrences'],
      description: "'Occurrences' (the SLO rules count good and bad events; Timeslices budgeting is not supported)",
    },
    objectives: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      description: 'exactly one objective (an SLO here has one objective; define one SLO per objective)',
      items: closed('{ displayName?, target } or { displayName?, targetPercent }', {
        displayName: { type: 'string', description: 'a string' },
        target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'a number above 0 and below 1, e.g. 0.999' },
        targetPercent: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'a number above 0 and below 100, e.g. 99.9' },
        op: unsupported('no op: threshold objectives (op, value) need a thresholdMetric, which is not supported'),
        value: unsupported('no value: threshold objectives (op, value) need a thresholdMetric, which is not supported'),
        timeSliceTarget: unsupported('no timeSliceTarget: Timeslices budgeting is not supported'),
        timeSliceWindow: unsupported('no timeSliceWindow: Timeslices budgeting is not supported'),
      }),
    },
    alertPolicies: unsupported('no alertPolicies: burn-rate alerts come from the burn-rate tiers (SloSpec.burnRates)'),
  }, ['description', 'service', 'indicator', 'timeWindow', 'budgetingMethod', 'objectives']),
}, ['apiVersion', 'kind', 'metadata', 'spec']);
