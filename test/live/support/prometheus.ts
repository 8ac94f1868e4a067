import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { eventually, startServer, tempDir, type Started } from './processes.js';

export interface ScrapeJob {
  readonly job: string;
  /** host:port */
  readonly target: string;
  readonly metricsPath?: string;
  /** Extra target labels, as service discovery would attach them. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PrometheusOptions {
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  /** Rule files' contents, by file name. */
  readonly ruleFiles: Readonly<Record<string, string>>;
  readonly jobs: readonly ScrapeJob[];
  /** Alertmanager's host:port. */
  readonly alertmanager?: string;
}

export interface PromAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly activeAt?: string;
}

export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** Debian's prometheus on a free loopback port, storage in a temporary directory, scraping itself too. */
export class Prometheus {
  private constructor(readonly server: Started) {}

  static async start(options: PrometheusOptions): Promise<Prometheus> {
    const dir = tempDir('live-prometheus');
    const ruleFiles = Object.entries(options.ruleFiles).map(([name, content]) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    });
    const config = (selfPort: number, withRules: boolean) => ({
      global: { scrape_interval: options.scrapeInterval, scrape_timeout: options.scrapeInterval, evaluation_interval: options.evaluationInterval },
      rule_files: withRules ? ruleFiles : [],
      ...(options.alertmanager && { alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] } }),
      scrape_configs: [
        // kube-prometheus-stack scrapes Prometheus itself: prometheus_rule_group_iterations_missed_total comes from here.
        { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${selfPort}`] }] },
        ...options.jobs.map((j) => ({
          job_name: j.job,
          metrics_path: j.metricsPath ?? '/metrics',
          static_configs: [{ targets: [j.target], ...(j.labels && { labels: j.labels }) }],
        })),
      ],
    });
    const file = (port: number): string => join(dir, `prometheus-${port}.yml`);
    const server = await startServer(process.env.PROMETHEUS ?? 'prometheus', (port) => {
      writeFileSync(file(port), stringify(config(port, false)));
      return [
        `--config.file=${file(port)}`, `--storage.tsdb.path=${join(dir, `data-${port}`)}`, `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        // Alerts are re-sent to Alertmanager every evaluation (default 1m), as production's 1m evaluations do.
        `--rules.alert.resend-delay=${options.evaluationInterval}`,
      ];
    }, '/-/ready');
    const prometheus = new Prometheus(server);
    // Rules are loaded once every target has been scraped, as in a Prometheus that has been running for a
    // while. Loaded at start, `absent(up)` would hold for the seconds service discovery takes to hand over
    // the first targets (it batches updates every 5s), which the test profile's 1s `for` does not cover.
    const jobs = ['prometheus', ...options.jobs.map((j) => j.job)];
    await eventually('every target scraped once', async () => {
      const health = await prometheus.targetsUp();
      return jobs.every((job) => health[job] === 'up') ? true : undefined;
    }, 30_000);
    writeFileSync(file(server.port), stringify(config(server.port, true)));
    const reload = await fetch(`${server.url}/-/reload`, { method: 'POST' });
    if (!reload.ok) throw new Error(`reloading Prometheus with the rules failed: ${reload.status} ${await reload.text()}`);
    const groups = Object.values(options.ruleFiles).length;
    await eventually('the rule groups loaded', async () => ((await prometheus.rulesEvaluated()).groups >= groups ? true : undefined), 10_000);
    return prometheus;
  }

  get url(): string {
    return this.server.url;
  }

  private async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.url}${path}?${new URLSearchParams(params)}`);
    const body = (await response.json()) as { status: string; data: T; error?: string; errorType?: string };
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** An instant query; throws with Prometheus' parse or execution error. */
  async query(expr: string): Promise<PromSeries[]> {
    const data = await this.api<{ resultType: string; result: PromSeries[] | [number, string] }>('/api/v1/query', { query: expr });
    if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
    return data.result as PromSeries[];
  }

  /** A range query over the last `seconds`, as a Grafana panel runs it; throws with Prometheus' error. */
  async queryRange(expr: string, seconds: number, stepSeconds: number): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
    const end = Date.now() / 1000;
    const data = await this.api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>('/api/v1/query_range', {
      query: expr, start: String(end - seconds), end: String(end), step: String(stepSeconds),
    });
    return data.result;
  }

  async alerts(): Promise<PromAlert[]> {
    return (await this.api<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts;
  }

  async rulesEvaluated(): Promise<{ groups: number; neverEvaluated: string[] }> {
    const data = await this.api<{ groups: { name: string; lastEvaluation: string }[] }>('/api/v1/rules');
    return { groups: data.groups.length, neverEvaluated: data.groups.filter((g) => g.lastEvaluation.startsWith('0001')).map((g) => g.name) };
  }

  async targetsUp(): Promise<Record<string, string>> {
    const data = await this.api<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>('/api/v1/targets');
    return Object.fromEntries(data.activeTargets.map((t) => [t.labels.job ?? '', t.health + (t.lastError ? `: ${t.lastError}` : '')]));
  }

  /** Metric metadata (name → types) of the targets of one job, as Prometheus learned it by scraping. */
  async metadata(job: string): Promise<{ metric: string; type: string; help: string }[]> {
    return this.api('/api/v1/targets/metadata', { match_target: `{job="${job}"}` });
  }

  async series(match: string): Promise<Record<string, string>[]> {
    return this.api('/api/v1/series', { 'match[]': match });
  }
}
