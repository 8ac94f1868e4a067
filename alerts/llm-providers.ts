import type { AlertSpec } from '../lib/core/alert.js';
import type { MetricDefinition } from '../lib/core/metric-catalog.js';
import type { Service } from '../lib/core/service.js';
import type { DurationText, PercentText } from '../lib/core/units.js';
import { eq, re } from '../lib/promql/selector.js';
import { alertName, buildAlert, type CommonAlertOptions } from './alert-options.js';
import { histogramLatencyAlert } from './histogram-latency.js';
import { checkLabelValue, checkTitle, namePart, requireMetric, series, shareThreshold } from './pack-support.js';

/**
 * Client-side metrics of calls to LLM providers, recorded by the application around every call (the
 * providers publish no metrics of their own). Label values:
 *
 * - `provider`: lower-case provider id, e.g. `openai`, `anthropic`;
 * - `model`: the model asked for, e.g. `gpt-4o-mini`;
 * - `status`: the HTTP status code the provider answered (`200`, `400`, `429`, `500`, ...), or `timeout`
 *   when no answer arrived in time, or `error` when the connection failed. One increment per HTTP
 *   attempt, retries included, so a call retried twice after 429s counts three times;
 * - `type` (tokens only): `prompt` or `completion`.
 *
 * With the Python client:
 *
 *   LLM_REQUESTS = Counter('llm_requests', '...', ['provider', 'model', 'status'])   # exposed as llm_requests_total
 *   LLM_DURATION = Histogram('llm_request_duration_seconds', '...', ['provider', 'model'], buckets=LLM_LATENCY_BUCKETS)
 */
export const LLM_REQUESTS_METRIC = 'llm_requests_total';
export const LLM_DURATION_METRIC = 'llm_request_duration_seconds';
export const LLM_TOKENS_METRIC = 'llm_tokens_total';

/**
 * Seconds. LLM calls take from a fraction of a second (short completions) to minutes (long generations),
 * so the bounds reach 120s; every latency threshold of this pack must be one of them.
 */
export const LLM_LATENCY_BUCKETS: readonly number[] = [0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60, 90, 120];

/** Statuses counted as failed calls: the provider's server errors, timeouts and connection failures. */
export const LLM_FAILED_STATUS = '5..|timeout|error';
/** The provider refused the call for rate limit or exhausted quota. */
export const LLM_RATE_LIMITED_STATUS = '429';

/** The metric definitions a stack adds to its service's `metrics` to use this pack. */
export function llmMetrics(buckets: readonly number[] = LLM_LATENCY_BUCKETS): MetricDefinition[] {
  return [
    {
      name: LLM_REQUESTS_METRIC, type: 'counter', source: 'application', labels: ['job', 'provider', 'model', 'status'],
      help: 'Calls (HTTP attempts, retries included) to LLM providers, by provider, model and status: the HTTP status code, or timeout / error when no answer arrived.',
    },
    {
      name: LLM_DURATION_METRIC, type: 'histogram', source: 'application', labels: ['job', 'provider', 'model'], buckets,
      help: 'Duration of calls to LLM providers in seconds, from sending the request to the end of the answer.',
    },
    {
      name: LLM_TOKENS_METRIC, type: 'counter', source: 'application', labels: ['job', 'provider', 'model', 'type'],
      help: 'Tokens used in calls to LLM providers, by type: prompt or completion (what the provider bills).',
    },
  ];
}

export interface LlmShareAlertOptions extends CommonAlertOptions {
  /** Share of the provider's calls, e.g. `'10%'`; below 100%. */
  readonly above: PercentText;
  /** @default '5m' */
  readonly window?: DurationText;
}

export interface LlmLatencyAlertOptions extends CommonAlertOptions {
  /** Must be a bucket bound of `llm_request_duration_seconds` (see LLM_LATENCY_BUCKETS). */
  readonly above: DurationText;
  /** @default 0.95 */
  readonly quantile?: number;
  /** @default '5m' */
  readonly window?: DurationText;
}

export interface LlmProviderAlertsOptions {
  /** The workload that calls the provider; its job is on the metrics. */
  readonly workload: string;
  /** Value of the `provider` label, e.g. `'openai'`. */
  readonly provider: string;
  /** The provider as people write it, e.g. `'OpenAI'`; default alert names are built from it. */
  readonly title: string;
  /** Share of failed calls (5xx, timeouts, connection errors). @default name '<Prefix><Title>HighErrorRate' */
  readonly errors?: LlmShareAlertOptions;
  /** Share of calls refused with 429 (rate limit or quota). @default name '<Prefix><Title>QuotaExceeded' */
  readonly quota?: LlmShareAlertOptions;
  /**
   * A quantile of call duration. The latency signal selects by `job` only (it takes no other label
   * matcher), so it covers every provider the job calls: with one provider, as here, that is this
   * provider's latency; with several, enable it on one provider only and read the per-provider panels.
   * @default name '<Prefix><Title>HighLatency'
   */
  readonly latency?: LlmLatencyAlertOptions;
}

/**
 * Alerts on one LLM provider as the application sees it, from the metrics of `llmMetrics()`:
 *
 * - errors: `sum(rate(llm_requests_total{job,provider,status=~"5..|timeout|error"}[w])) / sum(rate(llm_requests_total{job,provider}[w]))`;
 * - quota: the same with `status="429"`: a share, not an increase, so bursts that a client's retries
 *   absorb stay below it while an exhausted quota (every call refused) or sustained throttling exceed it;
 * - latency: `histogram_quantile(q, sum by (le) (rate(llm_request_duration_seconds_bucket{job}[w])))`.
 *
 * 429s are not failures here (the quota alert owns them) and other 4xx are the application's own
 * mistakes (bad request, bad key), which its HTTP error rate shows. No calls gives 0/0 = NaN: silent.
 */
export function llmProviderAlerts(service: Service, options: LlmProviderAlertsOptions): AlertSpec[] {
  const title = checkTitle(service, `alerts.${service.alertPrefix}${namePart(options.title)}.title`, options.title);
  const prefix = namePart(title);
  const workload = service.workload(options.workload, `alerts.${service.alertPrefix}${prefix}.workload`);
  const provider = checkLabelValue(service, `alerts.${service.alertPrefix}${prefix}.provider`, options.provider);
  const alerts: AlertSpec[] = [];
  const calls = [eq('job', workload.job), eq('provider', provider)] as const;

  if (options.errors) {
    const name = alertName(service, options.errors.name, `${prefix}HighErrorRate`);
    const o = options.errors;
    alerts.push(shareAlert(service, name, o, {
      numerator: series(LLM_REQUESTS_METRIC, ...calls, re('status', LLM_FAILED_STATUS)),
      denominator: series(LLM_REQUESTS_METRIC, ...calls),
    }, (threshold, window) => ({
      summary: `${title} calls failing: more than ${threshold} errors`,
      description: `{{ $value | humanizePercentage }} of calls from ${service.title} to ${title} over the last ${window} failed (5xx, timeout or connection error; threshold ${threshold}).`,
      runbook: {
        meaning: `More than ${threshold} of the calls from ${service.title} to ${title} fail with a server error, a timeout or a connection error. Features that need ${title} fail or degrade.`,
        why: `Failed calls over all calls to ${title}, retries included, so a provider incident shows whatever the traffic; 429s are left to the quota alert and other 4xx are our own request errors. ` +
          'With no calls the ratio is undefined and stays silent.',
        diagnose: [
          `Split by status and model: \`sum by (status, model) (rate(${LLM_REQUESTS_METRIC}{job="${workload.job}",provider="${provider}"}[5m]))\``,
          `Check ${title}'s status page for an incident.`,
          `Read the application logs for ${title} errors (status codes, error bodies, timeouts).`,
          'Timeouts or connection errors only: check egress from the application (DNS, proxy, firewall) before blaming the provider.',
        ],
        act: [
          `If ${title} has an incident, switch to the fallback model or provider if the application has one, and tell users that AI features are degraded.`,
          'If only one model fails, move traffic to another model.',
        ],
      },
    })));
  }

  if (options.quota) {
    const name = alertName(service, options.quota.name, `${prefix}QuotaExceeded`);
    alerts.push(shareAlert(service, name, options.quota, {
      numerator: series(LLM_REQUESTS_METRIC, ...calls, eq('status', LLM_RATE_LIMITED_STATUS)),
      denominator: series(LLM_REQUESTS_METRIC, ...calls),
    }, (threshold, window) => ({
      summary: `${title} refuses calls with 429: quota or rate limit exceeded`,
      description: `{{ $value | humanizePercentage }} of calls from ${service.title} to ${title} over the last ${window} were refused with 429 (threshold ${threshold}): the rate limit or the quota is exhausted.`,
      runbook: {
        meaning: `${title} refuses more than ${threshold} of the calls from ${service.title} with 429 Too Many Requests: the account's rate limit (requests or tokens per minute) is exceeded, or its quota or billing limit is used up. AI features stop answering.`,
        why: 'A share of all calls: short bursts absorbed by retries stay below it, sustained throttling or an exhausted quota (every call refused) exceed it. ' +
          'Retries count as calls, so a throttled client that retries a lot raises the share quickly.',
        diagnose: [
          `Which models are refused: \`sum by (model) (rate(${LLM_REQUESTS_METRIC}{job="${workload.job}",provider="${provider}",status="${LLM_RATE_LIMITED_STATUS}"}[5m]))\``,
          `Token use against the limits: \`sum by (model, type) (rate(${LLM_TOKENS_METRIC}{job="${workload.job}",provider="${provider}"}[5m])) * 60\` (tokens per minute).`,
          `Open ${title}'s usage and billing pages: a rate limit (per minute) recovers by itself, an exhausted quota or billing cap does not.`,
          'Read the 429 error bodies in the application logs: they say whether the rate limit or the quota was hit.',
        ],
        act: [
          'Switch to a cheaper model or the fallback provider, if the application has one.',
          'Make the application cache answers more aggressively and back off on retries.',
          'If the quota or billing cap is used up, ask whoever owns the account to raise it.',
        ],
      },
    })));
  }

  if (options.latency) {
    const o = options.latency;
    // histogramLatencyAlert checks the name, the histogram in the catalog and the threshold against its bounds.
    const name = o.name ?? `${service.alertPrefix}${prefix}HighLatency`;
    alerts.push(histogramLatencyAlert(service, {
      ...o, name, workload: workload.name, metric: LLM_DURATION_METRIC, group: 'llm', subject: `${title} call`,
    }, {
      meaning: `Calls from ${service.title} to ${title} are slow; every feature that waits for ${title} is at least as slow, and requests may time out.`,
      why: `The quantile comes from the buckets of ${LLM_DURATION_METRIC}, so the threshold is a bucket bound and exact; ${o.for} of persistence skips a few long generations.`,
      diagnose: [
        `Which model is slow: \`histogram_quantile(0.95, sum by (le, model) (rate(${LLM_DURATION_METRIC}_bucket{job="${workload.job}",provider="${provider}"}[5m])))\``,
        `Check ${title}'s status page for degraded performance.`,
        `Compare with the tokens per call: longer prompts or answers take longer (\`${LLM_TOKENS_METRIC}\`).`,
      ],
      act: [
        'Switch slow features to a faster model or the fallback provider, if the application has one.',
        'Shorten prompts and cap answer length; serve repeated questions from the cache.',
      ],
    }));
  }
  return alerts;
}

type ShareTexts = Pick<AlertSpec, 'summary' | 'description' | 'runbook'>;

function shareAlert(
  service: Service,
  name: string,
  options: LlmShareAlertOptions,
  ratio: { numerator: ReturnType<typeof series>; denominator: ReturnType<typeof series> },
  texts: (threshold: string, window: string) => ShareTexts,
): AlertSpec {
  const { issues } = service;
  requireMetric(service, `alerts.${name}.metric`, LLM_REQUESTS_METRIC, 'counter', 'add llmMetrics() to the service\'s metrics');
  const threshold = shareThreshold(service, `alerts.${name}.above`, options.above);
  const window = issues.duration(`alerts.${name}.window`, options.window ?? '5m');
  const { summary, description, runbook } = texts(threshold.toString(), window.text);
  return buildAlert(service, options, {
    name,
    group: 'llm',
    signal: { kind: 'counterRatio', ...ratio, window, threshold, comparator: '>' },
    summary,
    description,
    runbook,
  });
}
