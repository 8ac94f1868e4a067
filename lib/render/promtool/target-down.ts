import { eq } from '../../promql/selector.js';
import { exactly, type SeriesStore } from './prom-eval.js';
import { constant } from './series.js';
import { intervalsUntil, silentCheckTimes, type ResultSample, type ScenarioBuilder } from './scenario.js';

/**
 * `up{job} == 0 or absent(up{job})`.
 *
 * Timing: both branches are instant selectors, true from the very first sample, so the condition holds
 * at t=0 and the alert fires at the first evaluation at least `for` later (t = `for` rounded up to the
 * evaluation interval); at the evaluation before it the alert is still pending.
 */
export const targetDownScenarios: ScenarioBuilder<'targetDown'> = (signal, ctx) => {
  const { alert, intervalMs, holdMs } = ctx;
  const firesAt = holdMs;
  const checks = silentCheckTimes(ctx, firesAt);
  const intervals = intervalsUntil(checks[checks.length - 1]!, intervalMs);
  const port = ctx.stack.service.workloads.find((w) => w.job === signal.job)?.port ?? 80;
  const target = { job: signal.job, instance: `10.0.0.12:${port}` };

  const evaluate = (store: SeriesStore, t: number): ResultSample[] => evaluateUp(store, t, signal.job);

  return [
    {
      name: `${alert.name} fires when up is 0 for ${alert.for.text}`,
      series: [constant('up', target, 0, intervals)],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: 0 },
    },
    {
      name: `${alert.name} stays silent while up is 1`,
      series: [constant('up', target, 1, intervals)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      // SERVICES.md: a missing target counts as down. Another job's target is up, to show it does not count.
      name: `${alert.name} fires when the up series of job ${signal.job} is missing for ${alert.for.text}`,
      series: [constant('up', { job: `${signal.job}-other`, instance: '10.0.0.13:9100' }, 1, intervals)],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: 0 },
    },
  ];
};

function evaluateUp(store: SeriesStore, t: number, job: string): ResultSample[] {
  const out: ResultSample[] = [];
  let present = false;
  for (const series of store.select('up', eq('job', job))) {
    const v = store.instant(series, t);
    if (v === undefined) continue;
    present = true;
    // A comparison without `bool` keeps the metric name: $labels.__name__ is "up".
    if (v === 0) out.push({ labels: { __name__: 'up', ...series.labels }, value: exactly(v) });
  }
  // absent() takes its labels from the selector's equality matchers.
  if (!present) out.push({ labels: { job }, value: exactly(1) });
  return out;
}
