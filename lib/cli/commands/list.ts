import type { Command } from 'commander';
import { threshold } from '../../promql/signals.js';
import { outageAllowed } from '../../render/runbook/slo-runbook.js';
import { errorBudget } from '../../slo/define-slo.js';
import { humanDuration, percent } from '../../slo/rules.js';
import type { ServiceStack } from '../../core/stack.js';
import { EXIT, UserError } from '../errors.js';
import { loadEntry } from '../load-entry.js';
import { findProject } from '../project.js';
import { selectStacks } from '../select-services.js';
import { formatTable } from '../table.js';
import { entryOption, onlyOption } from './shared.js';

interface ListFlags {
  readonly only?: string[];
  readonly entry?: string;
  readonly json?: boolean;
}

/** What `oac list --json` prints: one entry per service. */
export interface ServiceListing {
  readonly name: string;
  readonly title: string;
  readonly team: string;
  readonly namespace: string;
  readonly workloads: readonly string[];
  readonly alerts: readonly { name: string; threshold: string; for: string; severity: string; sev: string }[];
  readonly slos: readonly { name: string; objective: string; period: string; errorBudget: string; fullOutageAllowed: string }[];
  readonly dashboards: readonly string[];
}

export function listing(stack: ServiceStack): ServiceListing {
  const { service } = stack;
  return {
    name: service.name, title: service.title, team: service.team, namespace: service.namespace,
    workloads: service.workloads.map((w) => w.name),
    alerts: stack.alerts.map((a) => {
      const t = threshold(a.signal);
      return { name: a.name, threshold: `${t.comparator} ${t.display}`, for: a.for.text, severity: a.level.severity, sev: a.level.sev };
    }),
    slos: (stack.slos ?? []).map((slo) => ({
      name: slo.name, objective: String(slo.objective), period: humanDuration(slo.period),
      errorBudget: percent(errorBudget(slo)), fullOutageAllowed: humanDuration(outageAllowed(slo)),
    })),
    dashboards: stack.dashboards.map((d) => d.uid),
  };
}

export function listCommand(program: Command, exit: (code: number) => void): void {
  const command = program.command('list')
    .description('list services, their alerts (threshold, for, severity) and SLOs (objective, error budget)')
    .option('--json', 'print JSON instead of tables');
  onlyOption(command);
  entryOption(command);
  command.action(async (flags: ListFlags) => {
    const project = findProject();
    const loaded = await loadEntry(project, flags.entry).catch((error: unknown) => {
      throw error instanceof UserError ? new UserError(`list failed.\n${error.message}`) : error;
    });
    const services = selectStacks(loaded.stacks, flags.only).map(listing);
    if (flags.json === true) {
      console.log(JSON.stringify({ services }, null, 2));
      exit(EXIT.ok);
      return;
    }
    console.log(formatTable(['service', 'title', 'team', 'workloads', 'alerts', 'slos', 'dashboards'],
      services.map((s) => [s.name, s.title, s.team, s.workloads.join(', '), String(s.alerts.length), String(s.slos.length), String(s.dashboards.length)])));
    console.log('');
    console.log(formatTable(['service', 'alert', 'threshold', 'for', 'severity', 'sev'],
      services.flatMap((s) => s.alerts.map((a) => [s.name, a.name, a.threshold, a.for, a.severity, a.sev]))));
    const slos = services.flatMap((s) => s.slos.map((o) => [s.name, o.name, o.objective, o.period, o.errorBudget, o.fullOutageAllowed]));
    if (slos.length > 0) {
      console.log('');
      console.log(formatTable(['service', 'slo', 'objective', 'period', 'error budget', 'full outage allowed'], slos));
    }
    exit(EXIT.ok);
  });
}
