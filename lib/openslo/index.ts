export * from './export.js';
export * from './import.js';
export * from './schema.js';
