import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from './sender';

describe('sendWebhook', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (url: string, allowPrivate: boolean) =>
    sendWebhook({ url, headers: {}, body: '{}', timeoutMs: 2000, policy: { allowPrivate, requireHttps: false } });

  it('refuses loopback, private and metadata targets at delivery unless allowed, without connecting', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
      `http://localhost:${port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      await expect(send(url, false)).resolves.toMatchObject({ ok: false, errorClass: 'target_refused', status: null });
    }
    expect(hits).toBe(0);
    await expect(send(`http://127.0.0.1:${port}/hook`, true)).resolves.toMatchObject({
      ok: true,
      status: 200,
      excerpt: 'ok',
    });
    expect(hits).toBe(1);
  });

  it('classifies a closed port and an unresolvable host', async () => {
    await expect(send('http://127.0.0.1:1/hook', true)).resolves.toMatchObject({ errorClass: 'connection_refused' });
    await expect(send('http://no-such-host.invalid/hook', true)).resolves.toMatchObject({ errorClass: 'dns_failure' });
  });
});
