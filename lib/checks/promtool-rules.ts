import type { ValidationIssue } from '../core/issues.js';
import { checkRules, PROMTOOL_INSTALL_HINT, PromtoolNotFoundError, type PromtoolOptions } from '../testing/promtool.js';

/**
 * `promtool check rules` on every rendered rule file, before anything is written: it knows what the
 * grammar check cannot (types of operands, function arities, label names Prometheus reserves).
 *
 * promtool is a Go binary outside npm, and this package is installed into other repositories that may
 * not have it, so by default a missing promtool is a clearly logged skip (`optional`); `required` (the
 * tests, `npm run synth -- --require-promtool`, CI) turns it into a validation error with the install
 * command. `off` never runs it.
 */
export type PromtoolMode = 'required' | 'optional' | 'off';

export interface RuleFile {
  readonly service: string;
  /** Path relative to `dist/<service>/`, e.g. `prometheus-rules.yaml`. */
  readonly path: string;
  readonly content: string;
}

export interface PromtoolCheckResult {
  readonly issues: ValidationIssue[];
  /** Set when promtool was not run: why, for the log. */
  readonly skipped?: string;
}

/** Runs promtool on the files (a few at a time) and returns its complaints as issues. */
export async function promtoolRuleIssues(files: readonly RuleFile[], mode: PromtoolMode, options: PromtoolOptions = {}): Promise<PromtoolCheckResult> {
  if (mode === 'off') return { issues: [], skipped: 'promtool check rules is turned off' };
  if (files.length === 0) return { issues: [] };
  const issues: ValidationIssue[] = [];
  const queue = [...files];
  try {
    await Promise.all(Array.from({ length: Math.min(4, queue.length) }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const result = await checkRules({ [file.path]: file.content }, file.path, options);
        if (!result.ok) issues.push({ service: file.service, field: file.path, value: complaint(result.output), allowed: 'a rule file `promtool check rules` accepts' });
      }
    }));
  } catch (error) {
    if (!(error instanceof PromtoolNotFoundError)) throw error;
    if (mode === 'optional') return { issues: [], skipped: `promtool not found, \`promtool check rules\` skipped; ${PROMTOOL_INSTALL_HINT}` };
    return {
      issues: [{ service: '<project>', field: 'promtool', value: error.message.split(':')[0], allowed: `promtool on PATH, to run \`promtool check rules\` before writing: ${PROMTOOL_INSTALL_HINT}` }],
    };
  }
  // Concurrency must not change the order of the report.
  const order = new Map(files.map((f, i) => [`${f.service}/${f.path}`, i]));
  issues.sort((a, b) => order.get(`${a.service}/${a.field}`)! - order.get(`${b.service}/${b.field}`)!);
  return { issues };
}

/** promtool's error lines, without the `Checking <file>` / `FAILED:` framing. */
function complaint(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Checking ') && l !== 'FAILED:');
  return lines.join('; ') || output.trim();
}
