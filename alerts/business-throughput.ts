import type { AlertSpec, RunbookEntry } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import type { DurationText } from '../lib/core/units.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';

export interface LowThroughputOptions extends CommonAlertOptions {
  readonly name: string;
  readonly workload: string;
  /** A counter of business events in the service's metric catalog, e.g. `documents_generated_total`. */
  readonly metric: string;
  /** Fires when fewer events than this were produced per hour (averaged over `window`). */
  readonly minPerHour: number;
  /** @default '1h' */
  readonly window?: DurationText;
  /** What one event is, for texts: e.g. 'documents generated'. */
  readonly what: string;
  readonly runbook: RunbookEntry;
}

/** A business counter that stalls while the API keeps receiving requests. */
export function lowThroughputAlert(service: Service, options: LowThroughputOptions): AlertSpec {
  const { issues } = service;
  const name = alertName(service, options.name, 'LowThroughput');
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  const metric = service.metrics.find(options.metric);
  issues.check(metric?.type === 'counter', `alerts.${name}.metric`, options.metric, "a counter in the service's metric catalog");
  const minPerHour = issues.positiveNumber(`alerts.${name}.minPerHour`, options.minPerHour);
  const what = issues.nonEmpty(`alerts.${name}.what`, options.what);
  return buildAlert(service, options, {
    name,
    group: 'business',
    signal: {
      kind: 'lowThroughput', metric: options.metric, job: workload.job, minPerHour,
      window: issues.duration(`alerts.${name}.window`, options.window ?? '1h'),
    },
    summary: `${service.title}: fewer than ${minPerHour} ${what} per hour`,
    description: `${service.title} produced {{ printf "%.2f" $value }} ${what} per hour while receiving requests (minimum ${minPerHour}/h).`,
    runbook: options.runbook,
  });
}
