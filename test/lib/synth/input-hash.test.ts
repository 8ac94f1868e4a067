import { describe, expect, it } from 'vitest';
import { harveyLikeStack } from '../../../bench/harvey-like-stack.js';
import { canonical, serviceInputKey } from '../../../lib/synth/input-hash.js';
import { platform, stacks } from '../../../stacks/index.js';
import { platform as shopPlatform, shopStacks } from './support/shop-entry.js';

/**
 * canonical as first written (arrays of pieces joined, JSON.stringify for every string): the cache keys
 * already on disk came from it, so the faster version must return exactly its text for every input.
 */
function referenceCanonical(value: unknown): string {
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

class Thing {
  readonly kind = 'thing';
  constructor(readonly size: number) {}
}
const anonymous = new (class {
  x = 1;
})();
const withHidden = Object.defineProperty({ shown: 1 }, 'hidden', { value: 'not enumerable', enumerable: false });
const shared = { shared: true };
const manyKeys = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
const sparse = [1, , 3];

const edgeCases: Record<string, unknown> = {
  'scalars': [undefined, null, true, false, 0, -0, 1.5, -2e-7, 1e21, NaN, Infinity, -Infinity, 10n, -3n],
  'strings that need escaping': ['', 'plain', 'quote " inside', 'back\\slash', 'new\nline\ttab\r', '\u0000\u0001\u001f\u007f', 'é ü 中文 😀', '\ud800 lone high', 'lone low \udc00', '\u2028\u2029'],
  'keys that need escaping or sort numerically': { 'b': 1, 'a': 2, '10': 3, '2': 4, 'q"k': 5, 'nl\nk': 6, '': 7, 'Z': 8, 'é': 9, '😀': 10, '\udbff': 11 },
  'an object of more keys than the insertion sort handles': manyKeys,
  'nested plain objects and arrays': { list: [{ z: 1, y: [2, [3, { x: 4 }]] }], empty: {}, none: [] },
  'a sparse array': sparse,
  'an array with a named property': Object.assign([1, 2], { extra: 'ignored' }),
  'Maps, keyed by anything, in any order': new Map<unknown, unknown>([['b', 1], ['a', { deep: [1] }], [3, 'three'], [{ o: 1 }, null], [undefined, undefined]]),
  'an empty Map and Set': [new Map(), new Set()],
  'Sets in any order': new Set(['z', 'a', 1, { s: 1 }, [2]]),
  'class instances, named and anonymous': [new Thing(3), anonymous],
  'a null-prototype object': Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
  'a non-enumerable own property': withHidden,
  'symbols as values and keys': { sym: Symbol('described'), [Symbol('key')]: 'symbol keys are left out' },
  'functions and classes by source': [function named(x: number) { return x + 1; }, (a: number) => a * 2, Thing],
  'RegExps and Dates': [/a+b/gi, new Date(0), new Date(Number.NaN)],
  'the same object twice (not a cycle)': [shared, { again: shared }],
  'boxed primitives': [Object(1), Object('s'), Object(true)],
};

describe('canonical', () => {
  it.each([...stacks.map((s) => [s.service.name, s] as const), ['bench service 7', harveyLikeStack(7)] as const, ...shopStacks(true).map((s) => [`shop ${s.service.name}`, s] as const)])(
    'writes the same text as the first implementation for the stack of %s',
    (_, stack) => {
      const text = canonical(stack);
      expect(text.length).toBeGreaterThan(1000);
      expect(text).toBe(referenceCanonical(stack));
    },
  );

  it('writes the same text as the first implementation for the platforms', () => {
    expect(canonical(platform)).toBe(referenceCanonical(platform));
    expect(canonical(shopPlatform)).toBe(referenceCanonical(shopPlatform));
  });

  it.each(Object.entries(edgeCases))('writes the same text as the first implementation for %s', (_, value) => {
    expect(canonical(value)).toBe(referenceCanonical(value));
  });

  it('sorts keys, so the order an object was built in does not matter', () => {
    expect(canonical({ a: 1, b: { d: 2, c: 3 } })).toBe(canonical({ b: { c: 3, d: 2 }, a: 1 }));
  });

  it('tells apart what JSON would not: -0, undefined, class names, Map and Set, functions', () => {
    expect(canonical(-0)).not.toBe(canonical(0));
    expect(canonical({ a: undefined })).not.toBe(canonical({}));
    expect(canonical(new Thing(1))).not.toBe(canonical({ kind: 'thing', size: 1 }));
    expect(canonical(new Map([['a', 1]]))).not.toBe(canonical({ a: 1 }));
    expect(canonical(new Set([1]))).not.toBe(canonical([1]));
    expect(canonical({ f: () => 1 })).not.toBe(canonical({ f: () => 2 }));
  });

  it('refuses a cycle, through objects, arrays and Maps', () => {
    const object: Record<string, unknown> = { a: 1 };
    object.self = object;
    const array: unknown[] = [1];
    array.push([array]);
    const map = new Map<string, unknown>();
    map.set('me', { map });
    for (const cyclic of [object, array, map]) {
      expect(() => canonical(cyclic)).toThrow('canonical: cyclic input');
      expect(() => referenceCanonical(cyclic)).toThrow('canonical: cyclic input');
    }
  });
});

describe('serviceInputKey', () => {
  it('changes with one threshold of one service, and not with a rebuilt equal stack', () => {
    const key = serviceInputKey(harveyLikeStack(1), platform, 'engine');
    expect(serviceInputKey(harveyLikeStack(1), platform, 'engine')).toBe(key);
    expect(serviceInputKey(harveyLikeStack(1, 1), platform, 'engine')).not.toBe(key);
    expect(serviceInputKey(harveyLikeStack(1), platform, 'another engine')).not.toBe(key);
  });
});
