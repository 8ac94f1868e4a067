import { defineService, type Service } from '../../lib/core/index.js';
import { goodService } from '../lib/core/fixtures.js';

/** A fresh, valid service per test, so issues reported by one pack call do not leak into the next. */
export function shopService(): Service {
  return defineService({
    ...goodService,
    metrics: [{ name: 'orders_placed_total', type: 'counter', help: 'Orders.', labels: ['job'], source: 'application' }],
  });
}

export const issueMessages = (service: Service): string[] =>
  service.issues.issues.map((i) => `${i.field}: ${JSON.stringify(i.value)} — ${i.allowed}`);
