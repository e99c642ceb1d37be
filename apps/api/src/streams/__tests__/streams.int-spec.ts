import { Redis } from 'ioredis';
import type { ListResponse, PaymentTimelineEntry, PaymentView, StreamTicketResponse } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { streamChannel } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';
import { SseClient, type SseMessage } from '../../../test/sse-client';
import { StreamHub } from '../stream-hub';

type SseEvent = Extract<SseMessage, { kind: 'event' }>;

/**
 * The `transactions` stream (API.md §10) on two API processes sharing one Redis: tickets, scope filtering, fan-out
 * from the Redis channel the workers publish to, resume from the outbox, heartbeats. The workers are not running:
 * the tests publish envelopes to the channel themselves, as the relay would.
 */
describe('streams: transactions (API.md §10)', () => {
  let a: ApiHarness;
  let b: ApiHarness;
  let redis: Redis;
  let channel: string;
  let admin: string;
  let merchantId: string;
  let merchantKey: string;
  let otherMerchantId: string;
  let otherKey: string;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([
      ApiHarness.start({ STREAM_HEARTBEAT_INTERVAL: '100ms', SANDBOX_CALLBACK_DELAY: '50ms' }),
      ApiHarness.start(),
    ]);
    redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    channel = streamChannel({ redisPrefix: process.env['REDIS_PREFIX'] as string }, 'transactions');
    admin = (await a.login()).accessToken;
    const m = await a.createMerchant(admin, { name: 'Streams Co', rateLimitPerMinute: 100000 });
    [merchantId, merchantKey] = [m.merchant.id, m.apiKey.secret];
    const o = await a.createMerchant(admin, { name: 'Other Streams Co', rateLimitPerMinute: 100000 });
    [otherMerchantId, otherKey] = [o.merchant.id, o.apiKey.secret];
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([a.close(), b.close()]);
  });

  const open = async (api: ApiHarness, query = '', headers: Record<string, string> = {}): Promise<SseClient> => {
    const client = await SseClient.open(`${api.baseUrl}/api/v1/streams/transactions${query}`, headers);
    clients.push(client);
    return client;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const ticketFor = async (api: ApiHarness, token: string): Promise<string> => {
    // As the console sends it: an empty JSON body.
    const res = await api.request<StreamTicketResponse>('POST', '/api/v1/streams/ticket', { token, body: {} });
    expect(res.status).toBe(200);
    return res.body.ticket;
  };
  /** An outbox envelope as the workers' relay publishes it. */
  const publish = async (merchant: string | null, type = 'payment.captured') => {
    const paymentId = newId('payment');
    const envelope = {
      id: newId('event'),
      type,
      merchantId: merchant,
      aggregateType: 'payment',
      aggregateId: paymentId,
      occurredAt: new Date().toISOString(),
      data: { object: { id: paymentId, object: 'payment', merchantId: merchant, amount: 10_000, status: 'captured' } },
    };
    await redis.publish(channel, JSON.stringify(envelope));
    return envelope;
  };
  const isEvent = (m: SseMessage): m is SseEvent => m.kind === 'event';

  describe('tickets', () => {
    it('issues a 60 s ticket to a console user or an API key, and it opens exactly one stream', async () => {
      const res = await a.request<StreamTicketResponse>('POST', '/api/v1/streams/ticket', { token: admin });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresIn: 60 });
      const ttl = await redis.ttl(`${process.env['REDIS_PREFIX']}:stream-ticket:${res.body.ticket}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);

      const first = await open(a, `?ticket=${res.body.ticket}`);
      expect(first.status).toBe(200);
      // Single use, on every replica: the ticket is gone from Redis once redeemed.
      const again = await open(b, `?ticket=${res.body.ticket}`);
      expect(again.status).toBe(401);
      expect(again.errorBody.error).toMatchObject({ type: 'authentication_error', code: 'invalid_ticket' });

      expect((await a.request('POST', '/api/v1/streams/ticket', { token: merchantKey })).status).toBe(200);
      expectError(await a.request('POST', '/api/v1/streams/ticket'), 401, 'authentication_error');
    });

    it('refuses an expired ticket', async () => {
      const ticket = await ticketFor(a, admin);
      await redis.pexpire(`${process.env['REDIS_PREFIX']}:stream-ticket:${ticket}`, 1);
      await eventually(async () =>
        (await redis.exists(`${process.env['REDIS_PREFIX']}:stream-ticket:${ticket}`)) === 0 ? true : undefined,
      );
      const res = await open(a, `?ticket=${ticket}`);
      expect(res.status).toBe(401);
      expect(res.errorBody.error.code).toBe('invalid_ticket');
    });

    it('never accepts a long-lived credential in the URL, not even a valid one', async () => {
      for (const query of [`?token=${admin}`, `?access_token=${admin}`, `?token=${merchantKey}`]) {
        const res = await open(a, query);
        expect(res.status).toBe(401);
        expect(res.errorBody.error).toMatchObject({ type: 'authentication_error', code: 'credentials_in_url' });
      }
      // Even alongside a valid header: a client that puts tokens in URLs must be fixed, not tolerated.
      const both = await open(a, `?token=${admin}`, bearer(admin));
      expect(both.status).toBe(401);
      const none = await open(a);
      expect(none.status).toBe(401);
      expect(none.errorBody.error.code).toBe('missing_credentials');
    });
  });

  it('opens with SSE headers and sends a heartbeat comment', async () => {
    const stream = await open(a, '', bearer(admin));
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toMatch(/no-cache/);
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.headers.get('x-request-id')).toBeTruthy();
    await stream.waitFor((m) => m.kind === 'comment' && m.text === 'heartbeat', 3000);
  });

  it('fans an event published to Redis out to streams on every API process', async () => {
    const onA = await open(a, '', bearer(admin));
    const onB = await open(b, `?ticket=${await ticketFor(b, admin)}`);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    const envelope = await publish(merchantId);
    for (const stream of [onA, onB]) {
      const got = await stream.waitForEvent(envelope.id);
      expect(got.event).toBe('payment.captured');
      expect(got.json).toEqual(envelope);
    }
  });

  it("shows a merchant only its own merchant's events; staff see every merchant", async () => {
    const merchantUser = await a.createUser(admin, ['merchant'], merchantId);
    const merchantJwt = (await a.login(merchantUser.email, merchantUser.password)).accessToken;
    const sreUser = await a.createUser(admin, ['sre']);
    const sreJwt = (await a.login(sreUser.email, sreUser.password)).accessToken;

    const byKey = await open(a, '', bearer(merchantKey));
    const byUser = await open(b, `?ticket=${await ticketFor(b, merchantJwt)}`);
    const other = await open(a, '', bearer(otherKey));
    const sre = await open(b, '', bearer(sreJwt));
    for (const s of [byKey, byUser, other, sre]) expect(s.status).toBe(200);

    // Published before the merchant's own event on one channel, so it would have arrived first.
    const foreign = await publish(otherMerchantId);
    const platform = await publish(null);
    const own = await publish(merchantId, 'payment.created');
    for (const s of [byKey, byUser]) {
      await s.waitForEvent(own.id);
      expect(s.events.map((e) => e.id)).toEqual([own.id]);
    }
    await other.waitForEvent(foreign.id);
    expect(other.events.map((e) => e.id)).toEqual([foreign.id]);
    await sre.waitForEvent(own.id);
    expect(sre.events.map((e) => e.id)).toEqual([foreign.id, platform.id, own.id]);
  });

  it('ignores malformed messages and never forwards fields beside the envelope', async () => {
    const stream = await open(a, '', bearer(admin));
    await redis.publish(channel, 'not json');
    await redis.publish(channel, JSON.stringify({ id: 'evt_bad\nevent: forged', type: 'payment.captured' }));
    const envelope = await publish(merchantId);
    await redis.publish(channel, JSON.stringify({ ...envelope, id: newId('event'), secret: 'lsp_test_leak' }));
    const last = await stream.waitFor(
      (m): m is SseEvent => isEvent(m) && m.id !== envelope.id && m.json?.aggregateId === envelope.aggregateId,
    );
    expect(last.json.secret).toBeUndefined();
    expect(stream.events.map((e) => e.event)).toEqual(['payment.captured', 'payment.captured']);
  });

  it('drops duplicate deliveries of one event (the relay publishes at least once)', async () => {
    const stream = await open(a, '', bearer(admin));
    const envelope = await publish(merchantId);
    await redis.publish(channel, JSON.stringify(envelope));
    const marker = await publish(merchantId);
    await stream.waitForEvent(marker.id);
    expect(stream.events.map((e) => e.id)).toEqual([envelope.id, marker.id]);
  });

  describe('resuming with Last-Event-ID', () => {
    let payment: PaymentView;
    let timeline: PaymentTimelineEntry[];

    beforeAll(async () => {
      // A real payment: its events are in outbox_events (no relay runs here, so nothing reaches the channel).
      const res = await a.request<PaymentView>('POST', '/api/v1/payments', {
        token: merchantKey,
        body: { amount: 10_000, currency: 'INR', method: 'upi' },
        headers: { 'idempotency-key': `stream-${Date.now()}` },
      });
      expect(res.status).toBe(201);
      payment = res.body;
      timeline = await eventually(async () => {
        const t = await a.request<ListResponse<PaymentTimelineEntry>>(
          'GET',
          `/api/v1/payments/${payment.id}/timeline`,
          { token: merchantKey },
        );
        return t.body.data.length === 2 ? t.body.data : undefined;
      });
      // Another merchant's event recorded after it, which the merchant's resume must not replay.
      const foreign = await a.request<PaymentView>('POST', '/api/v1/payments', {
        token: otherKey,
        body: { amount: 10_051, currency: 'INR', method: 'upi' },
        headers: { 'idempotency-key': `stream-other-${Date.now()}` },
      });
      expect(foreign.status).toBe(201);
    });

    it('replays what was missed from the outbox (header or query), then goes live', async () => {
      expect(timeline.map((e) => e.type)).toEqual(['payment.created', 'payment.captured']);
      const [created, captured] = timeline;

      const byHeader = await open(b, '', { ...bearer(merchantKey), 'last-event-id': created.id });
      const replayed = await byHeader.waitForEvent(captured.id);
      expect(replayed.event).toBe('payment.captured');
      expect(replayed.json).toMatchObject({
        id: captured.id,
        type: 'payment.captured',
        merchantId,
        aggregateType: 'payment',
        aggregateId: payment.id,
        data: { object: { id: payment.id, status: 'captured', amount: 10_000 } },
      });
      const live = await publish(merchantId);
      await byHeader.waitForEvent(live.id);
      // Only what came after the given event, only this merchant's, each once.
      expect(byHeader.events.map((e) => e.id)).toEqual([captured.id, live.id]);

      const byQuery = await open(a, `?ticket=${await ticketFor(a, merchantKey)}&lastEventId=${created.id}`);
      await byQuery.waitForEvent(captured.id);
      expect(byQuery.events.map((e) => e.id)).toEqual([captured.id]);
    });

    it('replays every merchant to staff', async () => {
      const stream = await open(a, '', { ...bearer(admin), 'last-event-id': timeline[0].id });
      await stream.waitForEvent(timeline[1].id);
      await stream.waitFor((m) => isEvent(m) && m.json?.merchantId === otherMerchantId);
    });

    it('refuses a malformed Last-Event-ID', async () => {
      const res = await open(a, '', { ...bearer(admin), 'last-event-id': 'yesterday' });
      expect(res.status).toBe(400);
      expect(res.errorBody.error).toMatchObject({ type: 'invalid_request_error', param: 'Last-Event-ID' });
    });
  });

  it('stops listening when the client goes away, and ends open streams on shutdown', async () => {
    const hub = a.app.get(StreamHub);
    const before = hub.listenerCount('transactions');
    const stream = await open(a, '', bearer(admin));
    expect(hub.listenerCount('transactions')).toBe(before + 1);
    stream.close();
    await eventually(async () => (hub.listenerCount('transactions') === before ? true : undefined));

    const c = await ApiHarness.start();
    const onC = await SseClient.open(`${c.baseUrl}/api/v1/streams/transactions`, bearer(admin));
    expect(onC.status).toBe(200);
    await c.close();
    await onC.waitForEnd();
  });

  it("applies the merchant's rate limit when a stream opens", async () => {
    const limited = await a.createMerchant(admin, { name: 'Limited Streams Co', rateLimitPerMinute: 2 });
    const key = limited.apiKey.secret;
    expect((await open(a, '', bearer(key))).status).toBe(200);
    expect((await open(b, '', bearer(key))).status).toBe(200);
    const refused = await open(a, '', bearer(key));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
  });
});
