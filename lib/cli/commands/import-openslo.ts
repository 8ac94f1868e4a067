import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { ImportedSlo } from '../../openslo/import.js';
import { EXIT, UsageError, UserError } from '../errors.js';
import { tsLiteral } from '../ts-literal.js';

interface ImportFlags {
  readonly out?: string;
}

export function importCommand(program: Command, exit: (code: number) => void): void {
  const command = program.command('import').description('turn other formats into TypeScript to paste into a stack');
  command.command('openslo')
    .description('read OpenSLO v1 SLO documents and print the defineSlo calls (or write them with --out)')
    .argument('<file>', 'a YAML file with one or more OpenSLO `SLO` documents')
    .option('--out <file>', 'write the TypeScript to this file instead of printing it')
    .action(async (file: string, flags: ImportFlags) => {
      const { fromOpenSlo } = await import('../../openslo/import.js');
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOENT' ? new UsageError(`${file} not found`) : new UserError(`cannot read ${file}: ${error.message}`);
      });
      const { slos, problems } = fromOpenSlo(text, file);
      if (problems.length > 0) throw new UserError(`import failed; nothing was written.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      if (slos.length === 0) throw new UserError(`import failed: ${file} holds no OpenSLO SLO document`);
      const source = openSloTypeScript(slos, file);
      if (flags.out !== undefined) {
        const out = flags.out;
        await mkdir(dirname(out), { recursive: true }).then(() => writeFile(out, source, 'utf8')).catch((error: Error) => {
          throw new UserError(`import failed: cannot write ${out}: ${error.message}`);
        });
        console.error(`oac: wrote ${slos.length} SLO(s) to ${flags.out}`);
      } else {
        process.stdout.write(source);
      }
      exit(EXIT.ok);
    });
}

/**
 * A module exporting, per service named by the documents, a function from that service to its SLOs:
 * `export const paymentsApiSlos = (service: Service): Slo[] => [defineSlo(service, { ... })];`. It
 * compiles as it is, so it can be saved as a file of its own or pasted into the stack.
 */
export function openSloTypeScript(slos: readonly ImportedSlo[], source: string): string {
  const byService = new Map<string, ImportedSlo[]>();
  for (const slo of slos) byService.set(slo.service, [...(byService.get(slo.service) ?? []), slo]);
  const blocks = [...byService].map(([service, list]) => [
    `/** SLOs of ${service}: add \`slos: ${camel(service)}Slos(service)\` to its stack. */`,
    `export const ${camel(service)}Slos = (service: Service): Slo[] => [`,
    ...list.map((s) => `  defineSlo(service, ${tsLiteral(s.spec, '  ')}),`),
    '];',
  ].join('\n'));
  return [
    `// Imported from ${source} by \`oac import openslo\`.`,
    "import { defineSlo, type Service, type Slo } from 'observability-as-code';",
    '',
    blocks.join('\n\n'),
    '',
  ].join('\n');
}

function camel(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1))).join('');
  return /^[A-Za-z_]/.test(joined) ? joined : `service${joined}`;
}
