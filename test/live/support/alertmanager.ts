import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startServer, tempDir, type Started } from './processes.js';

export interface AmAlert {
  readonly labels: Record<string, string>;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed'; readonly inhibitedBy: string[]; readonly silencedBy: string[] };
  readonly receivers: { readonly name: string }[];
  readonly fingerprint: string;
}

/** Debian's prometheus-alertmanager on a free loopback port, clustering off, storage in a temporary directory. */
export class Alertmanager {
  private constructor(readonly server: Started) {}

  static async start(config: unknown): Promise<Alertmanager> {
    const dir = tempDir('live-alertmanager');
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(file, stringify(config));
    const server = await startServer(process.env.ALERTMANAGER ?? 'prometheus-alertmanager', (port) => [
      `--config.file=${file}`, `--storage.path=${join(dir, `data-${port}`)}`,
      `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
    ], '/-/ready');
    return new Alertmanager(server);
  }

  get url(): string {
    return this.server.url;
  }

  get hostPort(): string {
    return `127.0.0.1:${this.server.port}`;
  }

  /** Active, suppressed (inhibited or silenced) and unprocessed alerts; resolved ones are not listed. */
  async alerts(): Promise<AmAlert[]> {
    const response = await fetch(`${this.url}/api/v2/alerts`);
    if (!response.ok) throw new Error(`GET /api/v2/alerts: ${response.status} ${await response.text()}`);
    return (await response.json()) as AmAlert[];
  }
}
