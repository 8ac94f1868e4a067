import {
  burnRateFactor, Duration, Ratio, SRE_WORKBOOK_TIERS, type Service, type Slo, type SloSpec, type SloTier,
} from '../../lib/core/index.js';
import { eq, re, selector } from '../../lib/promql/selector.js';
import { unwrap } from './harvey-alerts.fixture.js';

/**
 * `Slo` objects built by hand from a `SloSpec`, the way the SLO engine's `defineSlo` resolves them
 * (SLI as counter selectors, objective as a ratio, Workbook tiers scaled to the period), so the SLO
 * dashboard and OpenSLO tests depend on the `Slo` type only. Valid input only: no validation here.
 */
export function sloOf(service: Service, spec: SloSpec): Slo {
  const period = unwrap(Duration.parse(spec.period ?? '30d'));
  const tiers: SloTier[] = SRE_WORKBOOK_TIERS
    .filter((tier) => spec.burnRates?.[tier.id]?.enabled !== false)
    .map((tier) => {
      const change = spec.burnRates?.[tier.id];
      const severity = change?.severity ?? tier.severity;
      return {
        ...tier,
        severity,
        factor: burnRateFactor(tier, period),
        for: change?.for !== undefined ? unwrap(Duration.parse(change.for)) : tier.for,
        sev: SEVS[severity],
      };
    });
  return {
    name: spec.name,
    description: spec.description,
    sli: sliOf(service, spec),
    objective: unwrap(Ratio.parsePercent(spec.objective)),
    period,
    labels: spec.labels ?? {},
    tiers,
  };
}

function sliOf(service: Service, spec: SloSpec): Slo['sli'] {
  const sli = spec.sli;
  switch (sli.kind) {
    case 'availability': {
      const job = eq('job', service.workload(sli.workload).job);
      return { kind: 'availability', bad: selector('http_requests_total', job, re('status', '5..')), total: selector('http_requests_total', job) };
    }
    case 'latency': {
      const job = eq('job', service.workload(sli.workload).job);
      const metric = sli.metric ?? 'http_request_duration_seconds';
      const le = String(unwrap(Duration.parseThreshold(sli.threshold)).seconds);
      return { kind: 'latency', good: selector(`${metric}_bucket`, job, eq('le', le)), total: selector(`${metric}_count`, job) };
    }
    case 'ratio':
      return { kind: 'ratio', ...(sli.good !== undefined && { good: sli.good }), ...(sli.bad !== undefined && { bad: sli.bad }), total: sli.total };
  }
}

const SEVS = { critical: 'SEV-2', warning: 'SEV-3', info: 'SEV-4' } as const;

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
