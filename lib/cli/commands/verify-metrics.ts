import type { Command } from 'commander';
import { EXIT, UserError } from '../errors.js';
import { findProject } from '../project.js';
import { selectStacks } from '../select-services.js';
import { entryOption } from './shared.js';

interface VerifyFlags {
  readonly entry?: string;
  readonly metric?: string[];
}

/** `oac verify-metrics <service> <file|url>`: a real /metrics exposition against the service's metrics contract. */
export function verifyMetricsCommand(program: Command, exit: (code: number) => void): void {
  const command = program.command('verify-metrics')
    .description("check a /metrics exposition (file or http(s) URL) against a service's metrics contract; exit 1 on any finding")
    .argument('<service>', 'the service whose contract applies')
    .argument('<source>', 'a file holding the exposition, or the URL of a /metrics endpoint')
    .option('--metric <name...>', 'only these metrics (those one workload exports)');
  entryOption(command);
  command.action(async (name: string, source: string, flags: VerifyFlags) => {
    const [{ loadEntry }, { metricsContractFor }, { verifyMetrics }] = await Promise.all([
      import('../load-entry.js'), import('../../render/contract/metrics-contract.js'), import('../../verify/verify-metrics.js'),
    ]);
    const loaded = await loadEntry(findProject(), flags.entry);
    const [stack] = selectStacks(loaded.stacks, [name]);
    const contract = metricsContractFor(stack!, loaded.platform);
    const findings = await verifyMetrics(contract, source, flags.metric ? { metrics: flags.metric } : {}).catch((error: unknown) => {
      throw new UserError(`verify-metrics: cannot read ${source}: ${(error as Error).message}`);
    });
    if (findings.length > 0) {
      console.error(`${source} does not follow the metrics contract of ${name} (${findings.length} finding${findings.length === 1 ? '' : 's'}):`);
      for (const finding of findings) console.error(`  - ${finding.message}`);
      exit(EXIT.problems);
      return;
    }
    console.log(`${source} follows the metrics contract of ${name}.`);
    exit(EXIT.ok);
  });
}
