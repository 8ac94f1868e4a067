export { verifyExposition, verifyMetrics, readExposition, type MetricsFinding, type FindingKind, type VerifyOptions } from './verify-metrics.js';
