import type { Command } from 'commander';
import { UsageError, UserError } from '../errors.js';
import { DEFAULT_OUT, findProject } from '../project.js';
import { checkOnly } from '../select-services.js';
import { entryOption, onlyOption, progress, promtoolMode, type PromtoolFlags } from './shared.js';

interface SynthFlags extends PromtoolFlags {
  readonly out?: string;
  readonly check?: boolean;
  readonly only?: string[];
  readonly entry?: string;
  readonly keepForeign?: boolean;
  readonly adopt?: boolean;
  readonly jobs?: number;
}

export function synthCommand(program: Command, exit: (code: number) => void): void {
  const command = program.command('synth')
    .description('render every service and write the output folder (or, with --check, report drift)')
    .option('--out <dir>', `output folder (default: package.json "oac.out", else ${DEFAULT_OUT})`)
    .option('--check', 'write nothing; exit 1 listing the files when the output folder is stale')
    .option('--require-promtool', 'fail when promtool is missing instead of skipping `promtool check rules`')
    .option('--no-promtool', 'never run `promtool check rules`')
    .option('--keep-foreign', 'keep files in the output folder that synth did not write, instead of stopping')
    .option('--adopt', 'take every file of an output folder without manifest as synth\'s')
    .option('--jobs <n>', 'worker threads rendering services (default: every core)', jobsOption);
  onlyOption(command);
  entryOption(command);
  command.action(async (flags: SynthFlags) => {
    // Loaded here, not at the top, so `--help` does not load the whole engine.
    const [{ runSynth }, { loadEntry }] = await Promise.all([import('../../synth/cli.js'), import('../load-entry.js')]);
    const project = findProject();
    const outDir = flags.out ?? project.config.out ?? DEFAULT_OUT;
    const mode = promtoolMode(flags);
    let loaded;
    try {
      loaded = await loadEntry(project, flags.entry);
    } catch (error) {
      if (error instanceof UserError) throw new UserError(`synth failed; ${outDir}/ left unchanged.\n${error.message}`);
      throw error;
    }
    checkOnly(loaded.names, flags.only); // an unknown --only name is a usage error
    // Every stack, with `only`: the platform-wide Alertmanager configuration is rendered from all of them.
    exit(await runSynth(loaded.source, loaded.platform, {
      check: flags.check === true, outDir, promtool: mode, root: project.root, progress, entry: loaded.file,
      ...(flags.jobs !== undefined && { jobs: flags.jobs }), ...(loaded.codeKey !== undefined && { codeKey: loaded.codeKey }),
      ...(project.config.command !== undefined && { command: project.config.command }),
      ...(flags.only !== undefined && { only: flags.only }),
      ...(flags.keepForeign === true && { keepForeign: true }),
      ...(flags.adopt === true && { adopt: true }),
    }));
  });
}

function jobsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs: '${value}' is not a whole number of threads (1 or more)`);
  return n;
}
