export * from './selector.js';
export * from './signals.js';
