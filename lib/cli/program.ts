import { Command, CommanderError } from 'commander';
import { importCommand } from './commands/import-openslo.js';
import { listCommand } from './commands/list.js';
import { synthCommand } from './commands/synth.js';
import { testCommand } from './commands/test.js';
import { validateCommand } from './commands/validate.js';
import { verifyMetricsCommand } from './commands/verify-metrics.js';
import { EXIT, reportInternalError, UsageError, UserError } from './errors.js';
import { packageVersion } from './package-version.js';

/**
 * `oac <command>`: parses `argv` (without node and the script), runs the command and returns the exit
 * code: 0 ok, 1 problems found, 2 usage error, 3 internal error. Never throws and never prints a stack
 * trace: user errors print their message, internal errors one line and the file holding the trace.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const exit = (c: number): void => {
    code = c;
  };
  const program = new Command('oac')
    .description('observability as code: synthesize Prometheus rules, promtool tests, dashboards, Kubernetes objects, Helm values and runbooks from TypeScript')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', '\nExit codes: 0 ok, 1 problems found, 2 usage error, 3 internal error (trace in a file).')
    .exitOverride();
  synthCommand(program, exit);
  validateCommand(program, exit);
  testCommand(program, exit);
  listCommand(program, exit);
  importCommand(program, exit);
  verifyMetricsCommand(program, exit);
  // Sub-commands inherit exitOverride only when set on each.
  for (const command of program.commands) {
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    for (const sub of command.commands) sub.exitOverride().showHelpAfterError('(run with --help for usage)');
  }
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are printed by commander and exit 0; everything else it reports is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.usage; // `oac import` without its sub-command
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      console.error(`oac: ${error.message}\n(run with --help for usage)`);
      return EXIT.usage;
    }
    if (error instanceof UserError) {
      console.error(error.message);
      return EXIT.problems;
    }
    return reportInternalError(error);
  }
}
