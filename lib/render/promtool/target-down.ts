import { eq } from '../../promql/selector.js';
import { exactly, type SeriesStore } from './prom-eval.js';
import { constant } from './series.js';
import { intervalsUntil, silentCheckTimes, type ResultSample, type ScenarioBuilder, type ScenarioContext } from './scenario.js';

/**
 * `max by (job) (up{job}) == 0 or absent(up{job})`: no healthy target.
 *
 * Data: two targets of the job (two replicas), so "one of them down" is a case of its own and must stay
 * silent (a pod not ready yet, one missed scrape); both down, or no `up` series at all, fire.
 *
 * Timing: both branches are instant selectors, true from the very first sample, so the condition holds
 * at t=0 and the alert fires at the first evaluation at least `for` later (t = `for` rounded up to the
 * evaluation interval); at the evaluation before it the alert is still pending.
 */
export const targetDownScenarios: ScenarioBuilder<'targetDown'> = (signal, ctx) => {
  const { alert, holdMs } = ctx;
  const firesAt = holdMs;
  const checks = silentCheckTimes(ctx, firesAt);
  const intervals = intervalsUntil(checks[checks.length - 1]!, ctx.intervalMs);
  const [first, second] = targets(signal.job, ctx);
  const evaluate = (store: SeriesStore, t: number): ResultSample[] => evaluateNoHealthyTarget(store, t, signal.job);

  return [
    {
      name: `${alert.name} fires when every target has up 0 for ${alert.for.text}`,
      series: [constant('up', first, 0, intervals), constant('up', second, 0, intervals)],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: 0 },
    },
    {
      name: `${alert.name} stays silent while up is 1`,
      series: [constant('up', first, 1, intervals), constant('up', second, 1, intervals)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      // One replica down (not ready yet, a missed scrape) while another serves: not an outage.
      name: `${alert.name} stays silent while one of two targets is down and the other is up`,
      series: [constant('up', first, 0, intervals), constant('up', second, 1, intervals)],
      evaluate,
      expectation: { kind: 'silent', checkAt: checks },
    },
    {
      // A missing target counts as down. Another job's target is up, to show it does not count.
      name: `${alert.name} fires when the up series of job ${signal.job} is missing for ${alert.for.text}`,
      series: [constant('up', { job: `${signal.job}-other`, instance: '10.0.0.13:9100' }, 1, intervals)],
      evaluate,
      expectation: { kind: 'fires', conditionTrueAt: 0 },
    },
  ];
};

/** Two scrape targets of the job, on the workload's port when the job is a workload's. */
export function targets(job: string, ctx: ScenarioContext): [{ job: string; instance: string }, { job: string; instance: string }] {
  const port = ctx.stack.service.workloads.find((w) => w.job === job)?.port ?? 80;
  return [{ job, instance: `10.0.0.12:${port}` }, { job, instance: `10.0.0.13:${port}` }];
}

function evaluateNoHealthyTarget(store: SeriesStore, t: number, job: string): ResultSample[] {
  const values = store.select('up', eq('job', job)).map((s) => store.instant(s, t)).filter((v): v is number => v !== undefined);
  // absent() takes its labels from the selector's equality matchers; `max by (job)` keeps job.
  if (values.length === 0) return [{ labels: { job }, value: exactly(1) }];
  const max = Math.max(...values);
  return max === 0 ? [{ labels: { job }, value: exactly(0) }] : [];
}
