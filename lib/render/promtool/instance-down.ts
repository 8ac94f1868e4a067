import { eq } from '../../promql/selector.js';
import { exactly, type SeriesStore } from './prom-eval.js';
import { constant, piecewise } from './series.js';
import { intervalsUntil, silentCheckTimes, type ResultSample, type Scenario, type ScenarioBuilder } from './scenario.js';
import { targets } from './target-down.js';

/**
 * `up{job} == 0`, per target: one replica down for longer than `for` (a pod that never becomes ready,
 * a crash loop behind healthy siblings), named by its `instance`.
 *
 * Data: two targets; one is down, the other up. A target down for less than `for` and then back (a pod
 * in its start-up window) stays silent, and so does a job without any `up` series (that is the
 * no-healthy-target alert's case, not this one's).
 *
 * Timing: an instant selector, true from the first sample: the alert fires `for` (rounded up to the
 * evaluation interval) after t=0.
 */
export const instanceDownScenarios: ScenarioBuilder<'instanceDown'> = (signal, ctx) => {
  const { alert, holdMs, intervalMs } = ctx;
  const firesAt = holdMs;
  const checks = silentCheckTimes(ctx, firesAt);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const [first, second] = targets(signal.job, ctx);
  const evaluate = (store: SeriesStore, t: number): ResultSample[] => evaluateInstanceDown(store, t, signal.job);
  const downFor = holdMs / intervalMs - 1;

  const scenarios: Scenario[] = [
    {
      name: `${alert.name} fires when target ${first.instance} of job ${signal.job} has up 0 for ${alert.for.text} while another is up`,
      series: [constant('up', first, 0, intervals), constant('up', second, 1, intervals)],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: 0 },
    },
    {
      name: `${alert.name} stays silent while every target is up`,
      series: [constant('up', first, 1, intervals), constant('up', second, 1, intervals)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      name: `${alert.name} stays silent without any up series of job ${signal.job} (no target: the no-healthy-target alert's case)`,
      series: [constant('up', { job: `${signal.job}-other`, instance: '10.0.0.14:9100' }, 0, intervals)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
  ];
  if (downFor >= 1) {
    // Down for one evaluation less than `for` (a pod in its start-up window), then up for good.
    scenarios.splice(2, 0, {
      name: `${alert.name} stays silent when a target is down for less than ${alert.for.text} and then comes up`,
      series: [
        piecewise('up', first, 0, [{ perInterval: 0, intervals: downFor - 1 }, { perInterval: 1, intervals: 1 }, { perInterval: 0, intervals: intervals - downFor }]),
        constant('up', second, 1, intervals),
      ],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    });
  }
  return scenarios;
};

function evaluateInstanceDown(store: SeriesStore, t: number, job: string): ResultSample[] {
  const out: ResultSample[] = [];
  for (const series of store.select('up', eq('job', job))) {
    // A comparison without `bool` keeps the metric name: $labels.__name__ is "up".
    if (store.instant(series, t) === 0) out.push({ labels: { __name__: 'up', ...series.labels }, value: exactly(0) });
  }
  return out;
}
