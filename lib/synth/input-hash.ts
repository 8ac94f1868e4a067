import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';

/**
 * What one service's output depends on, as a hash: the service's stack (every data field, class names,
 * Map entries, function source), the platform, and the engine (every source file of this package's lib/
 * plus package.json and package-lock.json, so a new renderer or dependency version is a new key).
 * Equal keys mean the same input to the same code, so synth may reuse what it rendered for it before.
 */
export function serviceInputKey(stack: ServiceStack, platform: PlatformConfig, engine = engineFingerprint()): string {
  return createHash('sha256').update(engine).update('\0').update(canonical(platform)).update('\0').update(canonical(stack)).digest('hex');
}

/** Deterministic text of any data: keys sorted, class instances tagged, Maps/Sets as entries, functions by source, cycles refused. */
export function canonical(value: unknown): string {
  const stack = new Set<object>();
  const walk = (v: unknown): string => {
    if (v === undefined) return 'u';
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return `f${JSON.stringify(v.toString())}`;
    if (typeof v === 'symbol') return `s${JSON.stringify(v.toString())}`;
    const object = v as object;
    if (stack.has(object)) throw new Error('canonical: cyclic input');
    stack.add(object);
    try {
      if (Array.isArray(object)) return `[${object.map(walk).join(',')}]`;
      if (object instanceof Map) return `M[${[...object].map(([k, x]) => `${walk(k)}:${walk(x)}`).sort().join(',')}]`;
      if (object instanceof Set) return `S[${[...object].map(walk).sort().join(',')}]`;
      if (object instanceof RegExp || object instanceof Date) return `${object.constructor.name}${JSON.stringify(String(object))}`;
      const proto = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
      const tag = proto === Object.prototype || proto === null ? '' : (proto.constructor?.name ?? '?');
      const keys = Reflect.ownKeys(object).filter((k): k is string => typeof k === 'string').sort();
      return `${tag}{${keys.map((k) => `${JSON.stringify(k)}:${walk((object as Record<string, unknown>)[k])}`).join(',')}}`;
    } finally {
      stack.delete(object);
    }
  };
  return walk(value);
}

let fingerprint: string | undefined;

/** Hash of the engine's own files (see {@link serviceInputKey}), computed once per process. */
export function engineFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = packageRoot();
  // The engine's code is the tree this file sits in: lib/ in the repository, build/lib/ where the package is installed.
  const engineDir = dirname(import.meta.dirname);
  const hash = createHash('sha256');
  const files = listFiles(engineDir).map((f) => join(relative(root, engineDir), f));
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
