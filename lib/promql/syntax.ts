import { parsePromql } from './parse-tree.js';
import type { Matcher, MatchOp } from './selector.js';

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
  parsePromql(expr).iterate({
    enter(node) {
      if (node.type.isError) {
        const near = expr.slice(node.from, node.from + 12);
        errors.push({ position: node.from, message: near ? `unexpected '${near}'` : 'unexpected end of expression' });
      }
    },
  });
  return errors;
}

/** A plain vector selector taken apart: `metric{label op "value", ...}`. */
export interface ParsedVectorSelector {
  readonly metric: string;
  readonly matchers: readonly Matcher[];
}

/**
 * `text` as one plain vector selector with a metric name (`http_requests_total{job="api",status=~"5.."}`),
 * or undefined when it is anything else: a syntax error, a range (`[5m]`), `offset` / `@`, a function,
 * an operator, an aggregation or several selectors. SLIs are written this way; rates are added around them.
 */
export function parseVectorSelector(text: string): ParsedVectorSelector | undefined {
  if (typeof text !== 'string') return undefined;
  // Remembered as parse-tree.ts keeps trees: the SLO emulation reads an SLI's selectors once per scenario.
  if (selectors.has(text)) return selectors.get(text);
  const parsed = readVectorSelector(text);
  if (selectors.size >= KEPT_SELECTORS) selectors.delete(selectors.keys().next().value!);
  selectors.set(text, parsed && Object.freeze({ metric: parsed.metric, matchers: Object.freeze(parsed.matchers.map((m) => Object.freeze({ ...m }))) }));
  return selectors.get(text);
}

const KEPT_SELECTORS = 1024;
const selectors = new Map<string, ParsedVectorSelector | undefined>();

function readVectorSelector(text: string): ParsedVectorSelector | undefined {
  if (text.trim() === '' || promqlSyntaxErrors(text).length > 0) return undefined;
  const top = parsePromql(text).topNode.firstChild;
  if (!top || top.name !== 'VectorSelector' || top.nextSibling) return undefined;
  const name = top.getChild('Identifier');
  if (!name) return undefined;
  const matchers: Matcher[] = [];
  const list = top.getChild('LabelMatchers');
  for (let m = list?.firstChild ?? null; m; m = m.nextSibling) {
    if (m.name !== 'UnquotedLabelMatcher') return undefined;
    const label = m.getChild('LabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (!label || !op || !value) return undefined;
    const unquoted = unquote(text.slice(value.from, value.to));
    if (unquoted === undefined) return undefined;
    matchers.push({ label: text.slice(label.from, label.to), op: text.slice(op.from, op.to) as MatchOp, value: unquoted });
  }
  return { metric: text.slice(name.from, name.to), matchers };
}

/** A PromQL string literal's value: "double" (Go escapes), 'single' or `raw`. */
function unquote(literal: string): string | undefined {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  if (quote !== '"' && quote !== "'") return undefined;
  try {
    // Go's strconv.Unquote and JSON agree on the escapes people write in label values (\\ \" \n \t \uXXXX).
    return JSON.parse(`"${quote === "'" ? body.replace(/\\'/g, "'").replace(/"/g, '\\"') : body}"`) as string;
  } catch {
    return undefined;
  }
}
