import { FieldParser, formatIssues, type Service, type Slo, type SloSpec } from '../../lib/core/index.js';
import { defineSlo } from '../../lib/slo/define-slo.js';

/**
 * The engine's own `defineSlo`, run against a scratch copy of the service (fresh issue list, fresh SLO
 * names), so tests can build the same SLO several times without polluting the shared service.
 * Valid input only: any issue is a broken fixture.
 */
export function sloOf(service: Service, spec: SloSpec): Slo {
  const scratch: Service = { ...service, issues: new FieldParser(service.name) };
  const slo = defineSlo(scratch, spec);
  if (scratch.issues.issues.length > 0) throw new Error(`bad SLO fixture: ${formatIssues(scratch.issues.issues)}`);
  return slo;
}

export const availabilitySpec: SloSpec = {
  name: 'availability',
  description: 'Requests to Harvey Backend are served without a 5xx error.',
  sli: { kind: 'availability', workload: 'harvey-backend' },
  objective: '99.9%',
};

export const latencySpec: SloSpec = {
  name: 'latency',
  description: 'Requests to Harvey Backend are served within 5s.',
  sli: { kind: 'latency', workload: 'harvey-backend', threshold: '5s' },
  objective: '99%',
  period: '28d',
  burnRates: { 'ticket-slow': { enabled: false } },
};
