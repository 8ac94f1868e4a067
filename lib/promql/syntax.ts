import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlSyntaxError {
  /** 0-based character offset into the expression. */
  readonly position: number;
  readonly message: string;
}

/**
 * Syntax errors found by Prometheus's own PromQL grammar (the one the Prometheus UI uses). Grammar only:
 * unknown functions and type errors surface later, in `promtool check rules`.
 */
export function promqlSyntaxErrors(expr: string): PromqlSyntaxError[] {
  const errors: PromqlSyntaxError[] = [];
  if (expr.trim() === '') return [{ position: 0, message: 'empty expression' }];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) {
        const near = expr.slice(node.from, node.from + 12);
        errors.push({ position: node.from, message: near ? `unexpected '${near}'` : 'unexpected end of expression' });
      }
    },
  });
  return errors;
}
