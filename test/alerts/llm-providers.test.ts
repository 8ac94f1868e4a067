import { describe, expect, it } from 'vitest';
import { LLM_LATENCY_BUCKETS, llmMetrics, llmProviderAlerts } from '../../alerts/llm-providers.js';
import { defineService, SEV2_CRITICAL, SEV3, type Service } from '../../lib/core/index.js';
import { alertExpression } from '../../lib/promql/signals.js';
import { goodService } from '../lib/core/fixtures.js';
import { issueMessages, shopService } from './fixture.js';

/** Shop API with the LLM metric family in its catalog. */
function llmService(): Service {
  return defineService({ ...goodService, metrics: llmMetrics() });
}

describe('llmMetrics', () => {
  it('defines a call counter by status, a duration histogram with buckets up to 120s and a token counter', () => {
    expect(llmMetrics().map((m) => [m.name, m.type, m.labels])).toEqual([
      ['llm_requests_total', 'counter', ['job', 'provider', 'model', 'status']],
      ['llm_request_duration_seconds', 'histogram', ['job', 'provider', 'model']],
      ['llm_tokens_total', 'counter', ['job', 'provider', 'model', 'type']],
    ]);
    expect(llmMetrics()[1]!.buckets).toEqual(LLM_LATENCY_BUCKETS);
    expect(LLM_LATENCY_BUCKETS.at(-1)).toBe(120);
  });

  it('takes other bucket bounds for the histogram', () => {
    expect(llmMetrics([1, 5, 10])[1]!.buckets).toEqual([1, 5, 10]);
  });
});

describe('llmProviderAlerts', () => {
  it('alerts on the share of failed calls (5xx, timeout, connection error) to one provider of the job', () => {
    const service = llmService();
    const [errors] = llmProviderAlerts(service, {
      workload: 'api', provider: 'openai', title: 'OpenAI', errors: { above: '10%', for: '5m', level: SEV3 },
    });
    expect(errors!.name).toBe('ShopOpenAIHighErrorRate');
    expect(errors!.group).toBe('llm');
    expect(alertExpression(errors!.signal)).toBe(
      '(sum(rate(llm_requests_total{job="api",provider="openai",status=~"5..|timeout|error"}[5m])) or 0 * sum(rate(llm_requests_total{job="api",provider="openai"}[5m]))) / sum(rate(llm_requests_total{job="api",provider="openai"}[5m])) > 0.1');
    expect(issueMessages(service)).toEqual([]);
  });

  it('alerts on the share of calls refused with 429 as quota exceeded', () => {
    const service = llmService();
    const [quota] = llmProviderAlerts(service, {
      workload: 'api', provider: 'openai', title: 'OpenAI', quota: { above: '10%', window: '10m', for: '5m', level: SEV2_CRITICAL },
    });
    expect(quota!.name).toBe('ShopOpenAIQuotaExceeded');
    expect(alertExpression(quota!.signal)).toBe(
      '(sum(rate(llm_requests_total{job="api",provider="openai",status="429"}[10m])) or 0 * sum(rate(llm_requests_total{job="api",provider="openai"}[10m]))) / sum(rate(llm_requests_total{job="api",provider="openai"}[10m])) > 0.1');
    expect(quota!.summary).toBe('OpenAI refuses calls with 429: quota or rate limit exceeded');
    expect(issueMessages(service)).toEqual([]);
  });

  it('alerts on a quantile of call duration through the histogram latency pack', () => {
    const service = llmService();
    const [latency] = llmProviderAlerts(service, {
      workload: 'api', provider: 'anthropic', title: 'Anthropic', latency: { above: '30s', for: '10m', level: SEV3 },
    });
    expect(latency!.name).toBe('ShopAnthropicHighLatency');
    expect(latency!.group).toBe('llm');
    expect(alertExpression(latency!.signal)).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(llm_request_duration_seconds_bucket{job="api"}[5m]))) > 30');
    expect(latency!.summary).toBe('Shop API Anthropic call latency p95 above 30s');
    expect(issueMessages(service)).toEqual([]);
  });

  it('builds errors, quota and latency in that order, with names the stack may fix', () => {
    const alerts = llmProviderAlerts(llmService(), {
      workload: 'api', provider: 'openai', title: 'OpenAI',
      latency: { name: 'ShopGptSlow', above: '10s', for: '10m', level: SEV3 },
      quota: { above: '5%', for: '5m', level: SEV2_CRITICAL },
      errors: { above: '10%', for: '5m', level: SEV3 },
    });
    expect(alerts.map((a) => a.name)).toEqual(['ShopOpenAIHighErrorRate', 'ShopOpenAIQuotaExceeded', 'ShopGptSlow']);
  });

  it('asks for the metric family when the catalog lacks it', () => {
    const service = shopService();
    llmProviderAlerts(service, {
      workload: 'api', provider: 'openai', title: 'OpenAI',
      errors: { above: '10%', for: '5m', level: SEV3 }, latency: { above: '30s', for: '10m', level: SEV3 },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopOpenAIHighErrorRate.metric: "llm_requests_total" — a counter in the service\'s metric catalog (add llmMetrics() to the service\'s metrics)',
      'alerts.ShopOpenAIHighLatency.metric: "llm_request_duration_seconds" — a histogram with buckets in the service\'s metric catalog',
    ]);
  });

  it('rejects a latency threshold that is not a bucket bound and a quota share of 100%', () => {
    const service = llmService();
    llmProviderAlerts(service, {
      workload: 'api', provider: 'openai', title: 'OpenAI',
      quota: { above: '100%', for: '5m', level: SEV2_CRITICAL }, latency: { above: '25s', for: '10m', level: SEV3 },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopOpenAIQuotaExceeded.above: "100%" — a share below 100%, such as \'5%\': the ratio of a subset of events to all of them never exceeds 100%, so the alert could never fire',
      'alerts.ShopOpenAIHighLatency.above: "25s" — a bucket bound of llm_request_duration_seconds: 0.25s, 0.5s, 1s, 2.5s, 5s, 10s, 15s, 20s, 30s, 45s, 60s, 90s, 120s',
    ]);
  });

  it('rejects an empty provider and a title alert names cannot be built from', () => {
    const service = llmService();
    llmProviderAlerts(service, { workload: 'api', provider: '', title: '4o', errors: { above: '10%', for: '5m', level: SEV3 } });
    expect(issueMessages(service)).toEqual([
      'alerts.Shop4o.title: "4o" — a title starting with a letter, such as \'OpenAI\' or \'session cache\' (alert names are built from it)',
      'alerts.ShopInvalid.provider: "" — a non-empty string',
    ]);
  });
});
