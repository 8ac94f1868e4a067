import { DEFAULT_PLATFORM, type PlatformConfig } from '../../../lib/core/platform.js';
import { defineService, type Service } from '../../../lib/core/service.js';
import type { SloSpec, SloTier } from '../../../lib/core/slo.js';
import type { ServiceStack } from '../../../lib/core/stack.js';
import { defineSlo } from '../../../lib/slo/define-slo.js';

export const platform: PlatformConfig = DEFAULT_PLATFORM;

/** A fresh service each time: SLO names are unique per service, so every test defines its own. */
export function sloService(): Service {
  return defineService({
    name: 'shop-api',
    title: 'Shop API',
    alertPrefix: 'Shop',
    team: 'shop',
    workloads: [{
      name: 'api',
      job: 'shop-api',
      port: 8080,
      image: { repository: 'ghcr.io/example-org/shop-api', tag: 'v1' },
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    }],
    metrics: [
      { name: 'orders_total', type: 'counter', help: 'Orders.', labels: ['job', 'outcome'], source: 'application' },
      { name: 'checkout_duration_seconds', type: 'histogram', help: 'Checkout time.', labels: ['job'], source: 'application', buckets: [0.5, 1, 2, 4] },
    ],
  });
}

/** The good specs; bad-input tests break one field of one of them. */
export const availabilitySpec: SloSpec = {
  name: 'availability',
  description: 'Requests are answered without a 5xx.',
  sli: { kind: 'availability', workload: 'api' },
  objective: '99.9%',
};

export const latencySpec: SloSpec = {
  name: 'latency',
  description: 'Requests are answered within 5s.',
  sli: { kind: 'latency', workload: 'api', threshold: '5s' },
  objective: '95%',
};

export const ordersSpec: SloSpec = {
  name: 'orders',
  description: 'Orders go through.',
  sli: { kind: 'ratio', bad: 'orders_total{job="shop-api",outcome=~"fail.*"}', total: 'orders_total{job="shop-api"}' },
  objective: '99%',
  period: '7d',
  labels: { tier: 'gold' },
};

/** A stack with these SLOs and no other alerts (the promtool runs then evaluate only the SLO groups). */
export function sloStack(...specs: SloSpec[]): ServiceStack {
  const service = sloService();
  const slos = specs.map((spec) => defineSlo(service, spec));
  if (service.issues.issues.length > 0) throw new Error(JSON.stringify(service.issues.issues));
  return { service, alerts: [], dashboards: [], slos };
}

/** The same stack with one tier of every SLO changed (the rules move; the generated tests do not). */
export function withTier(stack: ServiceStack, id: string, change: (tier: SloTier) => SloTier): ServiceStack {
  return { ...stack, slos: (stack.slos ?? []).map((slo) => ({ ...slo, tiers: slo.tiers.map((t) => (t.id === id ? change(t) : t)) })) };
}
