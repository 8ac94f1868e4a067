import type { Command } from 'commander';
import { EXIT, UserError } from '../errors.js';
import { findProject } from '../project.js';
import { selectStacks } from '../select-services.js';
import { formatTable } from '../table.js';
import { entryOption, onlyOption } from './shared.js';

interface ListFlags {
  readonly only?: string[];
  readonly entry?: string;
  readonly json?: boolean;
}

export function listCommand(program: Command, exit: (code: number) => void): void {
  const command = program.command('list')
    .description('list services, their alerts (threshold, for, severity) and SLOs (objective, error budget)')
    .option('--json', 'print JSON instead of tables');
  onlyOption(command);
  entryOption(command);
  command.action(async (flags: ListFlags) => {
    const [{ listing }, { loadEntry }] = await Promise.all([import('../listing.js'), import('../load-entry.js')]);
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
