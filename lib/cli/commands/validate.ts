import type { Command } from 'commander';
import { formatIssues } from '../../core/issues.js';
import { EXIT, UserError } from '../errors.js';
import { findProject } from '../project.js';
import { checkOnly } from '../select-services.js';
import { entryOption, onlyOption, progress, promtoolMode, type PromtoolFlags } from './shared.js';

interface ValidateFlags extends PromtoolFlags {
  readonly only?: string[];
  readonly entry?: string;
}

export function validateCommand(program: Command, exit: (code: number) => void): void {
  const command = program.command('validate')
    .description('run every check synth runs (model, platform, renderers, checks, promtool check rules); write nothing')
    .option('--require-promtool', 'fail when promtool is missing instead of skipping `promtool check rules`')
    .option('--no-promtool', 'never run `promtool check rules`');
  onlyOption(command);
  entryOption(command);
  command.action(async (flags: ValidateFlags) => {
    const [{ validateStacks }, { loadEntry }] = await Promise.all([import('../../synth/cli.js'), import('../load-entry.js')]);
    const project = findProject();
    const mode = promtoolMode(flags);
    const loaded = await loadEntry(project, flags.entry).catch((error: unknown) => {
      throw error instanceof UserError ? new UserError(`validate failed; nothing was written.\n${error.message}`) : error;
    });
    checkOnly(loaded.names, flags.only);
    // Every stack with `only` and the entry: services render on every core, each worker importing the entry.
    const { files, issues } = await validateStacks(loaded.source, loaded.platform, {
      promtool: mode, promtoolCache: false, root: project.root, progress, entry: loaded.file,
      ...(flags.only !== undefined && { only: flags.only }), ...(project.config.command !== undefined && { command: project.config.command }),
    });
    if (issues.length > 0) {
      console.error(`validate failed; nothing was written.\n${formatIssues(issues)}`);
      exit(EXIT.problems);
      return;
    }
    console.log(`${loaded.names.filter((n) => flags.only?.includes(n) ?? true).length} service(s) valid (${files.size} files would be written); nothing was written.`);
    exit(EXIT.ok);
  });
}
