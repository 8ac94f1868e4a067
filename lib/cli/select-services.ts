import type { ServiceStack } from '../core/stack.js';
import { UsageError } from './errors.js';

/** The stacks named by `--only` (all without it); an unknown name is a usage error listing the known ones. */
export function selectStacks(stacks: readonly ServiceStack[], only: readonly string[] | undefined): readonly ServiceStack[] {
  if (only === undefined) return stacks;
  checkOnly(stacks.map((s) => s.service.name), only);
  return stacks.filter((s) => only.includes(s.service.name));
}

/** An `--only` name that is none of `known` is a usage error listing the known ones. */
export function checkOnly(known: readonly string[], only: readonly string[] | undefined): void {
  if (only === undefined) return;
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown service${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${known.join(', ') || '(none)'}`);
  }
}
