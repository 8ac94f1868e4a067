import { describe, expect, it } from 'vitest';
import { REDIS_METRICS, redisAlerts } from '../../../alerts/datastores/redis.js';
import { defineService, SEV2_CRITICAL, SEV2_WARNING, SEV3, type Service } from '../../../lib/core/index.js';
import { alertExpression, threshold } from '../../../lib/promql/signals.js';
import { goodService } from '../../lib/core/fixtures.js';
import { issueMessages, shopService } from '../fixture.js';

/** Shop API with redis_exporter's metrics in its catalog. */
function redisService(): Service {
  return defineService({ ...goodService, metrics: [...REDIS_METRICS] });
}

describe('redisAlerts', () => {
  it('builds every alert from the exporter job only, in a redis group', () => {
    const service = redisService();
    const alerts = redisAlerts(service, {
      job: 'redis-exporter',
      down: { for: '1m', level: SEV2_CRITICAL },
      exporterDown: { for: '5m', level: SEV3 },
      evictions: { for: '5m', level: SEV3 },
      rejectedConnections: { above: 5, window: '15m', for: '1m', level: SEV2_WARNING },
      memory: { maxmemory: '512Mi', above: '90%', for: '10m', level: SEV3 },
    });
    expect(alerts.map((a) => [a.name, a.group, alertExpression(a.signal)])).toEqual([
      ['ShopRedisDown', 'redis', 'min (redis_up{job="redis-exporter"}) < 1'],
      ['ShopRedisExporterDown', 'redis', 'up{job="redis-exporter"} == 0 or absent(up{job="redis-exporter"})'],
      ['ShopRedisEvictingKeys', 'redis', 'sum (increase(redis_evicted_keys_total{job="redis-exporter"}[10m])) > 0'],
      ['ShopRedisRejectingConnections', 'redis', 'sum (increase(redis_rejected_connections_total{job="redis-exporter"}[15m])) > 5'],
      // 90% of 512Mi = 483183820.8 bytes, rounded down to whole bytes.
      ['ShopRedisMemoryHigh', 'redis', 'max (redis_memory_used_bytes{job="redis-exporter"}) > 483183820'],
    ]);
    expect(threshold(alerts[4]!.signal).unit).toBe('bytes');
    expect(issueMessages(service)).toEqual([]);
  });

  it('names the alerts after the title, for a service with more than one Redis', () => {
    const alerts = redisAlerts(redisService(), {
      job: 'session-redis', title: 'session cache', down: { for: '1m', level: SEV2_CRITICAL }, exporterDown: { for: '5m', level: SEV3 },
    });
    expect(alerts.map((a) => a.name)).toEqual(['ShopSessionCacheDown', 'ShopSessionCacheExporterDown']);
    expect(alerts[0]!.summary).toBe('session cache is down');
  });

  it('declares the exporter metrics the alerts and dashboards use, none of them as application metrics', () => {
    expect(REDIS_METRICS.map((m) => m.name)).toEqual([
      'redis_up', 'redis_memory_used_bytes', 'redis_memory_max_bytes', 'redis_evicted_keys_total', 'redis_rejected_connections_total',
      'redis_connected_clients', 'redis_config_maxclients', 'redis_keyspace_hits_total', 'redis_keyspace_misses_total', 'redis_commands_processed_total',
    ]);
    expect(REDIS_METRICS.filter((m) => m.source === 'application')).toEqual([]);
  });

  it('asks for the exporter metrics when the catalog lacks them', () => {
    const service = shopService();
    redisAlerts(service, { job: 'redis-exporter', down: { for: '1m', level: SEV2_CRITICAL }, evictions: { for: '5m', level: SEV3 } });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopRedisDown.metric: "redis_up" — a gauge in the service\'s metric catalog (add REDIS_METRICS to the service\'s metrics)',
      'alerts.ShopRedisEvictingKeys.metric: "redis_evicted_keys_total" — a counter in the service\'s metric catalog (add REDIS_METRICS to the service\'s metrics)',
    ]);
  });

  it('rejects an empty job, a negative event count, a memory size without a binary suffix and a share of 100%', () => {
    const service = redisService();
    redisAlerts(service, {
      job: '',
      rejectedConnections: { above: -1, for: '1m', level: SEV2_WARNING },
      // @ts-expect-error the type already refuses '512MB'; the runtime check covers JavaScript callers and casts
      memory: { maxmemory: '512MB', above: '100%', for: '10m', level: SEV3 },
    });
    expect(issueMessages(service)).toEqual([
      'alerts.ShopRedis.job: "" — a Prometheus job name: 1 to 128 characters from A-Z, a-z, 0-9, \'_\', \'-\', \'.\', \':\' and \'/\' (no quotes, braces, backslashes, spaces or control characters: people type it into selectors)',
      'alerts.ShopRedisRejectingConnections.above: -1 — a number of events, 0 or more (0 fires on any event)',
      'alerts.ShopRedisMemoryHigh.maxmemory: "512MB" — a Kubernetes memory quantity with a binary suffix such as \'512Mi\' or \'4Gi\', greater than zero',
      'alerts.ShopRedisMemoryHigh.above: "100%" — a share below 100%, such as \'5%\': the ratio of a subset of events to all of them never exceeds 100%, so the alert could never fire',
    ]);
  });
});
