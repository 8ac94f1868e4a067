import { formatGoFloat, type FloatVerb } from './go-format.js';

/**
 * A strict renderer for the small subset of Go templates alert packs may use in summaries and
 * descriptions, producing exactly what Prometheus 2.42 expands (promtool compares annotations byte for
 * byte). Supported actions:
 *
 *   {{ $value }}                          Go's %v of a float64 (e.g. 0.051, 1.234567e+06)
 *   {{ $value | humanize }}               %.4g with SI prefixes (k, M, ... / m, u, ...)
 *   {{ $value | humanizePercentage }}     %.4g of value × 100, then %
 *   {{ $value | humanizeDuration }}       1d 2h 3m 4s, or %.4g seconds below a minute (ms, us, ... below 1s)
 *   {{ printf "%.1f" $value }}            printf with %f, %e, %g, %v (floats) and %s (labels), optional precision
 *   {{ $labels.<name> }}                  the label's value; a label the alert does not have expands to ""
 *                                         (Prometheus runs templates with missingkey=zero)
 *   {{ if ge $value 10.0 }}A{{ else }}B{{ end }}
 *                                         one level of condition on $value against a float literal (eq, ne, lt,
 *                                         le, gt, ge; `else` optional). Go refuses `ge $value 10` (float64 vs
 *                                         int), so the literal must be written as a float (`10.0`, `1e-3`)
 *
 * Functions also work in call form (`{{ humanize $value }}`) and pipes may end in printf
 * (`{{ $value | printf "%.2f" }}`). `{{-` / `-}}` trim white space as in Go. Anything else throws an
 * {@link AlertTemplateError} naming the action, so an unsupported template is caught at synth time
 * instead of producing a promtool test that can never match.
 */
export interface AlertTemplateData {
  /** The alert's sample value (`$value`). */
  readonly value: number;
  /** The sample's labels (`$labels`): the expression's output labels, before the rule's own labels are added. */
  readonly labels: Readonly<Record<string, string>>;
}

export class AlertTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertTemplateError';
  }
}

export const SUPPORTED_TEMPLATE_ACTIONS =
  '{{ $value }}, {{ $value | humanize }}, {{ $value | humanizePercentage }}, {{ $value | humanizeDuration }}, ' +
  '{{ printf "%.1f" $value }}, {{ $labels.<name> }} and {{ if ge $value 10.0 }}...{{ else }}...{{ end }}';

type TemplateValue = { readonly kind: 'float'; readonly value: number } | { readonly kind: 'string'; readonly value: string };

type Token =
  | { readonly kind: 'value' }
  | { readonly kind: 'label'; readonly name: string }
  | { readonly kind: 'ident'; readonly name: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'pipe' };

const SPACE = /[ \t\r\n]/;
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

/** Expands `text` as Prometheus would for an alert with this value and these labels. */
export function renderAlertTemplate(text: string, data: AlertTemplateData): string {
  // CONDITION starts with this text: without it nothing is replaced.
  return renderActions(text.includes('{{ if ') ? expandConditions(text, data) : text, data);
}
/**
 * `{{ if <cmp> $value <float> }}A{{ else }}B{{ end }}` replaced by the branch Go would take. One level
 * only: a branch holding another `{{ if` is refused, as are comparisons Go would refuse.
 */
const CONDITION = /\{\{ if (eq|ne|lt|le|gt|ge) \$value (-?(?:\d+\.\d*|\d*\.\d+|\d+(?:\.\d*)?[eE][-+]?\d+)) \}\}((?:(?!\{\{ (?:if|else|end)\b)[\s\S])*)(?:\{\{ else \}\}((?:(?!\{\{ (?:if|else|end)\b)[\s\S])*))?\{\{ end \}\}/g;
// As Go's text/template defines them: only lt and eq compare, the others negate them, so with NaN
// `ge` and `gt` are true (`ge NaN 10.0` is `not (lt NaN 10.0)`).
const COMPARE: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  eq: (a, b) => a === b, ne: (a, b) => !(a === b), lt: (a, b) => a < b, le: (a, b) => a < b || a === b,
  gt: (a, b) => !(a < b || a === b), ge: (a, b) => !(a < b),
};

function expandConditions(text: string, data: AlertTemplateData): string {
  return text.replace(CONDITION, (_all, op: string, literal: string, then: string, otherwise: string | undefined) =>
    (COMPARE[op]!(data.value, Number(literal)) ? then : otherwise ?? ''));
}

/**
 * A template read once: each action's literal text before it (trimmed as `{{-` / `-}}` ask) and its
 * tokens, then the text after the last action. Reading does not depend on the data, and the emulation
 * expands the same few templates at thousands of evaluations per service.
 */
interface ReadTemplate {
  readonly actions: readonly { readonly literal: string; readonly action: string; readonly tokens: readonly Token[] }[];
  readonly tail: string;
  /** Where the text cannot be read (an unclosed action, an unsupported token): after `actions`, this is thrown. */
  readonly error?: string;
}

/** As parse-tree.ts keeps trees: more than the distinct templates of one service's rules. */
const KEPT_TEMPLATES = 1024;
const readTemplates = new Map<string, ReadTemplate>();

function renderActions(text: string, data: AlertTemplateData): string {
  let template = readTemplates.get(text);
  if (template === undefined) {
    template = readTemplate(text);
    if (readTemplates.size >= KEPT_TEMPLATES) readTemplates.delete(readTemplates.keys().next().value!);
    readTemplates.set(text, template);
  }
  // Actions are evaluated in order up to what cannot be read, so the first error is the one reading and evaluating in turn would meet.
  let out = '';
  for (const { literal, action, tokens } of template.actions) out += literal + show(evaluate(tokens, action, text, data));
  if (template.error !== undefined) throw new AlertTemplateError(template.error);
  return out + template.tail;
}

function readTemplate(text: string): ReadTemplate {
  const actions: { literal: string; action: string; tokens: Token[] }[] = [];
  let pos = 0;
  let trimNext = false;
  try {
    while (pos < text.length) {
      const open = text.indexOf('{{', pos);
      let literal = open < 0 ? text.slice(pos) : text.slice(pos, open);
      if (trimNext) literal = literal.replace(/^[ \t\r\n]+/, '');
      if (open < 0) return { actions, tail: literal };
      const close = findClose(text, open + 2);
      if (close < 0) throw new AlertTemplateError(`unclosed action at offset ${open} in template ${JSON.stringify(text)}`);
      let inner = text.slice(open + 2, close);
      const trimBefore = inner.length >= 2 && inner[0] === '-' && SPACE.test(inner[1]!);
      const trimAfter = inner.length >= 2 && inner[inner.length - 1] === '-' && SPACE.test(inner[inner.length - 2]!);
      if (trimBefore) {
        literal = literal.replace(/[ \t\r\n]+$/, '');
        inner = inner.slice(1);
      }
      if (trimAfter) inner = inner.slice(0, -1);
      const action = text.slice(open, close + 2);
      actions.push({ literal, action, tokens: tokenize(inner, action, text) });
      trimNext = trimAfter;
      pos = close + 2;
    }
  } catch (error) {
    if (!(error instanceof AlertTemplateError)) throw error;
    return { actions, tail: '', error: error.message };
  }
  return { actions, tail: '' };
}

/** The `}}` closing the action that starts at `from`, skipping string literals (as Go's lexer does). */
export function findClose(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') {
      quote = c;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

function unsupported(action: string, text: string, why: string): AlertTemplateError {
  return new AlertTemplateError(
    `unsupported template action ${action} in ${JSON.stringify(text)}: ${why}; supported: ${SUPPORTED_TEMPLATE_ACTIONS}`,
  );
}

function tokenize(inner: string, action: string, text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < inner.length) {
    const rest = inner.slice(i);
    const space = /^[ \t\r\n]+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest[0] === '|') {
      tokens.push({ kind: 'pipe' });
      i++;
      continue;
    }
    const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.])/.exec(rest);
    if (label) {
      tokens.push({ kind: 'label', name: label[1]! });
      i += label[0].length;
      continue;
    }
    const value = /^\$value(?![A-Za-z0-9_.])/.exec(rest);
    if (value) {
      tokens.push({ kind: 'value' });
      i += value[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_.])/.exec(rest);
    if (ident) {
      if (KEYWORDS.has(ident[0])) throw unsupported(action, text, `control structures such as {{ ${ident[0]} }} are not supported`);
      tokens.push({ kind: 'ident', name: ident[0] });
      i += ident[0].length;
      continue;
    }
    if (rest[0] === '`') {
      const end = rest.indexOf('`', 1);
      if (end < 0) throw unsupported(action, text, 'unterminated raw string');
      tokens.push({ kind: 'string', value: rest.slice(1, end) });
      i += end + 1;
      continue;
    }
    const quoted = /^"(?:[^"\\]|\\.)*"/.exec(rest);
    if (quoted) {
      tokens.push({ kind: 'string', value: unquote(quoted[0], action, text) });
      i += quoted[0].length;
      continue;
    }
    throw unsupported(action, text, `cannot read ${JSON.stringify(rest)}`);
  }
  return tokens;
}

function unquote(literal: string, action: string, text: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, (_, c: string) => {
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"' };
    const replaced = escapes[c];
    if (replaced === undefined) throw unsupported(action, text, `unsupported escape \\${c} in a string`);
    return replaced;
  });
}

function evaluate(tokens: readonly Token[], action: string, text: string, data: AlertTemplateData): TemplateValue {
  if (tokens.length === 0) throw unsupported(action, text, 'empty action');
  const commands: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'pipe') commands.push([]);
    else commands[commands.length - 1]!.push(token);
  }
  let piped: TemplateValue | undefined;
  for (const command of commands) {
    const [head, ...args] = command;
    if (!head) throw unsupported(action, text, 'empty command in the pipeline');
    if (head.kind !== 'ident') {
      if (args.length > 0 || piped) throw unsupported(action, text, 'only a function can take arguments or receive a pipe');
      piped = operand(head, action, text, data);
      continue;
    }
    const values = args.map((a) => operand(a, action, text, data));
    if (piped) values.push(piped);
    piped = call(head.name, values, action, text);
  }
  return piped!;
}

function operand(token: Token, action: string, text: string, data: AlertTemplateData): TemplateValue {
  switch (token.kind) {
    case 'value':
      return { kind: 'float', value: data.value };
    case 'label':
      return { kind: 'string', value: data.labels[token.name] ?? '' };
    case 'string':
      return { kind: 'string', value: token.value };
    default:
      throw unsupported(action, text, 'a function cannot be an argument here');
  }
}

function call(name: string, args: readonly TemplateValue[], action: string, text: string): TemplateValue {
  switch (name) {
    case 'humanize':
      return { kind: 'string', value: humanize(floatArgument(name, args, action, text)) };
    case 'humanizePercentage':
      return { kind: 'string', value: humanizePercentage(floatArgument(name, args, action, text)) };
    case 'humanizeDuration':
      return { kind: 'string', value: humanizeDuration(floatArgument(name, args, action, text)) };
    case 'printf':
      return { kind: 'string', value: printf(args, action, text) };
    default:
      throw unsupported(action, text, `unknown function ${name}`);
  }
}

/** The one float argument of `name`, or the error saying it takes exactly `$value`. */
function floatArgument(name: string, args: readonly TemplateValue[], action: string, text: string): number {
  const [arg] = args;
  if (args.length !== 1 || arg?.kind !== 'float') throw unsupported(action, text, `${name} takes exactly one argument, $value`);
  return arg.value;
}

const BIG_PREFIXES = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SMALL_PREFIXES = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
const g4 = (v: number): string => formatGoFloat(v, 'g', 4);

/** Prometheus `humanize`: SI prefixes, 4 significant digits. */
export function humanize(value: number): string {
  let v = value;
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of BIG_PREFIXES) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  for (const p of SMALL_PREFIXES) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

/** Prometheus `humanizePercentage`: `%.4g%%` of value × 100. */
export function humanizePercentage(value: number): string {
  return `${g4(value * 100)}%`;
}

/** Prometheus `humanizeDuration`: `1d 2h 3m 4s` from a minute up, `%.4gs` below, `ms`/`us`/... below a second. */
export function humanizeDuration(value: number): string {
  let v = value;
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    // Go's int64(v); beyond int64 amd64 yields math.MinInt64 (what Debian's amd64 promtool prints).
    const whole = v < 2 ** 63 ? BigInt(Math.trunc(v)) : -(2n ** 63n);
    const seconds = whole % 60n;
    const minutes = (whole / 60n) % 60n;
    const hours = (whole / 3600n) % 24n;
    const days = whole / 86400n;
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of SMALL_PREFIXES) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

function printf(args: readonly TemplateValue[], action: string, text: string): string {
  const [format, ...values] = args;
  if (format?.kind !== 'string') throw unsupported(action, text, 'printf needs a format string first');
  let out = '';
  let next = 0;
  const verb = /%(?:\.(\d+))?([a-zA-Z%])/y;
  let i = 0;
  while (i < format.value.length) {
    const percent = format.value.indexOf('%', i);
    if (percent < 0) {
      out += format.value.slice(i);
      break;
    }
    out += format.value.slice(i, percent);
    verb.lastIndex = percent;
    const match = verb.exec(format.value);
    if (!match) throw unsupported(action, text, `printf verb at ${JSON.stringify(format.value.slice(percent))} (flags and widths are not supported)`);
    i = percent + match[0].length;
    const [, precisionText, letter] = match;
    if (letter === '%' && precisionText === undefined) {
      out += '%';
      continue;
    }
    const arg = values[next++];
    if (!arg) throw unsupported(action, text, `printf format ${JSON.stringify(format.value)} needs more arguments`);
    const precision = precisionText === undefined ? undefined : Number(precisionText);
    if (arg.kind === 'float' && (letter === 'f' || letter === 'e' || letter === 'g' || (letter === 'v' && precision === undefined))) {
      out += formatGoFloat(arg.value, letter as FloatVerb, precision);
    } else if (arg.kind === 'string' && (letter === 's' || letter === 'v') && precision === undefined) {
      out += arg.value;
    } else {
      throw unsupported(action, text, `printf %${precisionText === undefined ? '' : `.${precisionText}`}${letter} of a ${arg.kind === 'float' ? 'number' : 'label'}`);
    }
  }
  if (next !== values.length) throw unsupported(action, text, `printf format ${JSON.stringify(format.value)} has fewer verbs than arguments`);
  return out;
}

function show(value: TemplateValue): string {
  return value.kind === 'float' ? formatGoFloat(value.value, 'v') : value.value;
}
