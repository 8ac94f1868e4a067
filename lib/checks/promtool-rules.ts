import type { ValidationIssue } from '../core/issues.js';
import { checkRulesAll, PROMTOOL_INSTALL_HINT, PromtoolNotFoundError, type PromtoolPoolOptions } from '../testing/promtool.js';

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

/** Runs promtool on the files (batched, on every core, cached by content) and returns its complaints as issues, in file order. */
export async function promtoolRuleIssues(files: readonly RuleFile[], mode: PromtoolMode, options: PromtoolPoolOptions = {}): Promise<PromtoolCheckResult> {
  if (mode === 'off') return { issues: [], skipped: 'promtool check rules is turned off' };
  if (files.length === 0) return { issues: [] };
  const issues: ValidationIssue[] = [];
  try {
    // Batched, on every core, and skipped for rule files that already passed with this promtool version.
    const results = await checkRulesAll(files, options);
    results.forEach((result, i) => {
      const file = files[i]!;
      if (!result.ok) issues.push({ service: file.service, field: file.path, value: complaint(result.output), allowed: 'a rule file `promtool check rules` accepts' });
    });
  } catch (error) {
    if (!(error instanceof PromtoolNotFoundError)) throw error;
    if (mode === 'optional') return { issues: [], skipped: `promtool not found, \`promtool check rules\` skipped; ${PROMTOOL_INSTALL_HINT}` };
    return {
      issues: [{ service: '<project>', field: 'promtool', value: error.message.split(':')[0], allowed: `promtool on PATH, to run \`promtool check rules\` before writing: ${PROMTOOL_INSTALL_HINT}` }],
    };
  }
  return { issues };
}

/** promtool's error lines, without the `Checking <file>` / `FAILED:` framing. */
function complaint(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Checking ') && l !== 'FAILED:');
  return lines.join('; ') || output.trim();
}
