import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../support/packed-package.js';
import { cliProject, INDEX, LIB, PLATFORM, SHOP_SERVICE, type CliProject } from '../cli-project.js';

/** Two services of the same packs under other names: exact renamings of each other. */
const RENAMED_SERVICES = `
import { defineService, SEV1, type ServiceStack } from '${LIB}';
import { availabilityAlerts, httpGoldenSignalsAlerts } from '${join(REPO_ROOT, 'alerts/index.ts')}';

const named = (n: number): ServiceStack => {
  const name = \`svc-0000\${n}\`;
  const service = defineService({
    name, title: \`Service \${n}\`, alertPrefix: \`Svc\${n}\`, team: \`team-\${n}\`,
    workloads: [{ name, port: 8080, replicas: 2, image: { repository: \`ghcr.io/acme/\${name}\`, tag: '1.0.0' },
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } } }],
  });
  return {
    service,
    alerts: [
      ...availabilityAlerts(service, { workload: name, name: \`Svc\${n}Down\`, for: '1m', level: SEV1 }),
      ...httpGoldenSignalsAlerts(service, { workload: name, errors: { name: \`Svc\${n}HighErrorRate\`, above: '5%', for: '5m', level: SEV1 } }),
    ],
    dashboards: [],
  };
};
export const stacks = [named(1), named(2)];
export { platform } from './platform.js';
`;

describe('oac test', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await cliProject({ 'src/shop.ts': SHOP_SERVICE, 'stacks/platform.ts': PLATFORM, 'stacks/index.ts': INDEX });
  });
  afterAll(() => project?.remove());

  it('runs the generated promtool tests, a line per service with counts and time', async () => {
    const run = await project.oac(['test']);
    expect(run.stderr).toContain('oac: promtool test rules for 1 service(s)...');
    expect(run.stdout).toMatch(/^ {2}shop-api: \d+ test groups, \d+ assertions passed in \d+\.\ds$/m);
    expect(run.stdout).toContain('1 of 1 service(s) passed');
    expect(run.code).toBe(0);
  });

  it('exits 2 for an unknown service given with --only', async () => {
    const run = await project.oac(['test', '--only', 'billing']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--only: unknown service 'billing'; known: shop-api");
  });

  it('proves a renamed service with its first renaming, then takes both from the cache', async () => {
    const renamed = await cliProject({ 'stacks/platform.ts': PLATFORM, 'stacks/index.ts': RENAMED_SERVICES });
    try {
      const first = await renamed.oac(['test']);
      expect(first.stdout).toMatch(/^ {2}svc-00001: \d+ test groups, \d+ assertions passed in \d+\.\ds$/m);
      expect(first.stdout).toMatch(/^ {2}svc-00002: \d+ test groups, \d+ assertions passed \(a renaming of svc-00001, proven once\)$/m);
      expect(first.stdout).toContain('2 of 2 service(s) passed: 1 proven by promtool, 0 from the cache, 1 as renamings of a proven service');
      expect(first.code).toBe(0);
      const again = await renamed.oac(['test']);
      expect(again.stdout).toMatch(/^ {2}svc-00001: \d+ test groups, \d+ assertions passed \(from the cache\)$/m);
      expect(again.stdout).toContain('2 of 2 service(s) passed: 0 proven by promtool, 1 from the cache, 1 as renamings of a proven service');
    } finally {
      await renamed.remove();
    }
  });
});
