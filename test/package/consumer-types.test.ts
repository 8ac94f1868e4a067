import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, type ConsumerProject } from '../support/packed-package.js';
import { PACKAGE_ENTRIES } from './entries.js';

// The strictest settings a consumer is likely to use; skipLibCheck off, so our .d.ts files are checked too.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'],
    strict: true, exactOptionalPropertyTypes: true, noPropertyAccessFromIndexSignature: true, noUncheckedIndexedAccess: true,
    noImplicitOverride: true, verbatimModuleSyntax: true, skipLibCheck: false, noEmit: true,
  },
  include: ['src'],
};

// Uses a value of every entry, so a type that only breaks when used is caught as well as one that breaks on import.
const MAIN = `
${PACKAGE_ENTRIES.map((entry, i) => `import * as entry${i} from '${entry}';`).join('\n')}
import { defineService, defineSlo, DEFAULT_PLATFORM, SEV1, type ServiceStack, type PlatformConfig } from 'observability-as-code';
import { availabilityAlerts } from 'observability-as-code/alerts';
import { performanceDashboard } from 'observability-as-code/dashboards';
import { ServiceObservability } from 'observability-as-code/k8s';
import { thresholdTableMarkdown, runPromtoolTests } from 'observability-as-code/testing';
import { App, Chart } from 'cdk8s';

const service = defineService({
  name: 'payments-api', title: 'Payments API', alertPrefix: 'Payments', team: 'payments',
  workloads: [{ name: 'payments-api', port: 8080, replicas: 3, image: { repository: 'ghcr.io/acme/payments-api', tag: '1.0.0' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } } }],
});
const platform: PlatformConfig = { ...DEFAULT_PLATFORM, runbookBaseUrl: 'https://git.acme.dev/obs/blob/main/dist', grafanaUrl: 'https://grafana.acme.dev' };
const alerts = availabilityAlerts(service, { workload: 'payments-api', name: 'PaymentsDown', for: '1m', level: SEV1 });
const stack: ServiceStack = {
  service,
  alerts,
  dashboards: [performanceDashboard({ service, workload: service.workload('payments-api'), alerts, title: 'Payments', uid: 'payments' })],
  slos: [defineSlo(service, { name: 'availability', description: 'No 5xx.', objective: '99.95%', sli: { kind: 'availability', workload: 'payments-api' } })],
};
const chart = new Chart(new App(), 'platform');
new ServiceObservability(chart, 'payments-api', { stack, platform });
const table: string = thresholdTableMarkdown(stack);
const run: typeof runPromtoolTests = runPromtoolTests;
export const used = [${PACKAGE_ENTRIES.map((_, i) => `entry${i}`).join(', ')}, table, run, chart];
`;

describe('a consumer compiling with strict, exactOptionalPropertyTypes and noPropertyAccessFromIndexSignature', () => {
  let project: ConsumerProject;
  beforeAll(async () => {
    project = await consumerProject({ 'tsconfig.json': JSON.stringify(TSCONFIG, null, 2), 'src/main.ts': MAIN }, {
      extraDependencies: ['typescript@5.9.3', '@types/node@20.19.43'],
    });
  });
  afterAll(() => project?.remove());

  it('gets no error from any entry of the package, with skipLibCheck off', async () => {
    const tsc = await project.run('npx', ['tsc', '-p', '.']);
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.code).toBe(0);
  }, 240_000);

  it("type-checks only the package's declaration files, never its TypeScript sources", async () => {
    const list = await project.run('npx', ['tsc', '-p', '.', '--listFilesOnly']);
    const ours = list.stdout.split('\n').filter((f) => f.includes('node_modules/observability-as-code/'));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((f) => !f.endsWith('.d.ts'))).toEqual([]);
  });
});
