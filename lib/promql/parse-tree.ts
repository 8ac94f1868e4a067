import { parser } from '@prometheus-io/lezer-promql';

/** lezer's syntax tree of a PromQL expression. */
export type PromqlTree = ReturnType<typeof parser.parse>;

/** How many trees are kept: more than the distinct expressions of one service's rules and panels. */
const KEPT = 1024;
const trees = new Map<string, PromqlTree>();

/**
 * The expression parsed by Prometheus's own grammar (lezer-promql), remembered: one service's rules and
 * panels are read by a dozen checks, each of which would otherwise parse the same expressions again
 * (a fifth of a service's render). lezer trees are immutable, so sharing one is safe. The oldest tree
 * goes first once {@link KEPT} are held, so memory stays bounded however many services synth renders.
 */
export function parsePromql(expr: string): PromqlTree {
  let tree = trees.get(expr);
  if (tree === undefined) {
    tree = parser.parse(expr);
    if (trees.size >= KEPT) trees.delete(trees.keys().next().value!);
    trees.set(expr, tree);
  }
  return tree;
}
