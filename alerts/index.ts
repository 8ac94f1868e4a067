export * from './alert-options.js';
export * from './availability.js';
export * from './business-throughput.js';
export * from './container-resources.js';
export * from './histogram-latency.js';
export * from './http-golden-signals.js';
export * from './two-level.js';
