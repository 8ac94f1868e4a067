import type { ValidationIssue } from './issues.js';
import type { ServiceStack } from './stack.js';

const LAZY = Symbol.for('observability-as-code.lazyStacks');

/**
 * An organisation too large to hold in memory at once: its service names, in output order, and how to
 * build one service's stack. Synth builds each stack where it renders it (on a worker thread) and keeps
 * only a small digest of it, so memory does not grow with the number of services; a plain array of
 * stacks holds every stack in every thread.
 */
export interface LazyStacks {
  readonly [LAZY]: true;
  readonly names: readonly string[];
  /** Builds the stack of `name` (one of `names`); called again for every run and thread that needs it. */
  readonly build: (name: string) => ServiceStack;
  /** What `build(name)` reads besides the entry's code ({@link LazyStacksOptions.inputOf}). */
  readonly inputOf?: (name: string) => unknown;
}

export interface LazyStacksOptions {
  /**
   * Everything `build(name)` depends on that is not code the entry imports: the service's entry in a
   * catalog, a file it reads, an environment variable. The CLI keeps, per service, this value's hash with
   * the hash of the entry's code (every module file it loaded outside node_modules, and the lock file) and
   * the engine's; while none of them changes, synth takes what it kept of the service from the last run
   * instead of building its stack, and reuses its files if they are still on disk. So a change to one
   * service's input builds that service only, while any change to the code builds every service again.
   * A value that misses an input is stale output, as a cache key that misses one always is.
   */
  readonly inputOf?: (name: string) => unknown;
}

/** What an entry may export as `stacks`: every stack, or {@link lazyStacks} for a large organisation. */
export type StackSource = readonly ServiceStack[] | LazyStacks;

/**
 * `export const stacks = lazyStacks(names, (name) => stackOf(name))`: the entry of an organisation of
 * thousands of services. `build` must return the same stack for a name every time (synth checks that the
 * stack it gets is named `name`, and caches renders by the stack's content).
 */
export function lazyStacks(names: readonly string[], build: (name: string) => ServiceStack, options: LazyStacksOptions = {}): LazyStacks {
  const bad = names.filter((n) => typeof n !== 'string' || n === '');
  if (bad.length > 0) throw new TypeError(`lazyStacks: every name must be a non-empty string; got ${bad.map((n) => JSON.stringify(n)).join(', ')}`);
  if (typeof build !== 'function') throw new TypeError(`lazyStacks: build must be a function (name) => ServiceStack; got ${kindOf(build)}`);
  const { inputOf } = options;
  if (inputOf !== undefined && typeof inputOf !== 'function') throw new TypeError(`lazyStacks: inputOf must be a function (name) => unknown; got ${kindOf(inputOf)}`);
  return { [LAZY]: true, names: [...names], build, ...(inputOf && { inputOf }) };
}

/** `a string`, `an object`. */
function kindOf(value: unknown): string {
  const type = value === null ? 'null' : typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

export function isLazyStacks(value: unknown): value is LazyStacks {
  return typeof value === 'object' && value !== null && (value as Partial<LazyStacks>)[LAZY] === true;
}

/**
 * A stack source as synth reads it: names up front, a stack by position. `at` of a lazy source builds the
 * stack each time and throws {@link StackBuildError} when the build throws or returns another service.
 */
export interface Organisation {
  readonly names: readonly string[];
  readonly lazy: boolean;
  at(index: number): ServiceStack;
  /** The declared input of the service at `index` (a lazy source with `inputOf`). */
  readonly inputAt?: (index: number) => unknown;
}

/** A lazy source's build failed for one service; synth reports it as that service's issue. */
export class StackBuildError extends Error {
  constructor(readonly issue: ValidationIssue) {
    super(`${issue.service}: ${issue.field} ${String(issue.value)}`);
  }

  get service(): string {
    return this.issue.service;
  }
}

/** The issue of a service whose stack could not be built or rendered at all: a build error as such, anything else as a render error. */
export function unbuiltIssue(service: string, error: unknown): ValidationIssue {
  if (error instanceof StackBuildError) return error.issue;
  return { service, field: '(render)', value: error instanceof Error ? error.message : String(error), allowed: 'input every renderer accepts' };
}

export function organisationOf(source: StackSource): Organisation {
  if (!isLazyStacks(source)) {
    const stacks = source;
    return { names: stacks.map((s) => s.service.name), lazy: false, at: (i) => stacks[i]! };
  }
  const { names, build, inputOf } = source;
  return {
    names, lazy: true,
    ...(inputOf && { inputAt: (i: number) => inputOf(names[i]!) }),
    at: (i) => {
      const name = names[i]!;
      let stack: ServiceStack;
      try {
        stack = build(name);
      } catch (error) {
        throw new StackBuildError({ service: name, field: '(lazyStacks build)', value: error instanceof Error ? error.message : String(error), allowed: 'a build that returns the stack of every listed name' });
      }
      const built = (stack as { service?: { name?: unknown } } | undefined)?.service?.name;
      if (built !== name) {
        throw new StackBuildError({ service: name, field: '(lazyStacks build)', value: `a stack named ${JSON.stringify(built)}`, allowed: `the stack of '${name}', the name it was built for` });
      }
      return stack;
    },
  };
}
