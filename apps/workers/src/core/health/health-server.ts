import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@lsp/platform';
import type { HealthChecker } from './health-checker';

/**
 * The workers' only HTTP surface: liveness and readiness for the orchestrator and Prometheus metrics, on
 * WORKERS_HEALTH_PORT. Plain node:http on purpose — no framework, no other routes.
 */
export class HealthServer {
  private server: Server | null = null;

  constructor(
    private readonly checker: HealthChecker,
    private readonly logger: Logger,
    /** Prometheus text for `GET /metrics`; absent serves none. */
    private readonly metrics: (() => Promise<string>) | null = null,
  ) {}

  async listen(port: number): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics' && this.metrics && (req.method === 'GET' || req.method === 'HEAD')) {
        const metrics = this.metrics;
        metrics().then(
          (text) => {
            res.writeHead(200, {
              'content-type': 'text/plain; version=0.0.4; charset=utf-8',
              'cache-control': 'no-store',
            });
            res.end(text);
          },
          (err: unknown) => {
            this.logger.error({ err }, 'metrics collection failed');
            send(res, 500, { status: 'error', message: 'metrics collection failed' });
          },
        );
        return;
      }
      if (path !== '/health/live' && path !== '/health/ready') {
        return send(res, 404, { status: 'error', message: 'not found' });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(res, 405, {
          status: 'error',
          message: 'method not allowed',
        });
      }
      if (path === '/health/live') return send(res, 200, { status: 'ok' });
      this.checker.ready().then(
        (report) => {
          if (report.status !== 'ok') {
            this.logger.warn({ failing: report.error }, 'not ready');
          }
          send(res, report.status === 'ok' ? 200 : 503, report);
        },
        (err: unknown) => {
          this.logger.error({ err }, 'readiness check crashed');
          send(res, 503, {
            status: 'error',
            message: 'readiness check failed',
          });
        },
      );
    });
    // Probes are short-lived; don't let an idle keep-alive socket delay shutdown.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
