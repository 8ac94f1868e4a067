import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceStack } from '../../../lib/core/stack.js';
import { httpMetricsMiddleware, serviceMetrics, type ServiceMetrics } from '../../../lib/instrument/index.js';
import { sleep } from './processes.js';

/** What the demo service is doing wrong right now. */
export type Fault =
  | { readonly kind: 'none' }
  /** Every API request takes this long. */
  | { readonly kind: 'latency'; readonly seconds: number }
  /** One API request in `every` answers 500 (1 = all of them). */
  | { readonly kind: 'errors'; readonly every: number };

/**
 * Harvey Backend's stand-in: a Node http server instrumented with the kit (lib/instrument), serving the
 * API the load generator calls, its business metrics as the real service counts them (a document per
 * generation, an LLM call observed per document, feedback), and `/metrics`. Faults are switched on
 * and off by the test; `goAway()` closes it (the scrape target disappears) and `comeBack()` reopens it
 * on the same port.
 */
export class DemoService {
  fault: Fault = { kind: 'none' };
  private server: Server;
  private port = 0;
  private requests = 0;
  private load?: NodeJS.Timeout;
  readonly metrics: ServiceMetrics;

  private constructor(stack: ServiceStack) {
    this.metrics = serviceMetrics(stack);
    this.server = this.create();
  }

  static async start(stack: ServiceStack): Promise<DemoService> {
    const demo = new DemoService(stack);
    await demo.listen(0);
    return demo;
  }

  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  private create(): Server {
    const middleware = httpMetricsMiddleware(this.metrics, { handler: (req) => (req.url ?? '/').split('?')[0]! });
    const documents = this.metrics.counter('documents_generated_total');
    const llm = this.metrics.histogram('harvey_llm_latency_seconds');
    const feedback = this.metrics.counter('feedback_total');
    const positive = this.metrics.counter('feedback_positive_total');
    return createServer((req, res) => {
      if (req.url === '/metrics') {
        void this.metrics.registry.metrics().then((body) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(body));
        return;
      }
      middleware(req, res, () => void this.answer(req.url ?? '/', res, { documents, llm, feedback, positive }));
    });
  }

  private async answer(url: string, res: import('node:http').ServerResponse, m: {
    documents: ReturnType<ServiceMetrics['counter']>; llm: ReturnType<ServiceMetrics['histogram']>;
    feedback: ReturnType<ServiceMetrics['counter']>; positive: ReturnType<ServiceMetrics['counter']>;
  }): Promise<void> {
    const n = ++this.requests;
    const fault = this.fault;
    if (fault.kind === 'latency') await sleep(fault.seconds * 1000);
    if (fault.kind === 'errors' && n % fault.every === 0) return void res.writeHead(500).end('injected fault');
    if (url === '/api/documents') {
      const start = process.hrtime.bigint();
      await sleep(5); // the "LLM call"
      m.llm.observe({ provider: 'openai', model: 'gpt-4o' }, Number(process.hrtime.bigint() - start) / 1e9);
      m.documents.inc({ document_type: 'contract' });
    } else if (url === '/api/feedback') {
      m.feedback.inc();
      if (n % 5 !== 0) m.positive.inc();
    } else if (url !== '/health') {
      return void res.writeHead(404).end();
    }
    res.writeHead(200).end('ok');
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** `perSecond` requests a second, alternating documents and feedback, never awaiting (slow answers pile up like real traffic). */
  startLoad(perSecond: number): void {
    let i = 0;
    this.load = setInterval(() => {
      const path = i++ % 2 === 0 ? '/api/documents' : '/api/feedback';
      fetch(`http://${this.target}${path}`).then((r) => r.arrayBuffer(), () => undefined).catch(() => undefined);
    }, 1000 / perSecond);
  }

  /** The scrape target disappears: connections dropped, port closed. */
  async goAway(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  async comeBack(): Promise<void> {
    this.server = this.create();
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    clearInterval(this.load);
    if (this.server.listening) await this.goAway();
  }
}
