import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook notification as Alertmanager posts it (webhook_config, version 4). */
export interface Notification {
  /** Which receiver URL path it arrived on: `/<receiver name>`. */
  readonly path: string;
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  /** When the receiver got it (ms since the epoch). */
  readonly receivedAt: number;
  readonly alerts: { readonly status: 'firing' | 'resolved'; readonly labels: Record<string, string>; readonly annotations: Record<string, string> }[];
}

/** A webhook receiver on 127.0.0.1:0 that keeps every notification it is sent. */
export class WebhookReceiver {
  private constructor(private readonly server: Server, readonly notifications: Notification[]) {}

  static async start(): Promise<WebhookReceiver> {
    const notifications: Notification[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => void (body += chunk.toString()));
      req.on('end', () => {
        try {
          notifications.push({ ...(JSON.parse(body) as Omit<Notification, 'path' | 'receivedAt'>), path: req.url ?? '', receivedAt: Date.now() });
        } finally {
          res.writeHead(200).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new WebhookReceiver(server, notifications);
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Notifications received since `since` (ms) that carry an alert with this name and status. */
  about(alertname: string, status: 'firing' | 'resolved', since = 0): Notification[] {
    return this.notifications.filter((n) => n.receivedAt >= since && n.alerts.some((a) => a.labels.alertname === alertname && a.status === status));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
