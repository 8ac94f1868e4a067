export * from './define-slo.js';
export * from './names.js';
export * from './rules.js';
