import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Responder = (req: ReceivedRequest, res: ServerResponse, index: number) => void;

/** A merchant's server on loopback: records every request, answers as the test says. */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  /** Requests being answered, and the most at once, per path. */
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  private responder: Responder = (_req, res) => res.end('ok');

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const ref: { current?: WebhookReceiver } = {};
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const entry: ReceivedRequest = {
          path: req.url ?? '/',
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        const receiver = ref.current as WebhookReceiver;
        receiver.received.push(entry);
        const now = (receiver.inFlight.get(entry.path) ?? 0) + 1;
        receiver.inFlight.set(entry.path, now);
        receiver.maxInFlight.set(entry.path, Math.max(receiver.maxInFlight.get(entry.path) ?? 0, now));
        res.on('close', () => receiver.inFlight.set(entry.path, (receiver.inFlight.get(entry.path) ?? 1) - 1));
        receiver.responder(entry, res, receiver.received.length - 1);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.current = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
    return ref.current;
  }

  respond(responder: Responder): void {
    this.responder = responder;
  }

  forPath(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
