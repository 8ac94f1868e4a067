import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIB, shopProject, type CliProject } from '../cli-project.js';

const WITH_SLO = `
import { defineSlo } from '${LIB}';
import { shop } from '../src/shop.js';
export { platform } from '../stacks/platform.js';
export const stacks = [{ ...shop, slos: [defineSlo(shop.service, { name: 'availability', description: 'No 5xx.', objective: '99.9%', sli: { kind: 'availability', workload: 'shop-api' } })] }];
`;

describe('oac list', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await shopProject({ 'entries/slo.ts': WITH_SLO });
  });
  afterAll(() => project?.remove());

  it('prints services, alerts with threshold, for and severity, and SLOs with objective and budget as tables', async () => {
    const run = await project.oac(['list', '--entry', 'entries/slo.ts']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^SERVICE +TITLE +TEAM +WORKLOADS +ALERTS +SLOS +DASHBOARDS$/);
    expect(lines[1]).toMatch(/^shop-api +Shop API +shop +shop-api +3 +1 +0$/);
    expect(run.stdout).toMatch(/^shop-api +ShopHighLatency +> 2\.5s +5m +warning +SEV-2$/m);
    expect(run.stdout).toMatch(/^shop-api +ShopHighErrorRate +> 5% +5m +critical +SEV-1$/m);
    expect(run.stdout).toMatch(/^SERVICE +SLO +OBJECTIVE +PERIOD +ERROR BUDGET +FULL OUTAGE ALLOWED$/m);
    expect(run.stdout).toMatch(/^shop-api +availability +99\.9% +30d +0\.1% +43m 12s$/m);
  });

  it('prints the same as JSON with --json', async () => {
    const run = await project.oac(['list', '--entry', 'entries/slo.ts', '--json']);
    expect(run.code).toBe(0);
    const { services } = JSON.parse(run.stdout) as { services: { name: string; alerts: unknown[]; slos: unknown[] }[] };
    expect(services.map((s) => s.name)).toEqual(['shop-api']);
    expect(services[0]!.alerts).toContainEqual({ name: 'ShopHighLatency', threshold: '> 2.5s', for: '5m', severity: 'warning', sev: 'SEV-2' });
    expect(services[0]!.slos).toEqual([{ name: 'availability', objective: '99.9%', period: '30d', errorBudget: '0.1%', fullOutageAllowed: '43m 12s' }]);
  });
});
