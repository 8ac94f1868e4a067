import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceMetrics } from './registry.js';

export const HTTP_REQUESTS_TOTAL = 'http_requests_total';
export const HTTP_REQUEST_DURATION_SECONDS = 'http_request_duration_seconds';
/** Only when the catalog declares it (HTTP_IN_PROGRESS_METRIC): unlabelled, up while a request is served. */
export const HTTP_REQUESTS_INPROGRESS = 'http_requests_inprogress';

export interface HttpMetricsOptions {
  /**
   * The `handler` label: the route template, never the raw path (every id in a URL would be a new
   * series). @default Express's matched route (`req.baseUrl + req.route.path`) when there is one,
   * else the URL path without its query string — right only for services with a fixed set of paths.
   */
  readonly handler?: (req: IncomingMessage) => string;
}

/** Connect-style middleware: `(req, res, next?)`, usable from Node's http, Express and Fastify (`reply.raw`). */
export type HttpMiddleware = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/**
 * Records `http_requests_total{handler,method,status}` and `http_request_duration_seconds{handler,method}`
 * when the response is finished (or the connection closes first), with the exact status code
 * (`status="503"`, not `5xx`): the error-ratio alerts match `status=~"5.."` and the dashboards split by code.
 * When the catalog declares `http_requests_inprogress`, it is 1 higher from the request's arrival until then.
 */
export function httpMetricsMiddleware(metrics: ServiceMetrics, options: HttpMetricsOptions = {}): HttpMiddleware {
  const requests = metrics.counter(HTTP_REQUESTS_TOTAL);
  const duration = metrics.histogram(HTTP_REQUEST_DURATION_SECONDS);
  const handlerOf = options.handler ?? defaultHandler;
  const inProgress = metrics.definitions.some((d) => d.name === HTTP_REQUESTS_INPROGRESS) ? metrics.gauge(HTTP_REQUESTS_INPROGRESS) : undefined;
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    inProgress?.inc();
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      inProgress?.dec();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const handler = handlerOf(req);
      const method = req.method ?? 'GET';
      requests.inc({ handler, method, status: String(res.statusCode) });
      duration.observe({ handler, method }, seconds);
    };
    res.once('finish', record);
    res.once('close', record);
    next?.();
  };
}

function defaultHandler(req: IncomingMessage): string {
  const express = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  if (typeof express.route?.path === 'string') return `${express.baseUrl ?? ''}${express.route.path}`;
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  return url.split('?')[0] ?? '/';
}
