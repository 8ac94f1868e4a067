import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopProject, type CliProject } from '../cli-project.js';

const instrumentatorDefaults = readFileSync(new URL('../../verify/fixtures/fastapi-instrumentator-defaults.prom', import.meta.url), 'utf8');

describe('oac verify-metrics', () => {
  let project: CliProject;
  beforeAll(async () => {
    project = await shopProject({
      'defaults.prom': instrumentatorDefaults,
      // The shop's contract: its 2.5s latency threshold needs le="2.5"; 5.. matches grouped codes too.
      'following.prom': instrumentatorDefaults.replace(/le="1\.0"(.*)\n/, 'le="1.0"$1\nhttp_request_duration_seconds_bucket{handler="/api/v1/courses",le="2.5",method="GET"} 1.0\n'),
    });
  });
  afterAll(() => project?.remove());

  it('exits 1 listing every finding for an exposition with prometheus-fastapi-instrumentator defaults', async () => {
    const run = await project.oac(['verify-metrics', 'shop-api', 'defaults.prom']);
    expect(run.stderr).toContain('defaults.prom does not follow the metrics contract of shop-api (1 finding):\n' +
      '  - http_request_duration_seconds: bucket le="2.5" missing (bounds seen: 0.1, 0.5, 1.0, +Inf; needed by ShopHighLatency)');
    expect(run.code).toBe(1);
  });

  it('exits 0 for an exposition that follows the contract, and 2 for an unknown service', async () => {
    const ok = await project.oac(['verify-metrics', 'shop-api', 'following.prom']);
    expect(ok.stdout).toContain('following.prom follows the metrics contract of shop-api.');
    expect(ok.code).toBe(0);
    const unknown = await project.oac(['verify-metrics', 'nope', 'following.prom']);
    expect(unknown.code).toBe(2);
  });
});
