import { describe, expect, it } from 'vitest';
import { availabilityAlerts } from '../../alerts/availability.js';
import { SEV1 } from '../../lib/core/index.js';
import { alertExpression } from '../../lib/promql/signals.js';
import { shopService } from './fixture.js';

describe('availabilityAlerts', () => {
  it('treats a target that is down or missing as down', () => {
    const [down] = availabilityAlerts(shopService(), { workload: 'api', for: '1m', level: SEV1 });
    expect(down!.name).toBe('ShopDown');
    expect(alertExpression(down!.signal)).toBe('up{job="api"} == 0 or absent(up{job="api"})');
    expect(down!.level).toEqual({ severity: 'critical', sev: 'SEV-1' });
  });

  it('lets the stack replace runbook text field by field', () => {
    const [down] = availabilityAlerts(shopService(), { workload: 'api', for: '1m', level: SEV1, runbook: { act: ['Page the DBA.'] } });
    expect(down!.runbook.act).toEqual(['Page the DBA.']);
    expect(down!.runbook.diagnose.length).toBeGreaterThan(0);
  });
});
