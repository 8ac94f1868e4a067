export * from './house-style.js';
export * from './render-dashboard.js';
export * from './types.js';
export * from './validate-dashboard.js';
