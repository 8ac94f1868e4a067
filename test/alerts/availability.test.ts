import { describe, expect, it } from 'vitest';
import { availabilityAlerts } from '../../alerts/availability.js';
import { SEV1, SEV3 } from '../../lib/core/index.js';
import { alertExpression } from '../../lib/promql/signals.js';
import { shopService } from './fixture.js';

describe('availabilityAlerts', () => {
  it('pages only when the workload has no healthy target: every target down, or none left', () => {
    const [down] = availabilityAlerts(shopService(), { workload: 'api', for: '1m', level: SEV1 });
    expect(down!.name).toBe('ShopDown');
    expect(alertExpression(down!.signal)).toBe('max by (job) (up{job="api"}) == 0 or absent(up{job="api"})');
    expect(down!.level).toEqual({ severity: 'critical', sev: 'SEV-1' });
  });

  it('adds a lighter per-instance alert that names the instance and is muted while nothing is healthy', () => {
    const alerts = availabilityAlerts(shopService(), { workload: 'api', name: 'ShopApiDown', for: '1m', level: SEV1, instanceDown: { for: '10m', level: SEV3 } });
    expect(alerts.map((a) => [a.name, alertExpression(a.signal), a.for.text, a.level.sev])).toEqual([
      ['ShopApiInstanceDown', 'up{job="api"} == 0', '10m', 'SEV-3'],
      ['ShopApiDown', 'max by (job) (up{job="api"}) == 0 or absent(up{job="api"})', '1m', 'SEV-1'],
    ]);
    expect(alerts[0]!.summary).toContain('{{ $labels.instance }}');
    expect(alerts[0]!.inhibitedBy).toEqual({ alert: 'ShopApiDown', equal: ['service', 'job'] });
  });

  it('lets the stack replace runbook text field by field', () => {
    const [down] = availabilityAlerts(shopService(), { workload: 'api', for: '1m', level: SEV1, runbook: { act: ['Page the DBA.'] } });
    expect(down!.runbook.act).toEqual(['Page the DBA.']);
    expect(down!.runbook.diagnose.length).toBeGreaterThan(0);
  });
});
