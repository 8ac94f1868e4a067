export * from './dashboard-config-map.js';
export * from './hpa.js';
export * from './labels.js';
export * from './network-policies.js';
export * from './prometheus-rule.js';
export * from './service-chart.js';
export * from './service-monitor.js';
export * from './validate-manifest.js';
