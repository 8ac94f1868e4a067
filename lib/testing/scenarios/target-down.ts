import type { TargetDownSignal } from '../../core/alert.js';
import { constant } from '../../render/promtool/series.js';
import { show } from '../alert-values.js';
import type { ValueContext, ValueScenario } from './value-scenario.js';

/** `up` of the job's target at 0 or 1, or no `up` series for the job at all (another job's target is up). */
export function targetDownValue(signal: TargetDownSignal, ctx: ValueContext, up: unknown): ValueScenario {
  if (up !== 0 && up !== 1 && up !== 'absent') {
    throw new Error(`${ctx.alert.name}: up: ${show(up)} is invalid; allowed: 0, 1 or 'absent'`);
  }
  const port = ctx.stack.service.workloads.find((w) => w.job === signal.job)?.port ?? 80;
  return {
    description: up === 'absent' ? `no up series for job ${signal.job}` : `up = ${up}`,
    readyAt: 0,
    windowMs: 0,
    series: (intervals) => up === 'absent'
      ? [constant('up', { job: `${signal.job}-other`, instance: '10.0.0.13:9100' }, 1, intervals)]
      : [constant('up', { job: signal.job, instance: `10.0.0.12:${port}` }, up, intervals)],
  };
}
