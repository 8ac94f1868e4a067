import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';

/**
 * What one service's output depends on, as a hash: the service's stack (every data field, class names,
 * Map entries, function source), the platform, and the engine (every code file of this package's lib/,
 * declarations and source maps aside, plus package.json and package-lock.json, so a new renderer or
 * dependency version is a new key).
 * Equal keys mean the same input to the same code, so synth may reuse what it rendered for it before.
 */
export function serviceInputKey(stack: ServiceStack, platform: PlatformConfig, engine = engineFingerprint()): string {
  return createHash('sha256').update(engine).update('\0').update(canonical(platform)).update('\0').update(canonical(stack)).digest('hex');
}

/**
 * Deterministic text of any data: keys sorted, class instances tagged, Maps/Sets as entries, functions by source, cycles refused.
 * It runs once per service on every synth (an ~80 KB text for a Harvey-sized stack), so it appends to one
 * string instead of joining arrays of pieces, and quotes plain strings without a JSON.stringify call each.
 */
export function canonical(value: unknown): string {
  // The objects being written, outermost first: shared (acyclic) references are fine, an ancestor is a cycle.
  const open: object[] = [];
  let out = '';
  /** The text of one value on its own (Map and Set entries are sorted by their text). */
  const pieceOf = (v: unknown): string => {
    const before = out;
    out = '';
    write(v);
    const piece = out;
    out = before;
    return piece;
  };
  const write = (v: unknown): void => {
    switch (typeof v) {
      case 'string': out += quoted(v); return;
      case 'number': out += Object.is(v, -0) ? '-0' : String(v); return;
      case 'undefined': out += 'u'; return;
      case 'boolean': out += v ? 'true' : 'false'; return;
      case 'bigint': out += `${v}n`; return;
      case 'function': out += `f${JSON.stringify(v.toString())}`; return;
      case 'symbol': out += `s${JSON.stringify(v.toString())}`; return;
    }
    if (v === null) {
      out += 'null';
      return;
    }
    const object = v as object;
    if (open.includes(object)) throw new Error('canonical: cyclic input');
    open.push(object);
    if (Array.isArray(object)) {
      out += '[';
      for (let i = 0; i < object.length; i++) {
        if (i > 0) out += ',';
        if (i in object) write(object[i]); // a hole stays empty
      }
      out += ']';
    } else if (object instanceof Map) {
      out += `M[${[...object].map(([k, x]) => `${pieceOf(k)}:${pieceOf(x)}`).sort().join(',')}]`;
    } else if (object instanceof Set) {
      out += `S[${[...object].map(pieceOf).sort().join(',')}]`;
    } else if (object instanceof RegExp || object instanceof Date) {
      out += `${object.constructor.name}${JSON.stringify(String(object))}`;
    } else {
      const proto = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
      if (proto !== Object.prototype && proto !== null) out += proto.constructor?.name ?? '?';
      // Every own string key, enumerable or not (as Reflect.ownKeys less the symbols).
      const keys = sortedInPlace(Object.getOwnPropertyNames(object));
      out += '{';
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) out += ',';
        out += quotedKey(keys[i]!);
        out += ':';
        write((object as Record<string, unknown>)[keys[i]!]);
      }
      out += '}';
    }
    // No try/finally: a throw ends the whole text, and `open` with it.
    open.pop();
  };
  write(value);
  return out;
}

/** What JSON.stringify escapes in a string: quotes, backslashes, control characters and lone surrogates (any surrogate goes the slow way). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string, without its per-call cost for the common string that needs no escape. */
function quoted(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Keys repeat across a stack (and every stack): each quoted once, a bounded few thousand kept. */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = quoted(key);
    if (quotedKeys.size >= 4096) quotedKeys.clear();
    quotedKeys.set(key, q);
  }
  return q;
}

/** The order of Array.prototype.sort() on strings (UTF-16 code units); insertion sort for an object's few keys. */
function sortedInPlace(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

let fingerprint: string | undefined;

/** Hash of the engine's own files (see {@link serviceInputKey}), computed once per process. */
export function engineFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = packageRoot();
  // The engine's code is the tree this file sits in: lib/ in the repository, build/lib/ where the package is installed.
  const engineDir = dirname(import.meta.dirname);
  const hash = createHash('sha256');
  // Code only: the build's declarations and source maps (three files of four there) change nothing synth does.
  const files = listFiles(engineDir).filter((f) => !f.endsWith('.d.ts') && !f.endsWith('.map')).map((f) => join(relative(root, engineDir), f));
  for (const extra of ['package.json', 'package-lock.json']) files.push(extra);
  for (const file of files.sort()) {
    let content: Buffer;
    try {
      content = readFileSync(join(root, file));
    } catch {
      continue; // package-lock.json is absent where the package is installed
    }
    hash.update(`${file.split(sep).join('/')}\0${content.length}\0`).update(content);
  }
  return (fingerprint = hash.digest('hex'));
}

function packageRoot(): string {
  let dir = import.meta.dirname;
  for (;;) {
    try {
      readFileSync(join(dir, 'package.json'));
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
      dir = parent;
    }
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}
