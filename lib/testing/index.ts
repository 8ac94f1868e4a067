// The `/testing` entry: helpers for a team's own vitest suite, each backed by the real promtool.
export * from './promtool.js';
export * from './threshold-table.js';
