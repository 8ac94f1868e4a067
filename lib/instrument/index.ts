/** Instrumentation kit: prom-client metrics generated from a service's MetricCatalog, and HTTP middleware. */
export { TARGET_LABELS, requiredBucketBounds, serviceMetrics, type ServiceMetrics } from './registry.js';
export {
  HTTP_REQUESTS_TOTAL, HTTP_REQUEST_DURATION_SECONDS, httpMetricsMiddleware, type HttpMetricsOptions, type HttpMiddleware,
} from './http-middleware.js';
