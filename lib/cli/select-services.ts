import type { ServiceStack } from '../core/stack.js';
import { UsageError } from './errors.js';

/** The stacks named by `--only` (all without it); an unknown name is a usage error listing the known ones. */
export function selectStacks(stacks: readonly ServiceStack[], only: readonly string[] | undefined): readonly ServiceStack[] {
  if (only === undefined) return stacks;
  const known = stacks.map((s) => s.service.name);
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown service${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${known.join(', ') || '(none)'}`);
  }
  return stacks.filter((s) => only.includes(s.service.name));
}
