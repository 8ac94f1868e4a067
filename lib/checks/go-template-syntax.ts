import { closestName } from './closest-name.js';

/**
 * A syntax check of Go templates as Prometheus runs them in alert annotations and labels: balanced
 * `{{ }}`, known functions (Go's built-ins plus Prometheus's template functions), known variables,
 * `if`/`range`/`with` closed by `end`. Not an evaluator: it finds what would make Prometheus refuse
 * the rule file or render a broken message, and names it.
 */

/** Go text/template built-ins. */
const GO_FUNCTIONS = ['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne'];
/** Functions Prometheus adds for alert templates (prometheus/template/template.go). */
const PROMETHEUS_FUNCTIONS = ['query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title',
  'toUpper', 'toLower', 'graphLink', 'tableLink', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration',
  'humanizePercentage', 'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration', 'stripPort', 'stripDomain'];
export const TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set([...GO_FUNCTIONS, ...PROMETHEUS_FUNCTIONS]);
/** Variables Prometheus defines for alert templates. */
export const TEMPLATE_VARIABLES: readonly string[] = ['$', '$value', '$labels', '$externalLabels', '$externalURL'];
const CONSTANTS = new Set(['true', 'false', 'nil']);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'operand' }
  | { readonly kind: 'pipe' | 'open' | 'close' | 'comma' };

/** The first problem of a template, as a short phrase; undefined when it is well formed. */
export function goTemplateProblem(text: string): string | undefined {
  const blocks: string[] = [];
  const declared = new Set(TEMPLATE_VARIABLES);
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    const stray = text.indexOf('}}', pos);
    if (stray >= 0 && (open < 0 || stray < open)) return `'}}' without a matching '{{' at character ${stray + 1}`;
    if (open < 0) break;
    const close = findClose(text, open + 2);
    if (typeof close === 'string') return close;
    const action = text.slice(open, close + 2);
    const problem = checkAction(text.slice(open + 2, close), action, blocks, declared);
    if (problem) return problem;
    pos = close + 2;
  }
  if (blocks.length > 0) return `'{{ ${blocks.at(-1)} }}' is never closed with '{{ end }}'`;
  return undefined;
}

/** Index of the `}}` closing the action opened before `from`, or a problem. */
function findClose(text: string, from: number): number | string {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`' || c === "'") {
      quote = c;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    } else if (c === '{' && text[i + 1] === '{') {
      return `unclosed action '${text.slice(from - 2, i).trimEnd()}' at character ${from - 1}`;
    }
  }
  return quote
    ? `unterminated string in action at character ${from - 1}`
    : `unclosed action '${text.slice(from - 2)}' at character ${from - 1}`;
}

function checkAction(raw: string, action: string, blocks: string[], declared: Set<string>): string | undefined {
  let inner = raw;
  if (/^-[ \t\r\n]/.test(inner)) inner = inner.slice(1);
  if (/[ \t\r\n]-$/.test(inner)) inner = inner.slice(0, -1);
  const trimmed = inner.trim();
  if (trimmed.startsWith('/*')) return trimmed.endsWith('*/') ? undefined : `unclosed comment in ${action}`;
  const tokens = tokenize(trimmed);
  if (typeof tokens === 'string') return `${tokens} in ${action}`;
  if (tokens.length === 0) return `empty action ${action}`;
  // `$x := ...` and `range $i, $v := ...` declare variables (scopes are not tracked: a typo is what we look for).
  for (const m of trimmed.matchAll(/(\$[A-Za-z0-9_]*)[ \t\r\n]*(?:,[ \t\r\n]*(\$[A-Za-z0-9_]*)[ \t\r\n]*)?:=/g)) {
    declared.add(m[1]!);
    if (m[2]) declared.add(m[2]);
  }
  const first = tokens[0]!;
  let rest = tokens;
  if (first.kind === 'word') {
    if (first.text === 'end') {
      if (blocks.length === 0) return `${action} without an opening if, range, with, define or block`;
      blocks.pop();
      return tokens.length === 1 ? undefined : `unexpected words after 'end' in ${action}`;
    }
    if (first.text === 'else') {
      const block = blocks.at(-1);
      if (block !== 'if' && block !== 'range' && block !== 'with') return `${action} outside an if, range or with`;
      rest = tokens.slice(tokens[1]?.kind === 'word' && (tokens[1].text === 'if' || tokens[1].text === 'with') ? 2 : 1);
      if (rest.length === 0) return undefined;
    } else if (first.text === 'break' || first.text === 'continue') {
      return blocks.includes('range') ? undefined : `${action} outside a range`;
    } else if (first.text === 'template') {
      return undefined;
    } else if (OPENERS.has(first.text)) {
      blocks.push(first.text);
      if (first.text === 'define' || first.text === 'block') return undefined;
      rest = tokens.slice(1);
      if (rest.length === 0) return `'${first.text}' without a condition in ${action}`;
    }
  }
  return checkPipeline(rest, action, declared);
}

function checkPipeline(tokens: readonly Token[], action: string, declared: Set<string>): string | undefined {
  let depth = 0;
  let expectCommand = true;
  for (const [i, token] of tokens.entries()) {
    switch (token.kind) {
      case 'pipe':
        if (expectCommand) return `empty command before '|' in ${action}`;
        expectCommand = true;
        break;
      case 'open':
        depth++;
        expectCommand = true;
        break;
      case 'close':
        if (--depth < 0) return `unbalanced ')' in ${action}`;
        expectCommand = false;
        break;
      case 'comma':
        if (tokens[i + 1]?.kind !== 'variable') return `unexpected ',' in ${action}`;
        break;
      case 'variable':
        if (!declared.has(token.name)) {
          const closest = closestName(token.name, declared);
          return `undefined variable ${token.name}${closest ? ` (did you mean ${closest}?)` : ''} in ${action}`;
        }
        expectCommand = false;
        break;
      case 'word':
        if (!TEMPLATE_FUNCTIONS.has(token.text) && !CONSTANTS.has(token.text)) {
          const closest = closestName(token.text, TEMPLATE_FUNCTIONS);
          return `unknown function '${token.text}'${closest ? ` (did you mean '${closest}'?)` : ''} in ${action}`;
        }
        expectCommand = false;
        break;
      case 'operand':
        expectCommand = false;
        break;
    }
  }
  if (depth > 0) return `unbalanced '(' in ${action}`;
  if (expectCommand) return `missing command after '|' in ${action}`;
  return undefined;
}

const TOKEN_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => Token | null][] = [
  [/^[ \t\r\n]+/, () => null],
  [/^\|/, () => ({ kind: 'pipe' })],
  [/^\(/, () => ({ kind: 'open' })],
  [/^\)/, () => ({ kind: 'close' })],
  [/^,/, () => ({ kind: 'comma' })],
  [/^:?=/, () => ({ kind: 'operand' })],
  [/^"(?:[^"\\\n]|\\.)*"/, () => ({ kind: 'operand' })],
  [/^`[^`]*`/, () => ({ kind: 'operand' })],
  [/^'(?:[^'\\\n]|\\.)+'/, () => ({ kind: 'operand' })],
  [/^[-+]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)/, () => ({ kind: 'operand' })],
  [/^(\$[A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*/, (m) => ({ kind: 'variable', name: m[1]! })],
  [/^(?:\.[A-Za-z_][A-Za-z0-9_]*)+|^\./, () => ({ kind: 'operand' })],
  [/^[A-Za-z_][A-Za-z0-9_]*/, (m) => ({ kind: 'word', text: m[0] })],
];

function tokenize(inner: string): Token[] | string {
  const tokens: Token[] = [];
  let rest = inner;
  while (rest.length > 0) {
    let matched = false;
    for (const [pattern, make] of TOKEN_PATTERNS) {
      const m = pattern.exec(rest);
      if (!m || m[0].length === 0) continue;
      const token = make(m);
      if (token) tokens.push(token);
      rest = rest.slice(m[0].length);
      matched = true;
      break;
    }
    if (!matched) return `unexpected '${rest[0]}'`;
  }
  return tokens;
}
