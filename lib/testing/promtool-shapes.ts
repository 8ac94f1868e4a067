import { createHash } from 'node:crypto';

/**
 * Shared proofs for services that are renamings of each other. Services generated from the same packs
 * differ only in their names (service name, title, alert prefix, team, namespace, workloads, jobs); their
 * rule and test files are then the same text with those strings swapped. promtool's verdict does not
 * change under such a renaming where Prometheus treats the strings as opaque: label values and names
 * compared for equality, alert and group names, annotation text printed as it is (and promtool compares
 * expected and actual alerts and samples as sets, so order does not matter; the generator already
 * accepts every float summation order). So one promtool run proves every service of the same shape.
 *
 * A shape is the files' text with each identity string replaced by a marker of its role. Two services
 * share a proof only when their shapes are byte-identical, which makes one the exact renaming of the
 * other. Where a renamed string could change what PromQL or a template computes, the service gets no
 * shape and promtool runs it for real:
 * - an identity string that is not a plain name (`[A-Za-z0-9][A-Za-z0-9 _-]*`, no regex or YAML meta
 *   character), a YAML 1.1 word (`yes`, `on`, ...), a PromQL keyword, or one that overlaps another
 *   (one inside the other, or a suffix of one starting another: renaming could then change where the
 *   strings occur);
 * - a marker inside a regex matcher (`=~`, `!~`) whose pattern is more than literal text, `.*`,
 *   groups and `|` (a `.`, class or quantifier would match the old and the new name differently), or a
 *   regex matcher of any pattern on a label whose values carry a marker;
 * - string-inspecting functions anywhere: PromQL `label_replace`/`label_join`, template functions
 *   other than `humanize*`/`printf` of `$value` (`reReplaceAll`, `match`, `title`, `toUpper`, `query`...).
 */
export type ProofShape = { readonly key: string } | { readonly unsafe: string };

const MARK = '\u0001';
const MARKED = /\u0001\d+\u0001/g;
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9 _-]*$/;
const YAML_WORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan', 'atan2']);
const STRING_FUNCTIONS = /\b(label_replace|label_join)\s*\(/;
/**
 * Template actions that print a label as it is, format a number, or branch on `$value` against a number
 * literal (`{{ if ge $value 10.0 }}`, `{{ else }}`, `{{ end }}`); anything else in a `{{ }}` action is refused.
 */
const NUMERIC_TEMPLATE = /^\{\{-?\s*(\$value|\.Value|\$labels\.[A-Za-z_][A-Za-z0-9_]*|\.Labels\.[A-Za-z_][A-Za-z0-9_]*|\$value\s*\|\s*humanize(Percentage|Duration|1024)?|humanize(Percentage|Duration|1024)?\s+\$value|printf\s+"%[-+ 0-9.]*[fegd]"\s+\$value|if\s+(eq|ne|lt|le|gt|ge)\s+\$value\s+[-+]?[0-9][0-9.]*(e[-+]?[0-9]+)?|else|end)\s*-?\}\}$/;
/** A regex pattern that is literal text, `.*`, escaped dots, groups and alternatives only. */
const LITERAL_REGEX = /^(?:[A-Za-z0-9_;:/ \u0001-]|\\+\.|\.\*|[()|^$])*$/;

/**
 * The shape of one service's promtool files (path → text) under its identity strings, in role order
 * (the same roles, in the same order, for every service compared).
 */
export function proofShape(files: Readonly<Record<string, string>>, identity: readonly string[]): ProofShape {
  const strings = [...new Set(identity)];
  for (const s of strings) {
    if (!PLAIN_NAME.test(s)) return { unsafe: `'${s}' is not a plain name` };
    if (YAML_WORDS.has(s.toLowerCase()) || PROMQL_WORDS.has(s.toLowerCase())) return { unsafe: `'${s}' is a YAML or PromQL word` };
  }
  for (const a of strings) {
    for (const b of strings) {
      if (a !== b && b.includes(a)) return { unsafe: `'${a}' occurs inside '${b}'` };
      if (overlaps(a, b)) return { unsafe: `'${a}' ends with how '${b}' starts` };
    }
  }
  const paths = Object.keys(files).sort();
  const canonical: string[] = [];
  for (const path of paths) {
    const text = files[path]!;
    if (text.includes(MARK)) return { unsafe: `${path} holds the marker character` };
    canonical.push(`${path}\0${markIdentity(text, identity)}`);
  }
  const all = canonical.join('\0');
  const refused = renamingRefusal(all, strings);
  if (refused) return { unsafe: refused };
  return { key: createHash('sha256').update(all).digest('hex') };
}

/** What {@link serviceIdentity} reads of a service. */
export interface IdentityOf {
  readonly name: string;
  readonly title: string;
  readonly alertPrefix: string;
  readonly team: string;
  readonly namespace: string;
  readonly workloads: readonly { readonly name: string; readonly job: string }[];
}

/**
 * A service's own names, in role order: name, title, alert prefix (runbook anchors hold alert names in
 * lower case, so both spellings), team, namespace, workloads, jobs. Files of two services that differ
 * only in these are renamings of each other ({@link proofShape}).
 */
export function serviceIdentity(service: IdentityOf): string[] {
  return [service.name, service.title, service.alertPrefix, service.alertPrefix.toLowerCase(), service.team, service.namespace,
    ...service.workloads.map((w) => w.name), ...service.workloads.map((w) => w.job)];
}

/**
 * For each job (by its shape key, {@link shapeKey}; undefined: no shape, the job proves itself), the
 * index of the job that proves it: the first job of the same shape, or itself.
 */
export function provenByKey(keys: readonly (string | undefined)[]): number[] {
  const representative = new Map<string, number>();
  return keys.map((key, i) => {
    if (key === undefined) return i;
    const first = representative.get(key);
    if (first === undefined) representative.set(key, i);
    return first ?? i;
  });
}

/** promtool input and the service's own names, for {@link shapeKey}. */
export interface ShapedJob {
  readonly files: Readonly<Record<string, string>>;
  readonly identity?: readonly string[];
}

/** The job's shape key, or undefined when it has no identity or its shape is refused as unsafe. */
export function shapeKey(job: ShapedJob): string | undefined {
  if (job.identity === undefined) return undefined;
  const shape = proofShape(job.files, job.identity);
  return 'key' in shape ? shape.key : undefined;
}

/** Every occurrence of each identity string replaced by the marker of its first role (longest first). */
export function markIdentity(text: string, identity: readonly string[]): string {
  const roles = new Map<string, number>();
  identity.forEach((s, i) => { if (!roles.has(s)) roles.set(s, i); });
  let out = text;
  for (const [s, role] of [...roles].sort((a, b) => b[0].length - a[0].length)) out = out.split(s).join(`${MARK}${role}${MARK}`);
  return out;
}

/** A proper suffix of `a` is a prefix of `b` (self-overlap included): occurrences could then straddle. */
function overlaps(a: string, b: string): boolean {
  for (let n = 1; n < Math.min(a.length, b.length); n++) if (a.slice(a.length - n) === b.slice(0, n)) return true;
  return false;
}

interface LiteralPiece {
  readonly text: string;
  /** A `.*` comes before it, so it may match anywhere, inside a renamed name too. */
  readonly floating: boolean;
  /** A `.*` or a group follows it, so what it matches may end inside a name. */
  readonly open: boolean;
}

/** The literal runs of a literal-only pattern (markers, `.*` and `()|^$` split them). */
function literalPieces(pattern: string): LiteralPiece[] {
  const tokens = pattern.match(new RegExp(`${MARK}\\d+${MARK}|\\.\\*|[()|^$]|(?:\\\\+\\.|[^${MARK}()|^$.\\\\])+`, 'g')) ?? [];
  const pieces: LiteralPiece[] = [];
  let floating = false;
  tokens.forEach((token, i) => {
    if (token === '.*') floating = true;
    else if (!token.startsWith(MARK) && !/^[()|^$]$/.test(token)) {
      pieces.push({ text: token.replace(/\\+\./g, '.'), floating, open: tokens[i + 1] === '.*' || tokens[i + 1] === '(' });
    }
  });
  return pieces;
}

/**
 * Could the piece match where a name (or part of one) is? Where it is pinned (at a marker, the start or
 * an alternative) and closed after, it matches exactly the same text for every name. Open after, it
 * could match the start of a name, or end with how a name starts; floating, it could lie inside a name
 * or start with how a name ends.
 */
function pieceClashes(piece: LiteralPiece, name: string): boolean {
  const p = piece.text;
  if ((piece.open || piece.floating) && (name.startsWith(p) || overlaps(p, name))) return true;
  return piece.floating && (name.includes(p) || overlaps(name, p));
}

// The scans below run over a whole organisation's files, so each is linear in the text: a match starts
// only where a label name starts (the look-behind), quantified classes exclude what ends them, and no
// quantifier is nested in another, so V8's backtracking cannot go quadratic on a long line.
/** `label="value` or `label!="value` (the quote escaped inside a double-quoted YAML string). */
const SELECTOR_VALUE = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)[ \t]*!?=[ \t]*\\?"([^"\\\n]*)/g;
/** `label: value` as a YAML key, block or flow style. */
const YAML_VALUE = /(?:^|[{,])[ \t]*(?:- )?([A-Za-z_][A-Za-z0-9_]*): +['"]?([^'",}\n]*)/gm;
/** `label=~"pattern"` or `!~`, in any of PromQL's quotes, or in `\"` inside a double-quoted YAML string. */
const REGEX_MATCHER = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)[ \t]*[=!]~[ \t]*(?:\\"([^"\n]*?)\\"|"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`)/g;

/**
 * Every `{{ ... }}` action, up to the first `}}` after its `{{`, across lines too; an unclosed `{{` is an
 * action to the end of the text (so refused). One pass over the text.
 */
function templateActions(text: string): string[] {
  const actions: string[] = [];
  for (let start = text.indexOf('{{'); start !== -1; start = text.indexOf('{{', start)) {
    const end = text.indexOf('}}', start + 2);
    actions.push(end === -1 ? text.slice(start) : text.slice(start, end + 2));
    if (end === -1) break;
    start = end + 2;
  }
  return actions;
}

/** Why renaming could change promtool's verdict on this marked text, or undefined. */
function renamingRefusal(text: string, identity: readonly string[]): string | undefined {
  if (STRING_FUNCTIONS.test(text)) return 'label_replace or label_join inspects label values';
  for (const action of templateActions(text)) {
    if (!NUMERIC_TEMPLATE.test(action)) return `the template action ${action.replace(MARKED, '<name>')} may inspect strings`;
  }
  const markedLabels = new Set<string>();
  // Label values as selectors (`job="..."`) and as YAML keys (`job: ...`, block or flow style) write them.
  const values = [...text.matchAll(SELECTOR_VALUE), ...text.matchAll(YAML_VALUE)];
  for (const m of values) if (m[2]!.includes(MARK)) markedLabels.add(m[1]!);
  for (const m of text.matchAll(REGEX_MATCHER)) {
    const label = m[1]!;
    const pattern = m[2] ?? m[3] ?? m[4] ?? m[5] ?? '';
    if (pattern.includes(MARK) && !LITERAL_REGEX.test(pattern)) return `the regex ${label}=~"${pattern.replace(MARKED, '<name>')}" holds a name inside more than literal text`;
    const marked = pattern.includes(MARK) || markedLabels.has(label);
    if (!marked) continue;
    if (!LITERAL_REGEX.test(pattern)) return `the regex on ${label} ("${pattern.replace(MARKED, '<name>')}") is more than literal text and matches values that hold a name`;
    const clash = literalPieces(pattern).find((piece) => identity.some((s) => pieceClashes(piece, s)));
    if (clash) return `the regex on ${label} ("${pattern.replace(MARKED, '<name>')}") holds '${clash.text}', which could match part of a name`;
  }
  return undefined;
}

/** How a job's verdict was reached by {@link proveByShape}. */
export type ShapeVerdict<R> =
  /** promtool (or its cache) ran this job. */
  | { readonly kind: 'run'; readonly result: R }
  /** The job is a renaming of job `of`, whose run passed. */
  | { readonly kind: 'renaming'; readonly of: number; readonly result: R }
  /** Its shape passed earlier (`provenShapes`): no run now. */
  | { readonly kind: 'proven' };

export interface ProveByShapeOptions<R> {
  /** Shape keys that passed before (filled with those that pass now), shared across calls. */
  readonly provenShapes?: Set<string>;
  /** Sees each verdict as soon as it is known (any order). */
  readonly onVerdict?: (index: number, verdict: ShapeVerdict<R>) => void;
}

/**
 * The one way shared proofs are run: the first job of each shape (key) runs, every other job of the
 * shape takes its verdict when it passed, and when it failed each of them runs on its own (so every
 * failure carries its own names). Jobs without a key run on their own. `run(indices, done)` runs those
 * jobs (pooled: `done` as each finishes). Verdicts in the order of `keys`.
 */
export async function proveByShape<R extends { readonly ok: boolean }>(
  keys: readonly (string | undefined)[],
  run: (indices: readonly number[], done: (index: number, result: R) => void) => Promise<void>,
  options: ProveByShapeOptions<R> = {},
): Promise<ShapeVerdict<R>[]> {
  const { provenShapes, onVerdict } = options;
  const provenBy = provenByKey(keys);
  const verdicts: (ShapeVerdict<R> | undefined)[] = keys.map(() => undefined);
  const settle = (i: number, verdict: ShapeVerdict<R>): void => {
    verdicts[i] = verdict;
    onVerdict?.(i, verdict);
  };
  keys.forEach((key, i) => { if (key !== undefined && provenShapes?.has(key)) settle(i, { kind: 'proven' }); });
  const heads = keys.map((_, i) => i).filter((i) => provenBy[i] === i && verdicts[i] === undefined);
  const failed = new Set<number>();
  await run(heads, (head, result) => {
    settle(head, { kind: 'run', result });
    if (!result.ok) failed.add(head);
    else if (keys[head] !== undefined) provenShapes?.add(keys[head]!);
    for (let j = head + 1; j < keys.length; j++) {
      if (provenBy[j] === head && result.ok && verdicts[j] === undefined) settle(j, { kind: 'renaming', of: head, result });
    }
  });
  await run(keys.map((_, j) => j).filter((j) => verdicts[j] === undefined && failed.has(provenBy[j]!)), (i, result) => settle(i, { kind: 'run', result }));
  return verdicts as ShapeVerdict<R>[];
}
