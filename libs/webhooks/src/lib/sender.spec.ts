import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from './sender';
import type { ResolveHost } from './target-guard';

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

  /** A DNS that answers every name with `address` (as a hostile or rebinding DNS could), counting its answers. */
  function dnsAnswering(address: string): ResolveHost & { asked: string[] } {
    const asked: string[] = [];
    const resolve = async (hostname: string) => {
      asked.push(hostname);
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    };
    return Object.assign(resolve, { asked });
  }

  it.each(['127.0.0.1', '10.20.30.40', '169.254.169.254', '::1'])(
    'refuses a public-looking host name that resolves to %s, at delivery and without connecting',
    async (address) => {
      const dns = dnsAnswering(address);
      const before = hits;
      const result = await sendWebhook({
        url: `http://hooks-${address.replace(/[.:]/g, '-')}.merchant.example:${port}/hook`,
        headers: {},
        body: '{}',
        timeoutMs: 2000,
        policy: { allowPrivate: false, requireHttps: false },
        resolve: dns,
      });
      expect(result).toMatchObject({ ok: false, errorClass: 'target_refused', status: null });
      // The name passed the form check: it was the resolved address that was refused.
      expect(dns.asked).toEqual([`hooks-${address.replace(/[.:]/g, '-')}.merchant.example`]);
      expect(hits).toBe(before);
    },
  );

  it('connects to the resolved address when private targets are allowed (the lookup is the one used)', async () => {
    const dns = dnsAnswering('127.0.0.1');
    const before = hits;
    await expect(
      sendWebhook({
        url: `http://allowed.merchant.example:${port}/hook`,
        headers: {},
        body: '{}',
        timeoutMs: 2000,
        policy: { allowPrivate: true, requireHttps: false },
        resolve: dns,
      }),
    ).resolves.toMatchObject({ ok: true, status: 200 });
    expect(dns.asked).toEqual(['allowed.merchant.example']);
    expect(hits).toBe(before + 1);
  });
});
