import { DEFAULT_PLATFORM, type ServiceStack } from '../lib/core/index.js';
import { synthesize } from '../lib/synth/synthesize.js';
import { benchStack } from './fixture-stack.js';

/**
 * Synth cost per service as the platform grows, reported as ratios against a baseline measured in the
 * same run (one service), so the numbers compare across machines: 1.0 means linear scaling.
 * Heap is what a run retains after a forced GC. Usage: npm run bench [-- <largest service count>] (default 1000)
 */
const largest = Number(process.argv[2] ?? 1000);
const sizes = [1, 10, 100, largest].filter((n, i, all) => n <= largest && all.indexOf(n) === i);

function measure(count: number): { msPerService: number; heapMbPerService: number } {
  if (!globalThis.gc) throw new Error('run with node --expose-gc (npm run bench does)');
  const runs = count <= 10 ? 7 : 3;
  const times: number[] = [];
  let heap = 0;
  for (let r = 0; r < runs; r++) {
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    const stacks: ServiceStack[] = Array.from({ length: count }, (_, i) => benchStack(i));
    const { files, issues } = synthesize(stacks, DEFAULT_PLATFORM);
    times.push(performance.now() - start);
    globalThis.gc?.(); // what the run retains (model + rendered files), not garbage awaiting collection
    heap = Math.max(heap, process.memoryUsage().heapUsed - before);
    if (files.size === 0) throw new Error('bench produced no files');
    if (issues.length) throw new Error(`bench stacks are invalid: ${JSON.stringify(issues[0])}`);
  }
  const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  return { msPerService: median / count, heapMbPerService: heap / count / 2 ** 20 };
}

measure(3); // warm-up: JIT and module caches, not measured
const baseline = measure(1);
console.log(`baseline (1 service): ${baseline.msPerService.toFixed(1)} ms, ${baseline.heapMbPerService.toFixed(2)} MiB heap`);
console.log('services | time/service vs baseline | heap/service vs baseline');
for (const n of sizes) {
  const m = measure(n);
  console.log(`${String(n).padStart(8)} | ${(m.msPerService / baseline.msPerService).toFixed(2).padStart(24)} | ${(m.heapMbPerService / Math.max(baseline.heapMbPerService, 1e-9)).toFixed(2).padStart(24)}`);
}
