import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Most of the suite waits on child processes (promtool, npm pack/install, Prometheus and Alertmanager
    // evaluating scaled `for` durations), not on this process's CPU: three files at once on a 2-core
    // machine keeps both cores busy where vitest's default (cores - 1 = one file) leaves one idle.
    maxWorkers: 3,
    // promtool and full synth runs take a few seconds each on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
