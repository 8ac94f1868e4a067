import type { LabelMatcher, SeriesSelector } from '../../core/alert.js';
import { renderSelector } from '../../promql/selector.js';
import { matchesAll } from './prom-eval.js';
import type { Labels } from './series.js';

/**
 * Label values for test series that a signal's own selectors (`SeriesSelector`, kept as data) must or
 * must not select: `job="x"` takes "x", `status=~"401|403"` takes "401", `status=~"5.."` takes "500",
 * `status!~"2.."` takes "500", and a series the numerator must leave out takes "200". Every value is
 * checked against the matchers with the same anchored matching as the emulation (prom-eval.ts), so a
 * value is never merely hoped to match.
 */

/** Values tried for labels the matchers constrain only negatively, or not at all. */
const DIGIT_VALUES = ['200', '500', '404', '0', '1'];
const WORD_VALUES = ['default', 'other', 'example', 'x', '0'];

/** Every candidate value of `label`, simplest first, satisfying all of `must` and, when given, failing at least one of `mustFail`. */
export function labelValues(label: string, must: readonly LabelMatcher[], mustFail: readonly LabelMatcher[] = []): string[] {
  const mine = must.filter((m) => m.label === label);
  const theirs = mustFail.filter((m) => m.label === label);
  const all = [...mine, ...theirs];
  const examples = (ms: readonly LabelMatcher[], ops: readonly LabelMatcher['op'][]): string[] =>
    ms.filter((m) => ops.includes(m.op)).flatMap((m) => (m.op === '=' || m.op === '!=' ? [m.value] : regexExamples(m.value)));
  const positive = examples(all, ['=', '=~']);
  const negative = examples(all, ['!=', '!~']);
  const numeric = [...positive, ...negative].some((v) => /^\d/.test(v));
  const pool = [...positive, ...(numeric ? DIGIT_VALUES : WORD_VALUES), ...(numeric ? WORD_VALUES : DIGIT_VALUES), ...negative, ''];
  const ok = (value: string): boolean => {
    const labels = value === '' ? {} : { [label]: value };
    if (!safeMatchesAll(labels, mine)) return false;
    return theirs.length === 0 || !safeMatchesAll(labels, theirs);
  };
  return [...new Set(pool)].filter(ok);
}

/**
 * Labels for one series that `selector` selects (and, with `alsoSelectedBy`, those selectors too): one
 * value per label the matchers mention, nothing else. Undefined when no constructed value satisfies them.
 */
export function labelsSelectedBy(selector: SeriesSelector, ...alsoSelectedBy: readonly SeriesSelector[]): Labels | undefined {
  const matchers = [selector, ...alsoSelectedBy].flatMap((s) => s.matchers);
  const labels: Record<string, string> = {};
  for (const label of new Set(matchers.map((m) => m.label))) {
    const value = labelValues(label, matchers)[0];
    if (value === undefined) return undefined;
    if (value !== '') labels[label] = value;
  }
  return safeMatchesAll(labels, matchers) ? labels : undefined;
}

/** As {@link labelsSelectedBy}, but throws an error naming the alert and the selector. */
export function requireLabelsSelectedBy(alertName: string, selector: SeriesSelector): Labels {
  const labels = labelsSelectedBy(selector);
  if (labels) return labels;
  const label = selector.matchers.find((m) => labelValues(m.label, selector.matchers).length === 0)?.label;
  throw new Error(`${alertName}: cannot build test series for ${renderSelector(selector)}: ` +
    `no label value${label === undefined ? '' : ` of ${label}`} satisfies all of its matchers that the test data could use`);
}

/**
 * `labels` with one label changed so that `selected` still selects the series and `excluded` does not
 * (e.g. status="401" → status="200": still a request, no longer a 401/403). Tries the labels `excluded`
 * mentions in order; undefined when none can be changed that way.
 */
export function labelsExcludedBy(labels: Labels, selected: readonly LabelMatcher[], excluded: readonly LabelMatcher[]): Labels | undefined {
  for (const label of new Set(excluded.map((m) => m.label))) {
    for (const value of labelValues(label, selected, excluded)) {
      const changed = withLabel(labels, label, value);
      if (safeMatchesAll(changed, selected) && !safeMatchesAll(changed, excluded)) return changed;
    }
  }
  return undefined;
}

/**
 * The same series from another job (`job="x"` → `job="x-other"`), which none of `selectors` may select;
 * undefined when the series has no job label or another job's series would still be selected.
 */
export function otherJobLabels(labels: Labels, selectors: readonly SeriesSelector[]): Labels | undefined {
  const job = labels.job;
  if (job === undefined) return undefined;
  const other = withLabel(labels, 'job', `${job}-other`);
  return selectors.some((s) => safeMatchesAll(other, s.matchers)) ? undefined : other;
}

function withLabel(labels: Labels, label: string, value: string): Labels {
  const out: Record<string, string> = { ...labels };
  if (value === '') delete out[label];
  else out[label] = value;
  return out;
}

/** An unparsable regex (JavaScript lacks some RE2 syntax, e.g. `(?i)`) selects nothing we can construct. */
function safeMatchesAll(labels: Labels, matchers: readonly LabelMatcher[]): boolean {
  try {
    return matchesAll(labels, matchers);
  } catch {
    return false;
  }
}

type Node =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'class'; readonly source: string }
  | { readonly kind: 'group'; readonly alternatives: readonly Node[][] }
  | { readonly kind: 'repeat'; readonly node: Node; readonly min: number; readonly max: number };

/** Characters tried for `.`, `\d`, `[a-z]` and other classes, in this order. */
const CLASS_CANDIDATES = ['0', 'x', 'a', '1', '5', 'A', '_', '-', '.', '/', ' '];

/**
 * A few strings that the PromQL regex `pattern` (fully anchored) may match: one per top-level
 * alternative, with `.` and classes as their simplest member and optional parts left out or kept once.
 * They are candidates only; callers check them with real anchored matching.
 */
export function regexExamples(pattern: string): string[] {
  let alternatives: Node[][];
  try {
    alternatives = new RegexParser(pattern).parseAlternatives();
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const style of [{ dot: 0, optional: 0 }, { dot: 1, optional: 0 }, { dot: 0, optional: 1 }, { dot: 1, optional: 1 }]) {
    for (const nodes of alternatives) {
      const text = generate(nodes, style);
      if (text !== undefined) out.add(text);
    }
  }
  return [...out];
}

function generate(nodes: readonly Node[], style: { dot: number; optional: number }): string | undefined {
  let out = '';
  for (const node of nodes) {
    const part = generateNode(node, style);
    if (part === undefined) return undefined;
    out += part;
  }
  return out;
}

function generateNode(node: Node, style: { dot: number; optional: number }): string | undefined {
  switch (node.kind) {
    case 'literal':
      return node.text;
    case 'class': {
      let regex: RegExp;
      try {
        regex = new RegExp(`^${node.source}$`, 's');
      } catch {
        return undefined;
      }
      const members = CLASS_CANDIDATES.filter((c) => regex.test(c));
      return members[Math.min(style.dot, members.length - 1)];
    }
    case 'group':
      return node.alternatives[0] && generate(node.alternatives[0], style);
    case 'repeat': {
      const count = Math.max(node.min, Math.min(style.optional, node.max));
      const one = generateNode(node.node, style);
      return one === undefined ? undefined : one.repeat(count);
    }
  }
}

/** A recursive-descent reader of the RE2 subset label regexes use: literals, `.`, classes, groups, alternation, quantifiers. */
class RegexParser {
  private pos = 0;
  constructor(private readonly source: string) {}

  parseAlternatives(): Node[][] {
    const alternatives: Node[][] = [this.parseSequence()];
    while (this.source[this.pos] === '|') {
      this.pos++;
      alternatives.push(this.parseSequence());
    }
    if (this.pos < this.source.length && this.source[this.pos] !== ')') throw new Error('unexpected character');
    return alternatives;
  }

  private parseSequence(): Node[] {
    const nodes: Node[] = [];
    while (this.pos < this.source.length && this.source[this.pos] !== '|' && this.source[this.pos] !== ')') {
      const atom = this.parseAtom();
      nodes.push(this.parseQuantifier(atom));
    }
    return nodes;
  }

  private parseAtom(): Node {
    const c = this.source[this.pos]!;
    this.pos++;
    switch (c) {
      case '.':
        return { kind: 'class', source: '.' };
      case '^':
      case '$':
        return { kind: 'literal', text: '' };
      case '\\': {
        const e = this.source[this.pos++];
        if (e === undefined) throw new Error('trailing backslash');
        return /[dDwWsS]/.test(e) ? { kind: 'class', source: `\\${e}` } : { kind: 'literal', text: e };
      }
      case '[': {
        const start = this.pos - 1;
        if (this.source[this.pos] === '^') this.pos++;
        if (this.source[this.pos] === ']') this.pos++;
        while (this.pos < this.source.length && this.source[this.pos] !== ']') this.pos += this.source[this.pos] === '\\' ? 2 : 1;
        if (this.source[this.pos] !== ']') throw new Error('unclosed class');
        this.pos++;
        return { kind: 'class', source: this.source.slice(start, this.pos) };
      }
      case '(': {
        if (this.source.startsWith('?:', this.pos)) this.pos += 2;
        else if (this.source.startsWith('?P<', this.pos)) this.pos = this.source.indexOf('>', this.pos) + 1;
        else if (this.source[this.pos] === '?') throw new Error('flags are not supported');
        const alternatives = this.parseAlternatives();
        if (this.source[this.pos] !== ')') throw new Error('unclosed group');
        this.pos++;
        return { kind: 'group', alternatives };
      }
      default:
        return { kind: 'literal', text: c };
    }
  }

  private parseQuantifier(node: Node): Node {
    const c = this.source[this.pos];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
      if (!match) return node;
      this.pos += match[0].length;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
    } else {
      return node;
    }
    if (this.source[this.pos] === '?') this.pos++;
    return { kind: 'repeat', node, min, max };
  }
}

/**
 * An `instance` label as scrapes add it (`10.0.0.12:<port>`, the next instance `10.0.0.13:<port>`), with
 * the port of the workload whose job the series has, else 9100; left out when a selector constrains
 * `instance` (its own value is used then).
 */
export function withInstance(labels: Labels, selectors: readonly SeriesSelector[], workloads: readonly { readonly job: string; readonly port: number }[], index = 0): Labels {
  if (selectors.some((s) => s.matchers.some((m) => m.label === 'instance'))) return labels;
  const port = workloads.find((w) => w.job === labels.job)?.port ?? 9100;
  return { ...labels, instance: `10.0.0.${12 + index}:${port}` };
}
