import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { Database, raiseAlert, recordEvent, sql } from '@lsp/persistence';
import { bullConnection, bullPrefix } from '@lsp/queues';
import { ApiHarness, expectError } from '../../../test/api-harness';
import { WebhookHostResolver } from '../target-check';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('webhook endpoints, events and replays (API.md §8)', () => {
  let api: ApiHarness;
  let strict: ApiHarness;
  let admin: string;
  let merchantId: string;
  let key: string;
  let otherKey: string;
  let db: Database;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    api = await ApiHarness.start({ WEBHOOK_MAX_ENDPOINTS: '6' });
    // As production would: private targets refused (the other settings as in tests).
    strict = await ApiHarness.start({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    db = api.app.get(Database);
    admin = (await api.login()).accessToken;
    const created = await api.createMerchant(admin);
    merchantId = created.merchant.id;
    key = created.apiKey.secret;
    otherKey = (await api.createMerchant(admin)).apiKey.secret;
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(202, { 'content-type': 'text/plain' });
        res.end('thanks');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await api.close();
    await strict.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const createEndpoint = (body: unknown, token = key) =>
    api.request('POST', '/api/v1/webhook-endpoints', { token, body });

  it('creates an endpoint and shows its secret exactly once', async () => {
    const res = await createEndpoint({
      url: receiverUrl,
      events: ['payment.captured', 'settlement.paid'],
      description: 'orders',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'webhook_endpoint',
      merchantId,
      url: receiverUrl,
      events: ['payment.captured', 'settlement.paid'],
      status: 'enabled',
      description: 'orders',
    });
    expect(res.body.id).toMatch(/^whe_/);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(Buffer.from(res.body.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    const one = await api.request('GET', `/api/v1/webhook-endpoints/${res.body.id}`, { token: key });
    const list = await api.request('GET', '/api/v1/webhook-endpoints', { token: key });
    expect(one.status).toBe(200);
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(res.body.id);
    for (const shown of [JSON.stringify(one.body), JSON.stringify(list.body)]) {
      expect(shown).not.toContain(res.body.secret);
      expect(shown).not.toContain('secret');
    }
    // Stored sealed, never in clear.
    const stored = await db.platform((em) =>
      sql<{ secret_sealed: string }>(em, `SELECT secret_sealed FROM webhook_endpoints WHERE id = $1`, [res.body.id]),
    );
    expect(stored[0].secret_sealed).not.toContain(res.body.secret.slice(6));
  });

  it.each([
    [{ url: 'not a url', events: ['payment.captured'] }, 'url'],
    [{ url: 'ftp://example.com/x', events: ['payment.captured'] }, 'url'],
    [{ url: 42, events: ['payment.captured'] }, 'url'],
    [{ events: ['payment.captured'] }, 'url'],
    [{ url: 'https://shop.example.com/h', events: ['payment.exploded'] }, 'events'],
    [{ url: 'https://shop.example.com/h', events: [] }, 'events'],
    [{ url: 'https://shop.example.com/h', events: 'payment.captured' }, 'events'],
    [{ url: 'https://shop.example.com/h', events: ['payment.captured'], description: 'x'.repeat(501) }, 'description'],
    [{ url: 'https://shop.example.com/h', events: ['payment.captured'], secret: 'whsec_mine' }, 'secret'],
  ])('refuses %j with 400 naming %s, creating nothing', async (body, param) => {
    const before = (await api.request('GET', '/api/v1/webhook-endpoints?limit=100', { token: key })).body.data.length;
    expectError(await createEndpoint(body), 400, 'invalid_request_error', param);
    expect((await api.request('GET', '/api/v1/webhook-endpoints?limit=100', { token: key })).body.data.length).toBe(
      before,
    );
  });

  it.each([
    'http://127.0.0.1:9/hook',
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.1.2.3/hook',
    'https://192.168.0.10/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://metadata.google.internal/computeMetadata/v1/',
  ])('refuses the private target %s when private targets are not allowed (SSRF guard)', async (url) => {
    const token = (await strict.createMerchant((await strict.login()).accessToken)).apiKey.secret;
    const res = await strict.request('POST', '/api/v1/webhook-endpoints', {
      token,
      body: { url, events: ['payment.captured'] },
    });
    expectError(res, 400, 'invalid_request_error', 'url');
    expect(res.body.error.code).toBe('url_private');
  });

  it.each(['127.0.0.1', '10.1.2.3', '169.254.169.254', 'fd00::1'])(
    'refuses a public-looking host name that resolves to %s at registration and on update (SSRF guard after DNS)',
    async (address) => {
      const dns = strict.app.get(WebhookHostResolver);
      const system = dns.resolve;
      const asked: string[] = [];
      // What DNS answers is the attacker's choice: here every name resolves to the private address.
      dns.resolve = async (host) => {
        asked.push(host);
        return [{ address, family: address.includes(':') ? 6 : 4 }];
      };
      try {
        const token = (await strict.createMerchant((await strict.login()).accessToken)).apiKey.secret;
        const res = await strict.request('POST', '/api/v1/webhook-endpoints', {
          token,
          body: { url: 'https://hooks.merchant.example/hook', events: ['payment.captured'] },
        });
        expectError(res, 400, 'invalid_request_error', 'url');
        expect(res.body.error.code).toBe('url_private');
        expect(asked).toEqual(['hooks.merchant.example']);

        // Registered while the name resolved publicly, then pointed at the private address: the update is refused.
        dns.resolve = async () => [{ address: '93.184.216.34', family: 4 }];
        const created = await strict.request('POST', '/api/v1/webhook-endpoints', {
          token,
          body: { url: 'https://hooks.merchant.example/hook', events: ['payment.captured'] },
        });
        expect(created.status).toBe(201);
        dns.resolve = async () => [{ address, family: address.includes(':') ? 6 : 4 }];
        const updated = await strict.request('PATCH', `/api/v1/webhook-endpoints/${created.body.id}`, {
          token,
          body: { url: 'https://other.merchant.example/hook' },
        });
        expectError(updated, 400, 'invalid_request_error', 'url');
        expect(updated.body.error.code).toBe('url_private');
      } finally {
        dns.resolve = system;
      }
    },
  );

  it("refuses the test delivery when an endpoint's name resolves to a private address by then (DNS rebinding)", async () => {
    const dns = strict.app.get(WebhookHostResolver);
    const system = dns.resolve;
    const port = (receiver.address() as AddressInfo).port;
    try {
      dns.resolve = async () => [{ address: '93.184.216.34', family: 4 }];
      const token = (await strict.createMerchant((await strict.login()).accessToken)).apiKey.secret;
      const endpoint = await strict.request('POST', '/api/v1/webhook-endpoints', {
        token,
        body: { url: `http://rebind.merchant.example:${port}/hooks`, events: ['payment.captured'] },
      });
      expect(endpoint.status).toBe(201);
      // Now the name answers with our own loopback, where the receiver listens.
      dns.resolve = async () => [{ address: '127.0.0.1', family: 4 }];
      received.length = 0;
      const res = await strict.request('POST', '/api/v1/merchant/webhooks/test', {
        token,
        body: { endpointId: endpoint.body.id },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, status: null, errorClass: 'target_refused' });
      expect(received).toHaveLength(0);
    } finally {
      dns.resolve = system;
    }
  });

  it('refuses a merchant more than WEBHOOK_MAX_ENDPOINTS endpoints, naming url', async () => {
    const own = (await api.createMerchant(admin)).apiKey.secret;
    for (let i = 0; i < 6; i++) {
      expect((await createEndpoint({ url: `${receiverUrl}/${i}`, events: ['payment.failed'] }, own)).status).toBe(201);
    }
    const res = await createEndpoint({ url: `${receiverUrl}/7`, events: ['payment.failed'] }, own);
    expectError(res, 400, 'invalid_request_error', 'url');
    expect(res.body.error.code).toBe('endpoint_limit_reached');
  });

  it("hides another merchant's endpoint (404) and lets staff act only for a named merchant", async () => {
    const mine = (await createEndpoint({ url: receiverUrl, events: ['payment.failed'] })).body;
    expectError(
      await api.request('GET', `/api/v1/webhook-endpoints/${mine.id}`, { token: otherKey }),
      404,
      'not_found',
    );
    expectError(
      await api.request('PATCH', `/api/v1/webhook-endpoints/${mine.id}`, {
        token: otherKey,
        body: { status: 'disabled' },
      }),
      404,
      'not_found',
    );
    expectError(
      await api.request('GET', '/api/v1/webhook-endpoints', { token: admin }),
      400,
      'invalid_request_error',
      'merchantId',
    );
    const asAdmin = await api.request('GET', `/api/v1/webhook-endpoints/${mine.id}?merchantId=${merchantId}`, {
      token: admin,
    });
    expect(asAdmin.status).toBe(200);
    expectError(
      await api.request('GET', `/api/v1/webhook-endpoints?merchantId=${merchantId}`, { token: otherKey }),
      400,
      'invalid_request_error',
      'merchantId',
    );
  });

  it('disables, re-enables, edits and rotates the secret (old one signing for 24 h), all audited', async () => {
    const endpoint = (await createEndpoint({ url: receiverUrl, events: ['payment.failed'] })).body;
    const off = await api.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: key,
      body: { status: 'disabled', events: ['payment.failed', 'refund.failed'], description: 'paused' },
    });
    expect(off.body).toMatchObject({
      status: 'disabled',
      disabledReason: 'manual',
      events: ['payment.failed', 'refund.failed'],
    });
    const on = await api.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: key,
      body: { status: 'enabled' },
    });
    expect(on.body).toMatchObject({ status: 'enabled', disabledReason: null, description: 'paused' });
    expectError(
      await api.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, { token: key, body: { status: 'gone' } }),
      400,
      'invalid_request_error',
      'status',
    );

    const rotated = await api.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { token: key });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const grace = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    expect(grace).toBeGreaterThan(23.9 * 3600_000);
    expect(grace).toBeLessThanOrEqual(24 * 3600_000);

    // Both secrets verify a test event during the grace period.
    received.length = 0;
    const test = await api.request('POST', '/api/v1/merchant/webhooks/test', {
      token: key,
      body: { endpointId: endpoint.id },
    });
    expect(test.body).toMatchObject({ ok: true, status: 202, responseExcerpt: 'thanks', eventType: 'test.webhook' });
    const [delivery] = received;
    expect(() =>
      new Webhook(endpoint.secret).verify(delivery.body, delivery.headers as Record<string, string>),
    ).not.toThrow();
    expect(() =>
      new Webhook(rotated.body.secret).verify(delivery.body, delivery.headers as Record<string, string>),
    ).not.toThrow();

    const audit = await db.platform((em) =>
      sql<{ action: string; diff: unknown }>(
        em,
        `SELECT action, diff FROM audit_logs WHERE object_id = $1 ORDER BY seq`,
        [endpoint.id],
      ),
    );
    expect(audit.map((a) => a.action)).toEqual([
      'webhook_endpoint.create',
      'webhook_endpoint.update',
      'webhook_endpoint.update',
      'webhook_endpoint.rotate_secret',
    ]);
    expect(JSON.stringify(audit)).not.toContain(rotated.body.secret.slice(6));

    const removed = await api.request('DELETE', `/api/v1/webhook-endpoints/${endpoint.id}`, { token: key });
    expect(removed.body).toEqual({ id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    expectError(await api.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}`, { token: key }), 404, 'not_found');
  });

  it('re-enabling an endpoint the workers disabled resets its failure clock and resolves its alert', async () => {
    const endpoint = (await createEndpoint({ url: receiverUrl, events: ['payment.failed'] })).body;
    // As the delivery worker leaves an endpoint that failed for 5 days.
    await db.platform(async (em) => {
      await sql(
        em,
        `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = 'failing', disabled_at = now(),
                failing_since = now() - interval '6 days' WHERE id = $1`,
        [endpoint.id],
      );
      await raiseAlert(em, {
        fingerprint: `webhook-endpoint-disabled:${endpoint.id}`,
        severity: 'warning',
        source: 'webhooks',
        title: 'Webhook endpoint disabled',
        message: 'failing for 6 days',
        merchantId,
      });
    });
    const shown = await api.request('GET', `/api/v1/webhook-endpoints/${endpoint.id}`, { token: key });
    expect(shown.body).toMatchObject({ status: 'disabled', disabledReason: 'failing' });
    expect(Date.parse(shown.body.failingSince)).toBeLessThan(Date.now() - 5 * 86_400_000);

    const on = await api.request('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, {
      token: key,
      body: { status: 'enabled' },
    });
    expect(on.body).toMatchObject({ status: 'enabled', disabledReason: null, failingSince: null });
    const alerts = await db.platform((em) =>
      sql<{ status: string }>(em, `SELECT status FROM alerts WHERE fingerprint = $1`, [
        `webhook-endpoint-disabled:${endpoint.id}`,
      ]),
    );
    expect(alerts).toEqual([{ status: 'resolved' }]);
  });

  it('sends a signed test event that the standardwebhooks package verifies, and reports the answer', async () => {
    const endpoint = (await createEndpoint({ url: receiverUrl, events: ['payment.captured'] })).body;
    received.length = 0;
    const res = await api.request('POST', '/api/v1/merchant/webhooks/test', {
      token: key,
      body: { endpointId: endpoint.id, eventType: 'payment.captured' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'webhook_test',
      ok: true,
      status: 202,
      responseExcerpt: 'thanks',
      errorClass: null,
    });
    expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    const payload = new Webhook(endpoint.secret).verify(
      received[0].body,
      received[0].headers as Record<string, string>,
    );
    expect(payload).toMatchObject({
      id: res.body.eventId,
      type: 'payment.captured',
      data: { object: { object: 'test' } },
    });
    expect(received[0].headers['webhook-id']).toBe(res.body.eventId);

    expectError(
      await api.request('POST', '/api/v1/merchant/webhooks/test', { token: key, body: { endpointId: 'whe_nope' } }),
      400,
      'invalid_request_error',
      'endpointId',
    );
    expectError(
      await api.request('POST', '/api/v1/merchant/webhooks/test', {
        token: otherKey,
        body: { endpointId: endpoint.id },
      }),
      400,
      'invalid_request_error',
      'endpointId',
    );
    expectError(
      await api.request('POST', '/api/v1/merchant/webhooks/test', {
        token: key,
        body: { endpointId: endpoint.id, eventType: 'x' },
      }),
      400,
      'invalid_request_error',
      'eventType',
    );
  });

  it('reports a refused or unreachable test target without calling it', async () => {
    const endpoint = (await createEndpoint({ url: 'http://127.0.0.1:1/closed', events: ['payment.captured'] })).body;
    const res = await api.request('POST', '/api/v1/merchant/webhooks/test', {
      token: key,
      body: { endpointId: endpoint.id },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: null, errorClass: 'connection_refused' });
  });

  it('documents every webhook and developer route in the OpenAPI document', async () => {
    const doc = (await api.request('GET', '/api/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhook-endpoints',
        '/api/v1/webhook-endpoints/{id}',
        '/api/v1/webhook-endpoints/{id}/rotate-secret',
        '/api/v1/webhook-endpoints/{id}/redeliver-failed',
        '/api/v1/events',
        '/api/v1/events/{id}',
        '/api/v1/events/{id}/deliveries',
        '/api/v1/events/{id}/redeliver',
        '/api/v1/merchant/webhooks/test',
        '/api/v1/merchant/credentials/regenerate',
        '/api/v1/merchant/credentials/{id}/revoke',
        '/api/v1/merchant/usage',
      ]),
    );
    expect(doc.components.schemas.CreateWebhookEndpointDto.required).toEqual(expect.arrayContaining(['url', 'events']));
  });

  describe('events', () => {
    const eventIds: string[] = [];

    beforeAll(async () => {
      for (const type of ['payment.created', 'payment.captured', 'refund.succeeded', 'payment.captured']) {
        eventIds.push(
          await db.merchant(merchantId, (em) =>
            recordEvent(em, {
              type,
              merchantId,
              aggregateType: type.split('.')[0],
              aggregateId: 'pay_01JDQ3ZK7Y0000000000000002',
              payload: { id: 'pay_01JDQ3ZK7Y0000000000000002', object: 'payment', amount: 5000, currency: 'INR' },
            }),
          ),
        );
        await new Promise((r) => setTimeout(r, 3)); // distinct ULID milliseconds keep the order checks exact
      }
    });

    it('lists events newest first with type and date filters and cursor pagination', async () => {
      const all = await api.request('GET', '/api/v1/events?limit=100', { token: key });
      expect(all.status).toBe(200);
      expect(all.body.data.map((e: { id: string }) => e.id)).toEqual([...eventIds].reverse());
      expect(all.body.data[0]).toMatchObject({
        object: 'event',
        type: 'payment.captured',
        data: { object: { amount: 5000 } },
      });

      const captured = await api.request('GET', '/api/v1/events?type=payment.captured', { token: key });
      expect(captured.body.data.map((e: { id: string }) => e.id)).toEqual([eventIds[3], eventIds[1]]);

      const page1 = await api.request('GET', '/api/v1/events?limit=2', { token: key });
      expect(page1.body.hasMore).toBe(true);
      const page2 = await api.request('GET', `/api/v1/events?limit=2&startingAfter=${page1.body.data[1].id}`, {
        token: key,
      });
      expect([...page1.body.data, ...page2.body.data].map((e: { id: string }) => e.id)).toEqual(
        [...eventIds].reverse(),
      );

      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await api.request('GET', `/api/v1/events?createdFrom=${future}`, { token: key })).body.data).toEqual([]);
      const past = new Date(Date.now() - 3600_000).toISOString();
      expect((await api.request('GET', `/api/v1/events?createdTo=${past}`, { token: key })).body.data).toEqual([]);

      expectError(
        await api.request('GET', '/api/v1/events?type=payment.exploded', { token: key }),
        400,
        'invalid_request_error',
        'type',
      );
      expectError(
        await api.request('GET', '/api/v1/events?createdFrom=yesterday', { token: key }),
        400,
        'invalid_request_error',
        'createdFrom',
      );
      expectError(
        await api.request('GET', '/api/v1/events?limit=101', { token: key }),
        400,
        'invalid_request_error',
        'limit',
      );
      expect((await api.request('GET', '/api/v1/events', { token: otherKey })).body.data).toEqual([]);
      expectError(await api.request('GET', `/api/v1/events/${eventIds[0]}`, { token: otherKey }), 404, 'not_found');
    });

    it('lists deliveries with their attempts and replays them with new attempts on the webhooks queue', async () => {
      const endpoint = (await createEndpoint({ url: receiverUrl, events: ['payment.captured'] })).body;
      const eventId = eventIds[1];
      const deliveryId = 'whd_01JDQ3ZK7Y0000000000000009';
      // As the workers leave a delivery whose retries are spent.
      await db.merchant(merchantId, async (em) => {
        await sql(
          em,
          `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, status, attempt_count, schedule_step)
           VALUES ($1, $2, $3, $4, 'payment.captured', 'failed', 1, 8)`,
          [deliveryId, merchantId, eventId, endpoint.id],
        );
        await sql(
          em,
          `INSERT INTO webhook_delivery_attempts (id, delivery_id, merchant_id, endpoint_id, event_id, attempt_number, url,
                                                  webhook_timestamp, outcome, response_status, latency_ms, response_excerpt, error_class)
           VALUES ('wha_01JDQ3ZK7Y0000000000000009', $1, $2, $3, $4, 1, $5, 1764150000, 'failed', 500, 12, 'boom', 'http_error')`,
          [deliveryId, merchantId, endpoint.id, eventId, receiverUrl],
        );
      });

      const deliveries = await api.request('GET', `/api/v1/events/${eventId}/deliveries`, { token: key });
      expect(deliveries.status).toBe(200);
      expect(deliveries.body.data).toEqual([
        expect.objectContaining({
          id: deliveryId,
          endpointId: endpoint.id,
          status: 'failed',
          attemptCount: 1,
          attempts: [
            expect.objectContaining({
              attempt: 1,
              outcome: 'failed',
              responseStatus: 500,
              latencyMs: 12,
              responseExcerpt: 'boom',
              errorClass: 'http_error',
            }),
          ],
        }),
      ]);

      const replay = await api.request('POST', `/api/v1/events/${eventId}/redeliver`, { token: key, body: {} });
      expect(replay.body).toEqual({ object: 'redelivery', redelivered: 1, skipped: 0 });
      const [row] = await db.platform((em) =>
        sql<{ status: string; schedule_step: number }>(
          em,
          `SELECT status, schedule_step FROM webhook_deliveries WHERE id = $1`,
          [deliveryId],
        ),
      );
      expect(row).toEqual({ status: 'pending', schedule_step: 0 });
      const queue = new Queue('webhooks', { connection: bullConnection(api.config), prefix: bullPrefix(api.config) });
      try {
        const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
        expect(jobs.map((j) => j.data)).toContainEqual({
          merchantId,
          deliveryId,
          attempt: 2,
          deferrals: 0,
          endpointId: endpoint.id,
        });
      } finally {
        await queue.close();
      }

      // "Redeliver all failed since T" for the endpoint: nothing failed now, then the delivery once it has failed again.
      // A delivery that failed before T (of another event, to the same endpoint) is left out every time.
      const since = new Date(Date.now() - 3600_000).toISOString();
      const olderId = 'whd_01JDQ3ZK7Y0000000000000010';
      await db.merchant(merchantId, (em) =>
        sql(
          em,
          `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, status, attempt_count,
                                           schedule_step, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'payment.captured', 'failed', 8, 8, now() - interval '2 hours', now() - interval '2 hours')`,
          [olderId, merchantId, eventIds[3], endpoint.id],
        ),
      );
      const olderRow = async () =>
        (
          await db.platform((em) =>
            sql<{ status: string; schedule_step: number }>(
              em,
              `SELECT status, schedule_step FROM webhook_deliveries WHERE id = $1`,
              [olderId],
            ),
          )
        )[0];
      expect(
        (
          await api.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/redeliver-failed`, {
            token: key,
            body: { since },
          })
        ).body,
      ).toEqual({ object: 'redelivery', redelivered: 0, skipped: 0 });
      await db.platform((em) =>
        sql(em, `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL WHERE id = $1`, [deliveryId]),
      );
      expect(
        (
          await api.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/redeliver-failed`, {
            token: key,
            body: { since },
          })
        ).body,
      ).toEqual({ object: 'redelivery', redelivered: 1, skipped: 0 });
      expect(await olderRow()).toEqual({ status: 'failed', schedule_step: 8 });
      expectError(
        await api.request('POST', `/api/v1/webhook-endpoints/${endpoint.id}/redeliver-failed`, {
          token: key,
          body: { since: 'then' },
        }),
        400,
        'invalid_request_error',
        'since',
      );
      expectError(
        await api.request('POST', `/api/v1/events/${eventId}/redeliver`, { token: otherKey, body: {} }),
        404,
        'not_found',
      );
    });
  });
});
