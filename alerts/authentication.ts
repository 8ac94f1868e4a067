import type { AlertSpec } from '../lib/core/alert.js';
import type { Service } from '../lib/core/service.js';
import type { DurationText, PercentText } from '../lib/core/units.js';
import { eq, re } from '../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';
import { minEventsOption, series, shareThreshold } from './pack-support.js';

/** HTTP statuses that mean "refused by authentication or authorisation". */
export const AUTH_FAILURE_STATUS = '401|403';

export interface AuthenticationFailuresOptions extends CommonAlertOptions {
  /** The workload whose `http_requests_total` is watched (selected by its job only). */
  readonly workload: string;
  /** Share of 401/403 responses among all responses, e.g. `'20%'`; below 100%. */
  readonly above: PercentText;
  /**
   * Rate window. Longer than the usual 5m because the signal has no absolute floor: at low traffic a
   * longer window collects enough requests that a few refused ones do not reach the share alone.
   * @default '10m'
   */
  readonly window?: DurationText;
  /** @default '<Prefix>AuthenticationFailures' */
  readonly name?: string;
  /**
   * Minimum volume: the alert fires only while the job served at least this many requests within the
   * window, e.g. `100`, so that a quiet API refusing 2 of 5 requests does not page. A positive whole
   * number. @default undefined (no minimum: any traffic)
   */
  readonly minEvents?: number;
}

/**
 * Mass authentication failures: the share of 401 Unauthorized and 403 Forbidden responses among all
 * HTTP responses of the workload's job,
 *
 *   sum(rate(http_requests_total{job,status=~"401|403"}[w])) / sum(rate(http_requests_total{job}[w])) > share
 *
 * A share, not a count, so one threshold holds at any traffic; expired tokens, probes and mistyped
 * passwords keep it low and steady, while a broken identity provider, a wrong token-signing secret or a
 * credential-stuffing run push it up within minutes. No traffic gives 0/0 = NaN, which never fires.
 *
 * No minimum volume by default. At very low traffic (a few requests per window) one client retrying
 * with an expired token can reach the share; the 10m default window and the `for` absorb some of that,
 * and `minEvents` sets a floor on the requests served within the window:
 *
 *   <share> > t and on() sum(increase(http_requests_total{job}[w])) >= minEvents
 *
 * (the dashboard line, the value query, stays the share).
 */
export function authenticationFailuresAlert(service: Service, options: AuthenticationFailuresOptions): AlertSpec {
  const { issues } = service;
  const name = alertName(service, options.name, 'AuthenticationFailures');
  const workload = service.workload(options.workload, `alerts.${name}.workload`);
  const threshold = shareThreshold(service, `alerts.${name}.above`, options.above);
  const window = issues.duration(`alerts.${name}.window`, options.window ?? '10m');
  const minEvents = minEventsOption(service, `alerts.${name}.minEvents`, options.minEvents);
  const job = workload.job;
  return buildAlert(service, options, {
    name,
    group: 'authentication',
    signal: {
      kind: 'counterRatio',
      numerator: series('http_requests_total', eq('job', job), re('status', AUTH_FAILURE_STATUS)),
      denominator: series('http_requests_total', eq('job', job)),
      window,
      threshold,
      comparator: '>',
      ...(minEvents !== undefined && { minEvents }),
    },
    summary: `${service.title}: more than ${threshold} of requests refused with 401/403`,
    description: `{{ $value | humanizePercentage }} of ${service.title} responses over the last ${window.text} are 401 or 403 (threshold ${threshold}): users are being refused in bulk.`,
    runbook: {
      meaning: `More than ${threshold} of the responses of ${service.title} are 401 Unauthorized or 403 Forbidden: users cannot log in, or their sessions and tokens are rejected in bulk.`,
      why: `A share of all responses, so the threshold holds at any traffic; token expiry and probing keep it low and steady. ` +
        (minEvents === undefined
          ? `Measured over ${window.text}; there is no absolute floor, so at very low traffic a few refused requests weigh a lot, which the window and the \`for\` absorb. `
          : `Measured over ${window.text}, and only once at least ${minEvents} requests were served in that window, so a few refused requests at very low traffic do not page. `) +
        'With no traffic the ratio is undefined and stays silent.',
      diagnose: [
        `See which handlers refuse, and with which status: \`sum by (handler, status) (rate(http_requests_total{job="${job}",status=~"${AUTH_FAILURE_STATUS}"}[5m]))\`. ` +
          'Only the login handler points at credentials or the identity provider; every handler points at token validation (signing secret, issuer, audience, clock).',
        'Check the identity provider: its health endpoint and status page.',
        'Compare with the last deploy or configuration change (token secret, allowed origins, rate-limit settings).',
        'Look for one client or address behind most failures in the access logs (credential stuffing, or a client release sending bad tokens).',
      ],
      act: [
        'If a deploy or configuration change started it, roll it back.',
        'If the identity provider is down, tell users through the usual channel and follow its status page; nothing on our side brings it back.',
        'If one source hammers the login endpoint, block or rate-limit it at the edge.',
      ],
    },
  });
}
