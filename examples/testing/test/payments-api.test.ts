import { describe, expect, it } from 'vitest';
import { expectAlert, promtoolTests, thresholdTableMarkdown } from 'observability-as-code/testing';
import { platform } from '../stacks/index.js';
import { paymentsApi } from '../stacks/payments-api.js';

// Each assertion generates a promtool test from the stack's own rules and runs the real promtool.
const alert = (name: string) => expectAlert(paymentsApi, name, { platform });

describe('payments-api alerts', () => {
  it('warns when p95 latency stays above 2s for 5m', async () => {
    await alert('PaymentsHighLatency').toFire({ p95: '2.5s' }).after('5m');
    await alert('PaymentsHighLatency').toStaySilent({ p95: '1.9s' });
  });

  it('reads Go and JavaScript bucket labels (le="2") as well as Python ones (le="2.0")', async () => {
    await expectAlert(paymentsApi, 'PaymentsHighLatency', { platform, client: 'go' }).toFire({ p95: '2.5s' });
  });

  it('pages when more than 1% of responses are 5xx for 5m', async () => {
    await alert('PaymentsHighErrorRate').toFire({ errors: '1.5%' }).after('5m');
    await alert('PaymentsHighErrorRate').toStaySilent({ errors: '0.8%' });
  });

  it('pages when the API is down or not scraped at all for 1m', async () => {
    await alert('PaymentsDown').toFire({ up: 0 }).after('1m');
    await alert('PaymentsDown').toFire({ up: 'absent' });
    await alert('PaymentsDown').toStaySilent({ up: 1 });
  });

  it('warns when a pod uses more than 85% of its CPU limit for 10m', async () => {
    await alert('PaymentsHighCPU').toFire({ cpu: '90%' }).after('10m');
    await alert('PaymentsHighCPU').toStaySilent({ cpu: '80%' });
  });

  it('pages when the 99.95% availability SLO burns its budget 14.4 times too fast', async () => {
    await alert('PaymentsAvailabilityBurnRatePageFast').toFire({ burn: 15 }).after('2m');
    await alert('PaymentsAvailabilityBurnRatePageFast').toStaySilent({ burn: 10 });
  });

  it('changes thresholds only through a reviewed snapshot', () => {
    expect(thresholdTableMarkdown(paymentsApi)).toMatchSnapshot();
  });
});

// Every proof synth generates, with a timeout that grows with them (not the runner's 5 s default).
const proofs = promtoolTests(paymentsApi, { platform });
it(`passes its ${proofs.scenarios} generated promtool tests`, { timeout: proofs.timeoutMs }, async () => {
  expect((await proofs.run()).failures).toEqual([]);
});
