import { describe, expect, it } from 'vitest';
import { thresholdTable, thresholdTableMarkdown } from '../../lib/testing/threshold-table.js';
import { harveyBackend } from '../../stacks/harvey-backend.js';

const row = (alert: string) => thresholdTable(harveyBackend).find((r) => r.alert === alert);

describe('Harvey Backend stack', () => {
  it('is valid', () => {
    expect(harveyBackend.service.issues.issues).toEqual([]);
  });

  it('HarveyBackendDown fires when the target is down or missing for 1m, critical SEV-1', () => {
    expect(row('HarveyBackendDown')).toMatchObject({
      expr: 'up{job="harvey-backend"} == 0 or absent(up{job="harvey-backend"})', for: '1m', severity: 'critical', sev: 'SEV-1',
    });
  });

  it('HarveyHighLatency fires when p95 is above 5s for 5m, warning SEV-2', () => {
    expect(row('HarveyHighLatency')).toMatchObject({ threshold: '> 5s', for: '5m', severity: 'warning', sev: 'SEV-2' });
  });

  it('HarveyHighErrorRate fires when 5xx are above 5% for 5m, critical SEV-1', () => {
    expect(row('HarveyHighErrorRate')).toMatchObject({ threshold: '> 5%', for: '5m', severity: 'critical', sev: 'SEV-1' });
  });

  it('HarveyHighCPU fires when CPU is above 80% of the limit for 5m, warning SEV-2', () => {
    expect(row('HarveyHighCPU')).toMatchObject({ threshold: '> 80%', for: '5m', severity: 'warning', sev: 'SEV-2' });
  });

  it('keeps the CPU alert above the HPA CPU target, as SERVICES.md asks', () => {
    const workload = harveyBackend.service.workload('harvey-backend');
    expect(workload.autoscaling).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(workload.autoscaling?.cpuUtilization?.value).toBe(70);
    expect(workload.autoscaling?.memoryUtilization?.value).toBe(80);
  });

  it('also watches memory, document generation and LLM latency from the runbooks', () => {
    expect(thresholdTable(harveyBackend).map((r) => r.alert)).toEqual([
      'HarveyBackendDown', 'HarveyHighLatency', 'HarveyHighErrorRate', 'HarveyHighCPU', 'HarveyHighMemory',
      'HarveyLowDocumentGeneration', 'HarveyLLMHighLatency',
    ]);
  });

  it('has a threshold table that changes only through a reviewed snapshot', () => {
    expect(thresholdTableMarkdown(harveyBackend)).toMatchSnapshot();
  });
});
