import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each expectAlert runs promtool once (well under a second); an SLO's slow tiers take a few seconds.
    testTimeout: 60_000,
  },
});
