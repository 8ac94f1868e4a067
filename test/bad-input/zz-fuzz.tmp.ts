import { DEFAULT_PLATFORM } from '../../lib/core/index.js';
import { formatIssue } from '../../lib/core/issues.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { shopStack } from '../../test/bad-input/fixture.js';

const VALUES: [string, unknown][] = [['undefined', undefined], ['null', null], ['42', 42], ['NaN', NaN], ['Infinity', Infinity], ['""', ''], ['"x"', 'x'], ['{}', {}], ['[]', []], ['true', true]];
const FIELDS: Record<string, string[]> = {
  service: ['name', 'title', 'alertPrefix', 'team', 'namespace', 'workloads', 'dependencies', 'metrics', 'latencyBuckets'],
  workload: ['name', 'kind', 'job', 'port', 'metricsPath', 'healthPath', 'image', 'replicas', 'resources', 'autoscaling', 'runAs', 'servesIngress', 'readOnlyRootFilesystem'],
  latency: ['above', 'for', 'level', 'window', 'quantile', 'name'],
  errors: ['above', 'for', 'level', 'window', 'name'],
  cpu: ['above', 'for', 'level', 'window', 'name'],
  orders: ['name', 'workload', 'metric', 'minPerHour', 'what', 'runbook', 'for', 'level', 'window'],
  slo: ['name', 'description', 'sli', 'objective', 'period', 'labels', 'burnRates', 'runbook'],
};
const optional = new Set(['service.namespace', 'service.dependencies', 'service.metrics', 'service.latencyBuckets', 'workload.kind', 'workload.job', 'workload.metricsPath', 'workload.healthPath', 'workload.autoscaling', 'workload.runAs', 'workload.servesIngress', 'workload.readOnlyRootFilesystem', 'latency.window', 'latency.quantile', 'latency.name', 'errors.window', 'errors.name', 'cpu.window', 'cpu.name', 'orders.window', 'orders.runbook', 'slo.period', 'slo.labels', 'slo.burnRates', 'slo.runbook']);
let thrown = 0, accepted = 0, refused = 0;
for (const [part, fields] of Object.entries(FIELDS)) {
  for (const field of fields) {
    for (const [label, value] of VALUES) {
      const id = `${part}.${field}=${label}`;
      try {
        const stacks = [shopStack({ [part]: { [field]: value } } as never)];
        const { issues } = synthesize(stacks, DEFAULT_PLATFORM);
        if (issues.length === 0) {
          if (!(value === undefined && optional.has(`${part}.${field}`))) { accepted++; console.log(`ACCEPTED ${id}`); }
        } else {
          refused++;
          const render = issues.filter((i) => i.field.startsWith('(render'));
          if (render.length) console.log(`RENDER ${id}: ${formatIssue(render[0]!)}`);
          if (process.env.SHOW) console.log(`  ${id}: ${issues.map(formatIssue).join(' | ')}`);
        }
      } catch (e) {
        thrown++;
        console.log(`THROWN ${id}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
}
console.log({ thrown, accepted, refused });
