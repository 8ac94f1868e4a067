import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../support/packed-package.js';
import { cliProject, LIB, type CliProject } from '../cli-project.js';

const exec = promisify(execFile);

const OPENSLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: payments-api-availability
spec:
  description: Payments answered without a 5xx.
  service: payments-api
  indicator:
    metadata:
      name: payments-api-availability
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="payments-api",status=~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="payments-api"}
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.9995
`;

describe('oac import openslo', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await cliProject({ 'slos.yaml': OPENSLO, 'bad.yaml': OPENSLO.replace('Occurrences', 'Timeslices') });
  });
  afterAll(() => project?.remove());

  it('prints the defineSlo calls to paste into the stack', async () => {
    const run = await project.oac(['import', 'openslo', 'slos.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`// Imported from slos.yaml by \`oac import openslo\`.
import { defineSlo, type Service, type Slo } from 'observability-as-code';

/** SLOs of payments-api: add \`slos: paymentsApiSlos(service)\` to its stack. */
export const paymentsApiSlos = (service: Service): Slo[] => [
  defineSlo(service, {
    name: 'availability',
    description: 'Payments answered without a 5xx.',
    sli: {
      kind: 'ratio',
      bad: 'http_requests_total{job="payments-api",status=~"5.."}',
      total: 'http_requests_total{job="payments-api"}',
    },
    objective: '99.95%',
    period: '30d',
  }),
];
`);
  });

  it('writes the TypeScript with --out, which compiles and defines a valid SLO', async () => {
    const run = await project.oac(['import', 'openslo', 'slos.yaml', '--out', 'src/payments-slos.ts']);
    expect(run.code).toBe(0);
    const source = (await project.read('src/payments-slos.ts')).replace("from 'observability-as-code'", `from '${LIB}'`);
    await project.write('src/payments-slos.ts', source);
    await project.write('src/check.ts', `
import { defineService } from '${LIB}';
import { paymentsApiSlos } from './payments-slos.js';
const service = defineService({ name: 'payments-api', title: 'Payments API', alertPrefix: 'Payments', team: 'payments',
  workloads: [{ name: 'payments-api', port: 8080, replicas: 2, image: { repository: 'ghcr.io/acme/payments-api', tag: '1' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } }] });
const slos = paymentsApiSlos(service);
console.log(JSON.stringify({ issues: service.issues.issues, objective: String(slos[0]!.objective) }));
`);
    const { stdout } = await exec(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['src/check.ts'], { cwd: project.dir });
    expect(JSON.parse(stdout)).toEqual({ issues: [], objective: '99.95%' });
  });

  it('exits 1 with every problem of the documents', async () => {
    const run = await project.oac(['import', 'openslo', 'bad.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("import failed; nothing was written.\n  - bad.yaml document 1 'payments-api-availability': spec.budgetingMethod: 'Timeslices' is invalid");
  });

  it('exits 2 when the file does not exist', async () => {
    const run = await project.oac(['import', 'openslo', 'nope.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('oac: nope.yaml not found');
  });
});
