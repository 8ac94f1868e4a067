import { Option, type Command } from 'commander';
import type { PromtoolMode } from '../../checks/promtool-rules.js';
import { UsageError } from '../errors.js';

export interface PromtoolFlags {
  readonly requirePromtool?: boolean;
  /** false with --no-promtool (commander's negatable option). */
  readonly promtool?: boolean;
}

export function entryOption(command: Command): Command {
  return command.option('--entry <file>', 'the file exporting `stacks` and `platform` (default: package.json "oac.entry", else stacks/index.ts)');
}

export function onlyOption(command: Command): Command {
  return command.addOption(new Option('--only <service...>', 'only these services (others are left as they are)'));
}

export function promtoolMode(flags: PromtoolFlags): PromtoolMode {
  if (flags.requirePromtool === true && flags.promtool === false) throw new UsageError('--require-promtool and --no-promtool exclude each other');
  if (flags.requirePromtool === true) return 'required';
  return flags.promtool === false ? 'off' : 'optional';
}

/** Progress of long steps, on stderr so stdout stays the result. */
export function progress(message: string): void {
  console.error(`oac: ${message}...`);
}
