import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Provenance } from '../lib/core/provenance.js';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { platform } from '../stacks/platform.js';
import { renderService } from '../lib/synth/synthesize.js';
import { promtoolTestsFor } from '../lib/render/promtool/test-file.js';
import { promtoolTestFileYaml } from '../lib/render/promtool/test-file-yaml.js';
import { harveyLikeStack } from './harvey-like-stack.js';

/**
 * `node --import tsx bench/render-profile.ts [--services 30] [--warmup 10] [--rounds 3] [--only render|tests|all]` (add `--cpu-prof`
 * before `--import` for a profile): renders Harvey-like services on this thread as a synth worker does
 * (renderService, lib/synth/render-worker.ts) and prints the CPU ms per service after warm-up, per round
 * and their median, then the same for the promtool test file alone, and a sha256 over every rendered file
 * (path and bytes, in order) so a change to the renderers can be shown to keep the output byte-identical.
 */
const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    /** `render` (renderService only), `tests` (the promtool test file only) or `all`. */
    only: { type: 'string', default: 'all' },
  },
});
const services = Number(values.services);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
// Fixed, so the hash does not depend on where this runs.
const provenance: Provenance = { command: 'npm run synth', root: fileURLToPath(new URL('..', import.meta.url)) };
const stacks = Array.from({ length: services }, (_, i) => harveyLikeStack(i));

const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const hash = createHash('sha256');
for (const stack of stacks.slice(0, Math.min(20, services))) {
  const one = renderService(stack, platform, provenance);
  if (one.issues.length > 0) throw new Error(`${one.service}: ${JSON.stringify(one.issues.slice(0, 3))}`);
  for (const [path, content] of one.files) hash.update(`${path}\0${content}\0`);
}
const digest = hash.digest('hex');

for (let i = 0; i < warmup; i++) renderService(stacks[i % services]!, platform, provenance);
const perRound = (label: string, work: (i: number) => void): void => {
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const cpu0 = cpuMs();
    const wall0 = performance.now();
    for (let i = 0; i < services; i++) work(i);
    const cpu = (cpuMs() - cpu0) / services;
    const wall = (performance.now() - wall0) / services;
    results.push(cpu);
    console.log(`${label} round ${r + 1}: ${cpu.toFixed(1)} ms CPU / ${wall.toFixed(1)} ms wall per service`);
  }
  // On a shared machine the minimum is the least disturbed round.
  console.log(`${label} median: ${median(results).toFixed(1)} ms CPU per service (min ${Math.min(...results).toFixed(1)})`);
};
if (values.only !== 'tests') perRound('renderService', (i) => { renderService(stacks[i]!, platform, provenance); });
if (values.only !== 'render') {
  perRound('promtoolTestsFor', (i) => { promtoolTestsFor(stacks[i]!, platform, 'prometheus-rules.yaml'); });
  perRound('promtoolTestsFor+yaml', (i) => { promtoolTestFileYaml(promtoolTestsFor(stacks[i]!, platform, 'prometheus-rules.yaml')); });
}
console.log(`sha256 of the first ${Math.min(20, services)} services' files: ${digest}`);
