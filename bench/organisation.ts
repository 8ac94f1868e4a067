import { lazyStacks } from '../lib/core/index.js';
import { benchServiceName, harveyLikeStack } from './harvey-like-stack.js';

/**
 * The bench's entry, loaded by `oac synth --entry bench/organisation.ts` exactly as a platform repo's
 * entry is (so synth's worker threads import it too): OAC_BENCH_SERVICES Harvey-like services, the first
 * one with another CPU threshold when OAC_BENCH_CHANGED is set (the one-changed-service runs). Lazy, as a
 * large organisation's entry should be: each thread builds a stack only when it digests or renders it.
 * Each service's input (what its build reads besides this code: its index and variant) is declared, so a
 * run after one service changed builds that one only.
 */
const count = Number(process.env.OAC_BENCH_SERVICES ?? '10');
const changed = Number(process.env.OAC_BENCH_CHANGED ?? '0');
const names = Array.from({ length: count }, (_, i) => benchServiceName(i));
const indexOf = new Map(names.map((name, i) => [name, i]));
const inputOf = (name: string) => {
  const index = indexOf.get(name)!;
  return { index, variant: index === 0 ? changed : 0 };
};
export const stacks = lazyStacks(names, (name) => {
  const { index, variant } = inputOf(name);
  return harveyLikeStack(index, variant);
}, { inputOf });
export { platform } from '../stacks/platform.js';
