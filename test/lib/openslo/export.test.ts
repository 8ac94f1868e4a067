import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { defineService, formatIssues, Ratio, type Slo } from '../../../lib/core/index.js';
import { openSloDocumentsYaml, openSloFiles, toOpenSlo } from '../../../lib/openslo/export.js';
import { fromOpenSlo } from '../../../lib/openslo/import.js';
import { harveyBackendService as service, harveyBackendSpec } from '../../../stacks/harvey-backend.service.js';
import { unwrap } from '../../dashboards/harvey-alerts.fixture.js';
import { availabilitySpec, latencySpec, sloOf } from '../../dashboards/slo.fixture.js';

const availability = sloOf(service, availabilitySpec);
const latency = sloOf(service, latencySpec);

describe('toOpenSlo', () => {
  it('writes the availability SLO as an OpenSLO v1 SLO with an inline ratio SLI of Prometheus counters', () => {
    expect(toOpenSlo(service, availability)).toEqual({
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: { name: 'harvey-backend-availability', displayName: 'Harvey Backend availability' },
      spec: {
        description: 'Requests to Harvey Backend are served without a 5xx error.',
        service: 'harvey-backend',
        indicator: {
          metadata: { name: 'harvey-backend-availability', displayName: 'Harvey Backend availability SLI' },
          spec: {
            ratioMetric: {
              counter: true,
              bad: { metricSource: { type: 'Prometheus', spec: { query: 'http_requests_total{job="harvey-backend",status=~"5.."}' } } },
              total: { metricSource: { type: 'Prometheus', spec: { query: 'http_requests_total{job="harvey-backend"}' } } },
            },
          },
        },
        timeWindow: [{ duration: '30d', isRolling: true }],
        budgetingMethod: 'Occurrences',
        objectives: [{ displayName: '99.9% of events good over 30d', target: 0.999 }],
      },
    });
  });

  it('matches the reviewed golden YAML for the availability SLO', async () => {
    const [file] = openSloFiles(service, [availability]);
    await expect(file?.content).toMatchFileSnapshot('./__snapshots__/harvey-backend-availability.openslo.yaml');
  });

  it('writes the good selector of a latency SLI, and a 28d period as 28d rather than 4w', () => {
    const doc = toOpenSlo(service, latency);
    expect(doc.spec.indicator.spec.ratioMetric).toEqual({
      counter: true,
      good: { metricSource: { type: 'Prometheus', spec: { query: 'http_request_duration_seconds_bucket{job="harvey-backend",le=~"5(\\\\.0)?"}' } } },
      total: { metricSource: { type: 'Prometheus', spec: { query: 'http_request_duration_seconds_count{job="harvey-backend"}' } } },
    });
    expect(doc.spec.timeWindow).toEqual([{ duration: '28d', isRolling: true }]);
    expect(doc.spec.objectives).toEqual([{ displayName: '99% of events good over 28d', target: 0.99 }]);
  });

  it('writes the target without float noise', () => {
    // Ratio.parsePercent('99.9%') carries float noise (0.9990000000000001); the export must not.
    const noisy: Slo = { ...availability, objective: unwrap(Ratio.parsePercent('99.9%')) };
    expect(noisy.objective.value).not.toBe(0.999);
    expect(toOpenSlo(service, noisy).spec.objectives[0].target).toBe(0.999);
    expect(toOpenSlo(service, sloOf(service, { ...availabilitySpec, objective: '99.95%' })).spec.objectives[0].target).toBe(0.9995);
  });

  it('writes the SLO labels as metadata labels in name order, and leaves them out when there are none', () => {
    const labelled = sloOf(service, { ...availabilitySpec, labels: { tier: '1', component: 'api' } });
    expect(toOpenSlo(service, labelled).metadata).toEqual({
      name: 'harvey-backend-availability', displayName: 'Harvey Backend availability', labels: { component: 'api', tier: '1' },
    });
    expect(Object.keys(toOpenSlo(service, labelled).metadata.labels ?? {})).toEqual(['component', 'tier']);
    expect('labels' in toOpenSlo(service, availability).metadata).toBe(false);
  });

  it('takes a display name from the options', () => {
    const doc = toOpenSlo(service, availability, { displayName: 'Harvey API availability' });
    expect(doc.metadata.displayName).toBe('Harvey API availability');
    expect(doc.spec.indicator.metadata.displayName).toBe('Harvey API availability SLI');
  });

  it('reports an OpenSLO name over 63 characters and a description over 1050 to the service with exact messages', () => {
    const fresh = defineService(harveyBackendSpec);
    const name = 'availability-of-the-document-generation-api-in-prod';
    toOpenSlo(fresh, sloOf(fresh, { ...availabilitySpec, name, description: 'x'.repeat(1051) }));
    expect(formatIssues(fresh.issues.issues)).toBe(
      '2 validation errors:\n' +
      '  harvey-backend:\n' +
      `    - slos.${name}.name: '${name}' is invalid; ` +
      "allowed: at most 48 characters, so that the OpenSLO name '<service>-<slo>' has at most 63\n" +
      `    - slos.${name}.description: '${'x'.repeat(1051)}' is invalid; allowed: at most 1050 characters (the OpenSLO v1 limit)`,
    );
  });

  it('accepts a name that makes the OpenSLO name exactly 63 characters long', () => {
    const fresh = defineService(harveyBackendSpec);
    const doc = toOpenSlo(fresh, sloOf(fresh, { ...availabilitySpec, name: 'a'.repeat(48) }));
    expect(doc.metadata.name).toHaveLength(63);
    expect(fresh.issues.issues).toEqual([]);
  });
});

describe('openSloFiles and openSloDocumentsYaml', () => {
  it('writes one file per SLO under openslo/, in the order given', () => {
    expect(openSloFiles(service, [availability, latency]).map((f) => f.file)).toEqual(['openslo/availability.yaml', 'openslo/latency.yaml']);
    expect(parse(openSloFiles(service, [availability, latency])[1]!.content)).toEqual(JSON.parse(JSON.stringify(toOpenSlo(service, latency))));
  });

  it('writes every SLO of the service as one multi-document YAML stream', () => {
    const docs = parseAllDocuments(openSloDocumentsYaml(service, [availability, latency]));
    expect(docs.map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name)).toEqual(['harvey-backend-availability', 'harvey-backend-latency']);
  });

  it('writes the same bytes twice from the same input', () => {
    expect(openSloFiles(service, [availability, latency])).toEqual(openSloFiles(service, [availability, latency]));
    expect(openSloDocumentsYaml(service, [availability, latency])).toBe(openSloDocumentsYaml(service, [availability, latency]));
  });

  it('writes documents that the importer reads without a problem', () => {
    const labelled = sloOf(service, { ...latencySpec, labels: { tier: '1' } });
    for (const { content } of openSloFiles(service, [availability, latency, labelled])) expect(fromOpenSlo(content).problems).toEqual([]);
  });
});
