import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundedCall } from './bounded-call';
import { createGatewayDispatcher, httpRequest, type HttpOutcome } from './http-client';

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function get(url: string, timeoutMs = 2000) {
  return boundedCall<HttpOutcome | { kind: 'timeout' }>(
    timeoutMs,
    (signal) => httpRequest({ url, method: 'GET', signal }),
    {
      timeout: () => ({ kind: 'timeout' }),
      error: (e) => ({ kind: 'network_error', code: 'x', message: String(e), requestSent: true }),
    },
  );
}

describe('httpRequest', () => {
  it('returns 5xx with an HTML body as a response whose json is undefined', async () => {
    const { server, url } = await listen((_req, res) => res.writeHead(503).end('<html>Service Unavailable</html>'));
    try {
      const out = await get(url);
      expect(out).toMatchObject({ kind: 'response', status: 503, text: '<html>Service Unavailable</html>' });
      expect(out.kind === 'response' && out.json).toBeUndefined();
    } finally {
      await close(server);
    }
  });

  it('parses a JSON body', async () => {
    const { server, url } = await listen((_req, res) => res.writeHead(200).end('{"id":"order_1"}'));
    try {
      expect(await get(url)).toMatchObject({ kind: 'response', status: 200, json: { id: 'order_1' } });
    } finally {
      await close(server);
    }
  });

  it('reports a refused connection as certainly not sent', async () => {
    const { server, url } = await listen(() => undefined);
    await close(server);
    expect(await get(url)).toMatchObject({ kind: 'network_error', code: 'ECONNREFUSED', requestSent: false });
  });

  it('reports a reset after the request arrived as possibly sent', async () => {
    const { server, url } = await listen((req) => req.socket.destroy());
    try {
      expect(await get(url)).toMatchObject({ kind: 'network_error', requestSent: true });
    } finally {
      await close(server);
    }
  });

  it('lets a hanging gateway end in the caller timeout', async () => {
    const { server, url } = await listen(() => undefined);
    try {
      const started = Date.now();
      expect(await get(url, 100)).toMatchObject({ kind: 'timeout' });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await close(server);
    }
  });

  describe('connection pooling', () => {
    // Answers after `delayMs`, counting the TCP connections it accepts.
    async function countingServer(delayMs: number) {
      let connections = 0;
      const { server, url } = await listen((_req, res) => {
        setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'), delayMs);
      });
      server.on('connection', () => (connections += 1));
      return { server, url, connections: () => connections };
    }

    it('reuses one kept-alive connection for sequential calls', async () => {
      const { server, url, connections } = await countingServer(0);
      try {
        for (let i = 0; i < 8; i += 1) {
          expect(await get(url)).toMatchObject({ kind: 'response', status: 200 });
          // undici puts the socket back in the pool on its next turn after the body is read; a caller always
          // does other work between two gateway calls, so one macrotask stands for it.
          await new Promise(setImmediate);
        }
        expect(connections()).toBe(1);
      } finally {
        await close(server);
      }
    });

    it('caps the connections to one gateway origin and queues the calls beyond the cap', async () => {
      const { server, url, connections } = await countingServer(50);
      const dispatcher = createGatewayDispatcher({ connections: 2 });
      try {
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, () => {
            const signal = AbortSignal.timeout(5000);
            return httpRequest({ url, method: 'GET', signal, dispatcher });
          }),
        );
        expect(outcomes.map((o) => o.kind === 'response' && o.status)).toEqual(Array(8).fill(200));
        expect(connections()).toBe(2);
      } finally {
        await dispatcher.close();
        await close(server);
      }
    });
  });
});
