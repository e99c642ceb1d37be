import { connect } from 'node:net';
import { Redis } from 'ioredis';
import type { StreamTicketResponse } from '@lsp/contracts';
import {
  type OperationsStreamName,
  STREAM_BUFFER_LENGTH,
  type StreamMessage,
  publishStreamMessage,
  streamBufferKey,
  streamChannel,
} from '@lsp/queues';
import { TcpProxy, eventually, viaProxy } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';
import { SseClient, type SseMessage } from '../../../test/sse-client';
import { REDIS, REDIS_SUBSCRIBER } from '../../core/infra/tokens';
import { StreamHub } from '../stream-hub';

type SseEvent = Extract<SseMessage, { kind: 'event' }>;

/**
 * The six operations streams (API.md §10) on two API processes sharing one Redis: messages published with
 * `publishStreamMessage` (as the workers do) reach clients on either process, per-stream role checks and merchant
 * filtering, Last-Event-ID resume from the Redis buffer (and saying so when it cannot be exact), and a client that
 * stops reading is cut off instead of buffered.
 */
describe('streams: operations streams (API.md §10)', () => {
  let a: ApiHarness;
  let b: ApiHarness;
  let redis: Redis;
  const config = { redisPrefix: process.env['REDIS_PREFIX'] as string };
  let admin: string;
  let sre: string;
  let finance: string;
  let merchantId: string;
  let merchantKey: string;
  let merchantUser: string;
  let otherMerchantId: string;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([ApiHarness.start({ STREAM_HEARTBEAT_INTERVAL: '100ms' }), ApiHarness.start()]);
    redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    admin = (await a.login()).accessToken;
    const m = await a.createMerchant(admin, { name: 'Ops Streams Co', rateLimitPerMinute: 100000 });
    [merchantId, merchantKey] = [m.merchant.id, m.apiKey.secret];
    otherMerchantId = (await a.createMerchant(admin, { name: 'Other Ops Co' })).merchant.id;
    const login = async (roles: string[], merchant?: string) => {
      const u = await a.createUser(admin, roles, merchant);
      return (await a.login(u.email, u.password)).accessToken;
    };
    [sre, finance, merchantUser] = await Promise.all([
      login(['sre']),
      login(['finance']),
      login(['merchant'], merchantId),
    ]);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([a.close(), b.close()]);
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const open = async (api: ApiHarness, stream: string, headers: Record<string, string> = {}, query = '') => {
    const client = await SseClient.open(`${api.baseUrl}/api/v1/streams/${stream}${query}`, headers);
    clients.push(client);
    return client;
  };
  const publish = <T>(stream: OperationsStreamName, type: string, data: T, merchant: string | null = null) =>
    publishStreamMessage(redis, config, stream, { type, data, merchantId: merchant });
  const isEvent = (m: SseMessage): m is SseEvent => m.kind === 'event';

  it('fans a published message out to clients on every API process, framed as the contract says', async () => {
    const ticket = await b.request<StreamTicketResponse>('POST', '/api/v1/streams/ticket', { token: sre });
    const onA = await open(a, 'gateway-health', bearer(admin));
    const onB = await open(b, 'gateway-health', {}, `?ticket=${ticket.body.ticket}`);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    expect(onA.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sent = await publish('gateway-health', 'gateway.health', {
      gatewayId: 'gw_01JAZ3NDEKTSV4RRFFQ69G5FAV',
      code: 'sandbox',
      status: 'down',
      previousStatus: 'healthy',
      circuit: 'open',
      successRate: 0,
      p95LatencyMs: null,
      attempts: 12,
      checkedAt: new Date().toISOString(),
    });
    for (const client of [onA, onB]) {
      const got = await client.waitForEvent(sent.id);
      expect(got.event).toBe('gateway.health');
      expect(got.json).toEqual(sent);
    }
    // The message was buffered too: its id is the buffer entry's.
    expect(await redis.xrange(streamBufferKey(config, 'gateway-health'), sent.id, sent.id)).toHaveLength(1);
  });

  it('sends a heartbeat comment on an idle operations stream', async () => {
    const stream = await open(a, 'system-status', bearer(sre));
    await stream.waitFor((m) => m.kind === 'comment' && m.text === 'heartbeat', 3000);
  });

  it('checks roles per stream and answers 404 for an unknown stream', async () => {
    const cases: [string, string, number][] = [
      [admin, 'queue-stats', 200],
      [sre, 'worker-health', 200],
      [sre, 'settlements', 200],
      [finance, 'alerts', 200],
      [finance, 'settlements', 200],
      [finance, 'transactions', 200],
      [finance, 'gateway-health', 403],
      [finance, 'queue-stats', 403],
      [finance, 'worker-health', 403],
      [finance, 'system-status', 403],
      [merchantKey, 'settlements', 200],
      [merchantUser, 'settlements', 200],
      [merchantKey, 'alerts', 403],
      [merchantUser, 'system-status', 403],
      [merchantUser, 'gateway-health', 403],
      [admin, 'nope', 404],
    ];
    for (const [token, stream, status] of cases) {
      const res = await open(a, stream, bearer(token));
      expect({ stream, status: res.status }).toEqual({ stream, status });
      if (status !== 200) expect(res.errorBody.error.type).toBe(status === 403 ? 'permission_error' : 'not_found');
      res.close();
    }
    expect((await open(a, 'alerts')).status).toBe(401);
  });

  it("shows a merchant only its own settlements; staff see every merchant's and the platform's", async () => {
    const byKey = await open(a, 'settlements', bearer(merchantKey));
    const byUser = await open(b, 'settlements', bearer(merchantUser));
    const staff = await open(b, 'settlements', bearer(finance));
    const foreign = await publish('settlements', 'settlement.created', { id: 'stl_x' }, otherMerchantId);
    const platform = await publish('settlements', 'settlement.created', { id: 'stl_y' });
    const own = await publish('settlements', 'settlement.paid', { id: 'stl_z' }, merchantId);
    for (const s of [byKey, byUser]) {
      await s.waitForEvent(own.id);
      expect(s.events.map((e) => e.id)).toEqual([own.id]);
    }
    await staff.waitForEvent(own.id);
    expect(staff.events.map((e) => e.id)).toEqual([foreign.id, platform.id, own.id]);
  });

  it('ignores malformed channel messages and fields beside the message', async () => {
    const stream = await open(a, 'alerts', bearer(admin));
    const channel = streamChannel(config, 'alerts');
    await redis.publish(channel, 'not json');
    await redis.publish(channel, JSON.stringify({ id: '1-0\nevent: forged', stream: 'alerts', type: 'alert.raised' }));
    // Right shape, wrong stream: a message never crosses to another stream.
    await redis.publish(
      channel,
      JSON.stringify({ id: '5-0', stream: 'queue-stats', type: 'queue.stats', at: 'x', merchantId: null, data: {} }),
    );
    const sent = await publish('alerts', 'alert.raised', { id: 'alr_1' });
    await redis.publish(channel, JSON.stringify({ ...sent, id: `${sent.id.split('-')[0]}-99`, secret: 'leak' }));
    const last = await stream.waitFor((m): m is SseEvent => isEvent(m) && m.id?.endsWith('-99') === true);
    expect(last.json.secret).toBeUndefined();
    expect(stream.events.map((e) => e.id)).toEqual([sent.id, last.id]);
  });

  describe('resuming with Last-Event-ID from the Redis buffer', () => {
    let sent: StreamMessage[];

    beforeAll(async () => {
      sent = [];
      for (let i = 0; i < 3; i++) sent.push(await publish('queue-stats', 'queue.stats', { queues: [], i }));
    });

    it('replays what was missed (header or query), then goes live, each message once', async () => {
      const byHeader = await open(b, 'queue-stats', { ...bearer(sre), 'last-event-id': sent[0].id });
      await byHeader.waitForEvent(sent[2].id);
      const live = await publish('queue-stats', 'queue.stats', { queues: [], i: 3 });
      await byHeader.waitForEvent(live.id);
      expect(byHeader.events.map((e) => e.id)).toEqual([sent[1].id, sent[2].id, live.id]);
      expect(byHeader.events[0].json).toEqual(sent[1]);
      expect(byHeader.messages.some((m) => isEvent(m) && m.event === 'stream.truncated')).toBe(false);

      const byQuery = await open(a, 'queue-stats', bearer(sre), `?lastEventId=${sent[1].id}`);
      await byQuery.waitForEvent(live.id);
      expect(byQuery.events.map((e) => e.id)).toEqual([sent[2].id, live.id]);
    });

    it('says "truncated" when the id is no longer in the buffer, and replays what is kept', async () => {
      const stream = await open(a, 'queue-stats', { ...bearer(admin), 'last-event-id': '1-0' });
      const notice = await stream.waitFor((m): m is SseEvent => isEvent(m) && m.event === 'stream.truncated');
      expect(notice.id).toBeUndefined();
      expect(notice.json.replayed).toBeGreaterThanOrEqual(3);
      await stream.waitForEvent(sent[2].id);
    });

    it('keeps the buffer capped', async () => {
      const key = streamBufferKey(config, 'worker-health');
      const pipeline = redis.pipeline();
      for (let i = 0; i < STREAM_BUFFER_LENGTH + 300; i++) {
        pipeline.xadd(key, 'MAXLEN', '~', String(STREAM_BUFFER_LENGTH), '*', 'message', '{}');
      }
      await pipeline.exec();
      await publish('worker-health', 'worker.health', { workers: [] });
      // MAXLEN ~ trims whole macro nodes, so a little over the cap may remain, never the whole history.
      expect(await redis.xlen(key)).toBeLessThan(STREAM_BUFFER_LENGTH + 200);
    });

    it('refuses a Last-Event-ID that is not a message id of the stream', async () => {
      for (const id of ['yesterday', 'evt_01JAZ3NDEKTSV4RRFFQ69G5FAV']) {
        const res = await open(a, 'queue-stats', { ...bearer(admin), 'last-event-id': id });
        expect(res.status).toBe(400);
        expect(res.errorBody.error).toMatchObject({ type: 'invalid_request_error', param: 'Last-Event-ID' });
      }
    });
  });

  it('replays what was published while Redis was unreachable once the API reconnects', async () => {
    const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    const proxy = new TcpProxy(new URL(redisUrl).hostname, Number(new URL(redisUrl).port || 6379));
    const port = await proxy.start();
    const c = await ApiHarness.start({ REDIS_URL: viaProxy(redisUrl, port) });
    try {
      const live = await open(c, 'alerts', bearer(admin));
      const idle = await open(c, 'worker-health', bearer(admin));
      const before = await publish('alerts', 'alert.raised', { n: 1 });
      await live.waitForEvent(before.id);

      await proxy.cut();
      // Published (buffered and fanned out) while this API process cannot hear it.
      const missed = await publish('alerts', 'alert.acknowledged', { n: 2 });
      const missedIdle = await publish('worker-health', 'worker.health', { workers: [] });
      await proxy.restore();

      await live.waitForEvent(missed.id, 15_000);
      const after = await publish('alerts', 'alert.resolved', { n: 3 });
      await live.waitForEvent(after.id);
      expect(live.events.map((e) => e.id)).toEqual([before.id, missed.id, after.id]);
      expect(live.messages.some((m) => isEvent(m) && m.event === 'stream.truncated')).toBe(false);
      // A stream that had sent nothing yet resumes from the moment it opened.
      await idle.waitForEvent(missedIdle.id);
    } finally {
      await c.close();
      await proxy.cut();
    }
  });

  it('keeps the stream when the replay after an outage finds the command connection still reconnecting', async () => {
    const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    const proxy = new TcpProxy(new URL(redisUrl).hostname, Number(new URL(redisUrl).port || 6379));
    const port = await proxy.start();
    const c = await ApiHarness.start({ REDIS_URL: viaProxy(redisUrl, port) });
    try {
      const live = await open(c, 'alerts', bearer(admin));
      const before = await publish('alerts', 'alert.raised', { n: 1 });
      await live.waitForEvent(before.id);

      await proxy.cut();
      const missed = await publish('alerts', 'alert.acknowledged', { n: 2 });
      // The API's two connections reconnect each on its own backoff: make the command connection (fail-fast, no
      // offline queue) the late one, so the resync's replay first meets a connection that refuses commands.
      const command = c.app.get<Redis>(REDIS);
      c.app.get<Redis>(REDIS_SUBSCRIBER).once('ready', () => command.disconnect(true));
      await proxy.restore();

      await live.waitForEvent(missed.id, 15_000);
      expect(live.isEnded).toBe(false);
      expect(live.events.map((e) => e.id)).toEqual([before.id, missed.id]);
    } finally {
      await c.close();
      await proxy.cut();
    }
  });

  it('cuts off a client that stops reading instead of buffering for it', async () => {
    const hub = a.app.get(StreamHub);
    const before = hub.listenerCount('system-status');
    const { port } = new URL(a.baseUrl);
    // A raw socket that sends the request and never reads: the kernel buffers fill, then the server's.
    const socket = connect(Number(port), '127.0.0.1');
    socket.pause();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /api/v1/streams/system-status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\n\r\n`);
    await eventually(async () => (hub.listenerCount('system-status') === before + 1 ? true : undefined));
    const reader = await open(b, 'system-status', bearer(admin));

    const channel = streamChannel(config, 'system-status');
    const blob = 'x'.repeat(128 * 1024);
    let last = '';
    // Straight to the channel: 15 MB through the Redis buffer would only slow the test down.
    for (let i = 0; i < 120 && hub.listenerCount('system-status') > before; i++) {
      last = `${Date.now()}-${i}`;
      await redis.publish(
        channel,
        JSON.stringify({
          id: last,
          stream: 'system-status',
          type: 'system.status',
          at: 'now',
          merchantId: null,
          data: { blob },
        }),
      );
    }
    await eventually(async () => (hub.listenerCount('system-status') === before ? true : undefined));
    // A client that keeps up on the other process got everything.
    await reader.waitForEvent(last, 10_000);
    socket.destroy();
  });
});
