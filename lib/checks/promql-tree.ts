import { parsePromql, type PromqlTree } from '../promql/parse-tree.js';

/** lezer's node type, taken from the parser so @lezer/common need not be a direct dependency. */
type SyntaxNode = PromqlTree['topNode'];

/**
 * Reading PromQL through Prometheus's own grammar (lezer-promql): the parts of an expression the
 * checks need, found by walking the syntax tree rather than by regular expressions, so strings,
 * comments and nesting cannot fool them. Expressions with syntax errors are still walked (the parser
 * recovers); the syntax check reports those errors separately.
 */

export interface LabelMatcherRef {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}

export interface VectorSelectorRef {
  /** The metric name, from the identifier or a `__name__="..."` matcher; absent for `{__name__=~"..."}`. */
  readonly metric?: string;
  readonly matchers: readonly LabelMatcherRef[];
  /** The selector as written. */
  readonly text: string;
}

/** As parse-tree.ts keeps trees: the contract, the metric-name and the panel checks read the same expressions' selectors. */
const KEPT_SELECTORS = 1024;
const selectorsByExpr = new Map<string, readonly VectorSelectorRef[]>();

export function vectorSelectors(expr: string): VectorSelectorRef[] {
  let found = selectorsByExpr.get(expr);
  if (found === undefined) {
    found = findVectorSelectors(expr);
    if (selectorsByExpr.size >= KEPT_SELECTORS) selectorsByExpr.delete(selectorsByExpr.keys().next().value!);
    selectorsByExpr.set(expr, found);
  }
  // A fresh array each time (the refs themselves are read-only).
  return [...found];
}

function findVectorSelectors(expr: string): VectorSelectorRef[] {
  const found: VectorSelectorRef[] = [];
  walk(expr, 'VectorSelector', (node) => {
    const matchers: LabelMatcherRef[] = [];
    for (const matcher of childrenNamed(node.getChild('LabelMatchers'), ['UnquotedLabelMatcher', 'QuotedLabelMatcher'])) {
      const nameNode = matcher.getChild('LabelName') ?? matcher.getChild('QuotedLabelName')?.getChild('StringLiteral');
      const valueNode = matcher.getChildren('StringLiteral').filter((n) => n.from !== nameNode?.from).at(-1);
      const opNode = matcher.getChild('MatchOp');
      if (!nameNode) continue;
      const label = nameNode.name === 'StringLiteral' ? unquote(text(expr, nameNode)) : text(expr, nameNode);
      matchers.push({ label, op: opNode ? text(expr, opNode) : '', value: valueNode ? unquote(text(expr, valueNode)) : '' });
    }
    const identifier = node.getChild('Identifier') ?? node.getChild('MetricName');
    const byName = matchers.find((m) => m.label === '__name__' && m.op === '=');
    const metric = identifier ? text(expr, identifier) : byName?.value;
    found.push({ ...(metric !== undefined && { metric }), matchers, text: text(expr, node) });
  });
  return found;
}

export interface RangeCallRef {
  /** Function name, e.g. `rate`. */
  readonly fn: string;
  /** The range as written, e.g. `5m`. */
  readonly window: string;
  /** The call as written, e.g. `rate(http_requests_total{job="api"}[5m])`. */
  readonly text: string;
}

/** Calls of the given functions whose argument is a range selector (`fn(selector[window])`). */
export function rangeFunctionCalls(expr: string, functions: ReadonlySet<string>): RangeCallRef[] {
  const found: RangeCallRef[] = [];
  walk(expr, 'FunctionCall', (node) => {
    const fn = node.getChild('FunctionIdentifier');
    if (!fn || !functions.has(text(expr, fn))) return;
    const matrix = node.getChild('FunctionCallBody')?.getChild('MatrixSelector');
    const duration = matrix?.getChild('DurationExpr');
    if (!matrix || !duration) return;
    found.push({ fn: text(expr, fn), window: text(expr, duration), text: text(expr, node) });
  });
  return found;
}

export interface AggregationRef {
  /** e.g. `sum`. */
  readonly op: string;
  /** Whether a `by (...)` or `without (...)` clause is present. */
  readonly grouped: boolean;
  readonly text: string;
}

export function aggregations(expr: string): AggregationRef[] {
  const found: AggregationRef[] = [];
  walk(expr, 'AggregateExpr', (node) => {
    const op = node.getChild('AggregateOp');
    found.push({ op: op ? text(expr, op) : '', grouped: node.getChild('AggregateModifier') !== null, text: text(expr, node) });
  });
  return found;
}

/** Visits the nodes of one type, in tree order; the others are passed over without building a node object for each. */
function walk(expr: string, name: string, visit: (node: SyntaxNode) => void): void {
  parsePromql(expr).iterate({ enter: (ref) => void (ref.name === name && visit(ref.node)) });
}

function childrenNamed(node: SyntaxNode | null, names: readonly string[]): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node?.firstChild ?? null; child; child = child.nextSibling) {
    if (names.includes(child.name)) children.push(child);
  }
  return children;
}

function text(expr: string, node: SyntaxNode): string {
  return expr.slice(node.from, node.to);
}

/** The value of a PromQL string literal: "..." (Go escapes), '...' or `...` (raw). */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c);
}
