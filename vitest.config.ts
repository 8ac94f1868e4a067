import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // promtool and full synth runs take a few seconds each on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
