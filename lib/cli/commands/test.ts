import type { Command } from 'commander';
import { formatIssues } from '../../core/issues.js';
import { PromtoolNotFoundError } from '../../testing/promtool.js';
import { EXIT, UserError } from '../errors.js';
import { findProject } from '../project.js';
import { selectStacks } from '../select-services.js';
import { entryOption, onlyOption, progress } from './shared.js';

interface TestFlags {
  readonly only?: string[];
  readonly entry?: string;
}

export function testCommand(program: Command, exit: (code: number) => void): void {
  const command = program.command('test')
    .description('run the generated promtool tests of every service (`promtool test rules`), a line per service');
  onlyOption(command);
  entryOption(command);
  command.action(async (flags: TestFlags) => {
    const [{ validateStacks }, { loadEntry }, { runServiceTests, serviceTestFiles }, { RULE_FILE, RULE_TEST_FILE }] = await Promise.all([
      import('../../synth/cli.js'), import('../load-entry.js'), import('../service-tests.js'), import('../../synth/service-artifacts.js'),
    ]);
    const project = findProject();
    const loaded = await loadEntry(project, flags.entry).catch((error: unknown) => {
      throw error instanceof UserError ? new UserError(`test failed.\n${error.message}`) : error;
    });
    const stacks = selectStacks(loaded.stacks, flags.only);
    // Tests are only generated for valid services; promtool check rules is part of `promtool test rules`.
    const promtoolFiles = (path: string): boolean => path.endsWith(`/${RULE_FILE}`) || path.endsWith(`/${RULE_TEST_FILE}`);
    const { files, issues } = await validateStacks(stacks, loaded.platform, { promtool: 'off', root: project.root, progress, keep: promtoolFiles });
    if (issues.length > 0) {
      console.error(`test failed: the services have problems, fix them first.\n${formatIssues(issues)}`);
      exit(EXIT.problems);
      return;
    }
    const suites = serviceTestFiles(files, stacks);
    progress(`promtool test rules for ${suites.length} service(s)`);
    let results;
    try {
      results = await runServiceTests(suites, (r) => {
        const counts = `${r.groups} test group${r.groups === 1 ? '' : 's'}, ${r.assertions} assertion${r.assertions === 1 ? '' : 's'}`;
        const how = r.source.kind === 'cache' ? ' (from the cache)' : r.source.kind === 'renaming' ? ` (a renaming of ${r.source.service}, proven once)` : '';
        if (r.result.ok) console.log(`  ${r.service}: ${counts} passed${how === '' ? ` in ${r.seconds.toFixed(1)}s` : how}`);
        else console.log(`  ${r.service}: FAILED (${counts}) in ${r.seconds.toFixed(1)}s\n${r.result.output.trimEnd().replace(/^/gm, '    ')}`);
      });
    } catch (error) {
      if (error instanceof PromtoolNotFoundError) throw new UserError(`test failed: ${error.message}`);
      throw error;
    }
    const failed = results.filter((r) => !r.result.ok).length;
    const by = (kind: string): number => results.filter((r) => r.result.ok && r.source.kind === kind).length;
    console.log(`${results.length - failed} of ${results.length} service(s) passed: ${by('promtool')} proven by promtool, ${by('cache')} from the cache, ${by('renaming')} as renamings of a proven service`);
    exit(failed > 0 ? EXIT.problems : EXIT.ok);
  });
}
