import { DEFAULT_PLATFORM } from '../../lib/core/index.js';
import { formatIssue } from '../../lib/core/issues.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { supportStack } from './fixture.js';

const VALUES: [string, unknown][] = [['undefined', undefined], ['42', 42], ['NaN', NaN], ['""', ''], ['"x"', 'x'], ['{}', {}], ['[]', []], ['true', true]];
const FIELDS: Record<string, string[]> = {
  auth: ['workload', 'above', 'window', 'minEvents', 'for', 'level', 'name'],
  llm: ['workload', 'provider', 'title', 'errors', 'quota', 'latency'],
  ratio: ['workload', 'what', 'minEvents', 'numerator', 'denominator', 'levels', 'window', 'equal', 'group'],
  queues: ['exporterJob', 'queues', 'rqInfo', 'exporterDown', 'workerDown', 'fewWorkers', 'backlog', 'growing', 'failed'],
  postgresql: ['exporterJob', 'database', 'down', 'exporterDown', 'connections', 'deadlocks'],
  redis: ['job', 'title', 'down', 'exporterDown', 'evictions', 'rejectedConnections', 'memory'],
  mongodb: ['job', 'title', 'down', 'exporterDown', 'connections', 'poolExhausted'],
  qdrant: ['job', 'title', 'down', 'errors', 'recoveryMode', 'deadReplicas'],
  chromadb: ['workload', 'title', 'unreachable', 'slow'],
  slo: ['sli', 'objective', 'labels'],
};
let thrown = 0, accepted = 0, refused = 0;
for (const [part, fields] of Object.entries(FIELDS)) {
  for (const field of fields) {
    for (const [label, value] of VALUES) {
      const id = `${part}.${field}=${label}`;
      try {
        const { issues } = synthesize([supportStack({ [part]: { [field]: value } } as never)], DEFAULT_PLATFORM);
        if (issues.length === 0) { accepted++; console.log(`ACCEPTED ${id}`); }
        else {
          refused++;
          const render = issues.filter((i) => i.field.startsWith('(render'));
          if (render.length) console.log(`RENDER ${id}: ${formatIssue(render[0]!)}`);
        }
      } catch (e) {
        thrown++;
        console.log(`THROWN ${id}: ${(e as Error).message.split('\n')[0]} @ ${(e as Error).stack?.split('\n')[1]}`);
      }
    }
  }
}
console.log({ thrown, accepted, refused });
