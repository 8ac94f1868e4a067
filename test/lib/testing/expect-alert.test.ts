import { describe, expect, it } from 'vitest';
import type { ServiceStack } from '../../../lib/core/stack.js';
import { AlertExpectationError, expectAlert, type AlertValue } from '../../../lib/testing/index.js';
import { fixtureStack, withFor, withThresholdsScaled, withThresholdsShifted } from '../render/promtool/fixture.js';
import { availabilitySpec, latencySpec, sloStack, withTier } from '../slo/fixture.js';

const stack = fixtureStack();
/** The fixture with only this alert, so that moving its threshold moves no other. */
const only = (alert: string): ServiceStack => ({ ...stack, alerts: stack.alerts.filter((a) => a.name === alert) });

interface KindCase {
  readonly alert: string;
  /** A value past the threshold, and how long after its condition holds the alert fires (its `for`). */
  readonly fires: AlertValue;
  readonly after: '0s' | `${number}m`;
  /** A value short of the threshold. */
  readonly silent: AlertValue;
  /** The stack with the threshold moved beyond `fires`, so that the alert no longer fires there. */
  readonly movedAway: ServiceStack;
  /** The stack with the threshold moved below `silent`, so that the alert fires there. */
  readonly movedCloser: ServiceStack;
}

/** One alert per signal kind of the fixture (two for kinds with two shapes), with values on either side of its threshold. */
const cases: KindCase[] = [
  { alert: 'HarveyHighErrorRate', fires: { errors: '5.5%' }, after: '5m', silent: { errors: '4.5%' },
    movedAway: withThresholdsScaled(only('HarveyHighErrorRate'), 'errorRatio', 1.2), movedCloser: withThresholdsScaled(only('HarveyHighErrorRate'), 'errorRatio', 0.8) },
  { alert: 'HarveyHighLatency', fires: { p95: '5.5s' }, after: '5m', silent: { p95: '4.5s' },
    movedAway: withThresholdsScaled(only('HarveyHighLatency'), 'latencyQuantile', 1.5), movedCloser: withThresholdsScaled(only('HarveyHighLatency'), 'latencyQuantile', 0.5) },
  { alert: 'HarveyHighCPU', fires: { cpu: '85%' }, after: '5m', silent: { cpu: '75%' },
    movedAway: withThresholdsScaled(only('HarveyHighCPU'), 'resourceUtilisation', 1.125), movedCloser: withThresholdsScaled(only('HarveyHighCPU'), 'resourceUtilisation', 0.875) },
  { alert: 'HarveyHighMemory', fires: { memory: '95%' }, after: '5m', silent: { memory: '85%' },
    movedAway: withThresholdsScaled(only('HarveyHighMemory'), 'resourceUtilisation', 1.1), movedCloser: withThresholdsScaled(only('HarveyHighMemory'), 'resourceUtilisation', 0.9) },
  { alert: 'HarveyLowDocumentGeneration', fires: { perHour: 4 }, after: '30m', silent: { perHour: 6 },
    movedAway: withThresholdsScaled(only('HarveyLowDocumentGeneration'), 'lowThroughput', 0.7), movedCloser: withThresholdsScaled(only('HarveyLowDocumentGeneration'), 'lowThroughput', 1.3) },
  { alert: 'HarveyHighAuthFailureRatio', fires: { ratio: '12%' }, after: '10m', silent: { ratio: '8%' },
    movedAway: withThresholdsScaled(only('HarveyHighAuthFailureRatio'), 'counterRatio', 1.3), movedCloser: withThresholdsScaled(only('HarveyHighAuthFailureRatio'), 'counterRatio', 0.7) },
  { alert: 'HarveyLowTicketResolution', fires: { ratio: '70%' }, after: '30m', silent: { ratio: '90%' },
    movedAway: withThresholdsScaled(only('HarveyLowTicketResolution'), 'counterRatio', 0.8), movedCloser: withThresholdsScaled(only('HarveyLowTicketResolution'), 'counterRatio', 1.2) },
  { alert: 'HarveyQueueBacklog', fires: { value: 150 }, after: '10m', silent: { value: 50 },
    movedAway: withThresholdsScaled(only('HarveyQueueBacklog'), 'gaugeThreshold', 2), movedCloser: withThresholdsScaled(only('HarveyQueueBacklog'), 'gaugeThreshold', 0.4) },
  { alert: 'HarveyRedisDown', fires: { value: 0 }, after: '1m', silent: { value: 1 },
    movedAway: withThresholdsShifted(only('HarveyRedisDown'), 'gaugeThreshold', -1), movedCloser: withThresholdsShifted(only('HarveyRedisDown'), 'gaugeThreshold', 1) },
  { alert: 'HarveyJobFailures', fires: { increase: 6 }, after: '5m', silent: { increase: 5 },
    movedAway: withThresholdsShifted(only('HarveyJobFailures'), 'counterIncrease', 1), movedCloser: withThresholdsShifted(only('HarveyJobFailures'), 'counterIncrease', -1) },
];

const slos = sloStack(availabilitySpec, latencySpec);
const scaledFactor = (s: ServiceStack, id: string, by: number) => withTier(s, id, (t) => ({ ...t, factor: t.factor * by }));

describe.each(cases)('expectAlert(stack, $alert)', ({ alert, fires, after, silent, movedAway, movedCloser }) => {
  it('passes toFire just past the threshold, after exactly its for', async () => {
    const result = await expectAlert(stack, alert).toFire(fires).after(after);
    expect(result.ok).toBe(true);
    expect(result.output).toContain('SUCCESS');
  });

  it('passes toStaySilent short of the threshold', async () => {
    expect((await expectAlert(stack, alert).toStaySilent(silent)).ok).toBe(true);
  });

  it('fails toFire, with promtool\'s expected alert and what it got, once the threshold moves past the value', async () => {
    const error = await expectAlert(movedAway, alert).toFire(fires).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AlertExpectationError);
    expect((error as Error).message).toMatch(new RegExp(`^${alert} fires with .*: promtool test rules failed\\.\\n  rule: `));
    expect((error as Error).message).toMatch(/exp: \{alertname="[A-Za-z]+", alertstate="firing"\} 1E\+00\n\s+got: nil/);
  });

  it('fails toStaySilent, showing the alert promtool got with its labels and annotations, once the threshold moves below the value', async () => {
    const error = await expectAlert(movedCloser, alert).toStaySilent(silent).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AlertExpectationError);
    const message = (error as Error).message;
    expect(message).toContain(`${alert} stays silent with `);
    expect(message).toMatch(new RegExp(`exp:\\[\\], \\n\\s+got:\\[\\n\\s+0:\\n\\s+Labels:\\{alertname="${alert}", .*\\}\\n\\s+Annotations:\\{description=`));
  });
});

describe('expectAlert(...).toFire(value).after(duration)', () => {
  it('fails when the alert waits longer than claimed, showing the alert promtool expected and got none', async () => {
    const slower = withFor(stack, 'HarveyHighLatency', '10m');
    const error = await expectAlert(slower, 'HarveyHighLatency').toFire({ p95: '5.5s' }).after('5m').then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toContain('HarveyHighLatency fires 5m after its condition holds with p95 = 5.5s');
    expect((error as Error).message).toMatch(/alertname: HarveyHighLatency, time: 6m, \n\s+exp:\[\n\s+0:\n\s+Labels:\{alertname="HarveyHighLatency", service="harvey-backend", sev="SEV-2", severity="warning", team="harvey"\}[\s\S]*got:\[\]/);
  });

  it('fails when the alert fires sooner than claimed', async () => {
    const error = await expectAlert(stack, 'HarveyBackendDown').toFire({ up: 0 }).after('5m').then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toMatch(/alertname: HarveyBackendDown, time: 4m, \n\s+exp:\[\], \n\s+got:\[\n\s+0:\n\s+Labels:\{alertname="HarveyBackendDown", job="harvey-backend", service="harvey-backend"/);
  });

  it('pins an alert without for to its first evaluation', async () => {
    expect((await expectAlert(stack, 'HarveyMigrationFailed').toFire({ increase: 1 }).after('0s')).ok).toBe(true);
    expect((await expectAlert(stack, 'HarveyMigrationFailed').toStaySilent({ increase: 0 })).ok).toBe(true);
  });
});

describe('expectAlert on a target-down alert', () => {
  it('fires when up is 0 and when the job has no up series at all, and stays silent while up is 1', async () => {
    await expectAlert(stack, 'HarveyBackendDown').toFire({ up: 0 }).after('1m');
    await expectAlert(stack, 'HarveyBackendDown').toFire({ up: 'absent' }).after('1m');
    await expectAlert(stack, 'HarveyBackendDown').toStaySilent({ up: 1 });
  });

  it('fails toStaySilent({ up: 0 }), showing the firing alert', async () => {
    await expect(expectAlert(stack, 'HarveyBackendDown').toStaySilent({ up: 0 })).rejects.toThrow(/got:\[\n\s+0:\n\s+Labels:\{alertname="HarveyBackendDown"/);
  });
});

describe('expectAlert on SLO burn-rate alerts', () => {
  it('passes at a burn past the tier\'s factor and short of it', async () => {
    await expectAlert(slos, 'ShopAvailabilityBurnRatePageFast').toFire({ burn: 15 }).after('2m');
    await expectAlert(slos, 'ShopAvailabilityBurnRatePageFast').toStaySilent({ burn: 14 });
    await expectAlert(slos, 'ShopAvailabilityBurnRatePageSlow').toFire({ burn: 7 }).after('15m');
  });

  it('reads latency SLIs from Go and JavaScript buckets (le="5") as well as Python ones (le="5.0")', async () => {
    for (const client of ['python', 'go', 'javascript'] as const) {
      const result = await expectAlert(slos, 'ShopLatencyBurnRatePageFast', { client }).toFire({ burn: 15 });
      expect(result.testFile).toContain(client === 'python' ? 'le="5.0"' : 'le="5"');
    }
  });

  it('fails toFire once the tier\'s factor moves past the burn, and toStaySilent once it moves below it', async () => {
    await expect(expectAlert(scaledFactor(slos, 'page-fast', 1.1), 'ShopAvailabilityBurnRatePageFast').toFire({ burn: 15 }))
      .rejects.toThrow(/ShopAvailabilityBurnRatePageFast fires with a 15x burn of the availability error budget \(1.5% bad events\): promtool test rules failed[\s\S]*got: nil/);
    await expect(expectAlert(scaledFactor(slos, 'page-fast', 0.9), 'ShopAvailabilityBurnRatePageFast').toStaySilent({ burn: 14 }))
      .rejects.toThrow(/exp:\[\], \n\s+got:\[\n\s+0:\n\s+Labels:\{alertname="ShopAvailabilityBurnRatePageFast", notify="page"/);
  });
});

describe('expectAlert input checks', () => {
  it('names the alerts there are when the name is unknown', () => {
    expect(() => expectAlert(stack, 'HarveyTypo')).toThrow(/^harvey-backend has no alert named 'HarveyTypo'; its alerts are: HarveyBackendDown, HarveyHighErrorRate, /);
  });

  it('says which value an alert takes', () => {
    expect(() => expectAlert(stack, 'HarveyHighLatency').toFire({ errors: '5%' })).toThrow("HarveyHighLatency measures p95 latency: give { p95: '<latency>' }, not errors");
    expect(() => expectAlert(stack, 'HarveyHighLatency').toFire({ p99: '5s' })).toThrow('not p99');
    expect(() => expectAlert(slos, 'ShopAvailabilityBurnRatePageFast').toFire({ errors: '5%' })).toThrow('give { burn: <burn rate> }');
  });

  it('refuses values the signal cannot take, saying what is allowed', () => {
    expect(() => expectAlert(stack, 'HarveyHighLatency').toFire({ p95: '11s' })).toThrow(
      "HarveyHighLatency: p95: '11s' is invalid; allowed: above 0 and at most 10s, the largest finite bucket of http_request_duration_seconds");
    expect(() => expectAlert(stack, 'HarveyHighLatency').toFire({ p95: '0.001s' })).toThrow('allowed: at least 0.00475s (0.95 × 0.005s)');
    expect(() => expectAlert(stack, 'HarveyHighCPU').toFire({ cpu: '120%' })).toThrow("HarveyHighCPU: cpu: '120%' is invalid; allowed: a percentage from 0% to 100%");
    expect(() => expectAlert(stack, 'HarveyJobFailures').toFire({ increase: 1.5 })).toThrow('allowed: a whole number of events');
    expect(() => expectAlert(slos, 'ShopAvailabilityBurnRatePageFast').toFire({ burn: 2000 })).toThrow('more than 100% bad events; allowed: at most 1000');
    expect(() => expectAlert(stack, 'HarveyHighLatency').toFire({ p95: '5.5s' }).after('soon' as '5m')).toThrow("after: 'soon' is invalid");
  });
});
