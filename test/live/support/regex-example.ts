/**
 * A label value a PromQL regex matcher accepts, for building series that real selectors select: the
 * first alternative, `.` as `0` (so `5..` gives `500`), `.*` as nothing, a class as its first character.
 * Covers the regexes alerts and dashboards are written with; anything else is an error naming it.
 */
export function regexExample(regex: string): string {
  const source = firstAlternative(regex);
  let example = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\\') {
      example += source[++i] ?? '';
    } else if (c === '.') {
      if (next === '*' || next === '?') i++;
      else example += '0';
    } else if (c === '[') {
      const close = source.indexOf(']', i + 2);
      example += source[i + 1] === '^' ? 'x' : source[i + 1];
      i = close;
    } else if (!'()*?+'.includes(c)) {
      example += c;
    }
  }
  if (!new RegExp(`^(?:${regex})$`).test(example)) throw new Error(`cannot build a label value matching the regex '${regex}' (tried '${example}')`);
  return example;
}

/** The text up to the first `|` at depth 0, with groups reduced to their own first alternative. */
function firstAlternative(regex: string): string {
  let depth = 0;
  let out = '';
  let skipping = -1;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i]!;
    if (c === '\\') {
      if (skipping < 0) out += c + (regex[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') {
      if (skipping === depth) skipping = -1;
      depth--;
    }
    if (c === '|' && skipping < 0) {
      if (depth === 0) return out;
      skipping = depth;
      continue;
    }
    if (skipping < 0) out += c;
  }
  return out;
}

/** Whether a label value satisfies a PromQL matcher (regexes are fully anchored, as in Prometheus). */
export function matcherAccepts(op: string, expected: string, value: string): boolean {
  switch (op) {
    case '=': return value === expected;
    case '!=': return value !== expected;
    case '=~': return new RegExp(`^(?:${expected})$`).test(value);
    case '!~': return !new RegExp(`^(?:${expected})$`).test(value);
    default: throw new Error(`unknown matcher operator ${op}`);
  }
}
