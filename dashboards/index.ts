// The `/dashboards` entry: the dashboard templates and the Grafana building blocks they are made of.
export * from './service-performance-queries.js';
export * from './service-performance.js';
export * from './slo-queries.js';
export * from './slo.js';
export * from '../lib/render/grafana/index.js';
