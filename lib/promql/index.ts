export * from './selector.js';
export * from './signals.js';
export * from './syntax.js';
