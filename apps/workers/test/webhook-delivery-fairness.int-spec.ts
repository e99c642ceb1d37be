import type { INestApplicationContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import { Database, recordEvent } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { type DeliverWebhookPayload, deliverWebhookJobId } from '@lsp/queues';
import { DeclaredQueues } from '../src/core/declared-queues';
import { DeliverWebhookProcessor, type DeliverOutcome } from '../src/webhooks/deliver-webhook.processor';
import { EndpointSlots } from '../src/webhooks/endpoint-slots';
import { createMerchant, outboxEvent } from './factories/outbox-event.factory';
import { createEndpoint } from './factories/webhook-endpoint.factory';
import { bootWorkers, clearPrefix, plainRedis, testConfig } from './helpers';
import { webhookFanOutDone } from './webhook-fan-out';
import { WebhookReceiver } from './webhook-receiver';

/*
 * Slow receivers must cost their own merchant, not everyone: an endpoint's backlog waits for its slots without
 * busy-waiting on PostgreSQL, and one merchant's slow endpoints together hold at most WEBHOOK_MERCHANT_CONCURRENCY
 * deliveries in flight.
 */
describe('webhook delivery fairness (per-endpoint and per-merchant in-flight caps)', () => {
  const config = testConfig('webhook-fairness', {
    WORKER_QUEUES: 'events,webhooks',
    WEBHOOK_RETRY_SCHEDULE: '0,200ms,200ms',
    WEBHOOK_TIMEOUT: '5s',
    WEBHOOK_ENDPOINT_CONCURRENCY: '2',
    WEBHOOK_MERCHANT_CONCURRENCY: '3',
  });
  let app: INestApplicationContext;
  let db: Database;
  let owner: Client;
  let redis: Redis;
  let receiver: WebhookReceiver;
  /** Every deliver-webhook job the workers ran, with its outcome. */
  const runs: { payload: DeliverWebhookPayload; outcome: DeliverOutcome['outcome'] }[] = [];

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    redis = plainRedis(config);
    receiver = await WebhookReceiver.start();
    app = await bootWorkers(config, { outboxRelay: { idleDelayMs: 50 } });
    db = app.get(Database);
    const processor = app.get(DeliverWebhookProcessor);
    const process = processor.process.bind(processor);
    jest.spyOn(processor, 'process').mockImplementation(async (payload, job) => {
      const result = await process(payload, job);
      runs.push({ payload, outcome: result.outcome });
      return result;
    });
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
    await owner.end();
    redis.disconnect();
    await clearPrefix(config);
  });

  async function emit(merchantId: string, type = 'payment.captured'): Promise<string> {
    return db.merchant(merchantId, (em) => recordEvent(em, outboxEvent({ merchantId, type })));
  }

  async function succeeded(endpointIds: string[]): Promise<number> {
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ANY($1) AND status = 'succeeded'`,
      [endpointIds],
    );
    return rows[0].n;
  }

  it('takes a slot only when both the endpoint and its merchant are under their caps, in one Redis call', async () => {
    const slots = new EndpointSlots(
      redis,
      { redisPrefix: `${config.redisPrefix}-slots` },
      { endpoint: 2, merchant: 3 },
      60_000,
    );
    const take = (endpointId: string, merchantId: string, holder: string): Promise<boolean> =>
      slots.acquire(endpointId, merchantId, holder);
    // One batch: two of e1 (its cap), a third refused; e2 gets one before the merchant's 3 are taken.
    await expect(
      Promise.all([take('e1', 'm1', 'a'), take('e1', 'm1', 'b'), take('e1', 'm1', 'c'), take('e2', 'm1', 'd')]),
    ).resolves.toEqual([true, true, false, true]);
    // e3 has room but its merchant has none; another merchant's endpoint is not affected.
    await expect(take('e3', 'm1', 'e')).resolves.toBe(false);
    await expect(take('e4', 'm2', 'f')).resolves.toBe(true);
    // A refused take holds nothing: giving one back frees exactly one slot of the merchant.
    await slots.release('e1', 'm1', 'a');
    await expect(Promise.all([take('e3', 'm1', 'g'), take('e3', 'm1', 'h')])).resolves.toEqual([true, false]);
  });

  it("lets a fast merchant's deliveries through beside a slow endpoint's backlog, which waits without busy-polling", async () => {
    const slowMerchant = await createMerchant(owner, 'Slow Shop');
    const fastMerchant = await createMerchant(owner, 'Fast Shop');
    const slow = await createEndpoint(db, config, slowMerchant, `${receiver.url}/slow`);
    const fast = await createEndpoint(db, config, fastMerchant, `${receiver.url}/fast`);
    receiver.respond((req, res) => {
      if (req.path === '/slow') return void setTimeout(() => res.end('ok'), 1000);
      res.end('ok');
    });

    const backlog = 12;
    const slowEvents = await Promise.all(Array.from({ length: backlog }, () => emit(slowMerchant)));
    // The backlog is queued and the endpoint at its cap before the fast merchant's events come.
    await eventually(async () => (receiver.inFlight.get('/slow') === 2 ? true : undefined));

    const emitted = new Map<string, number>();
    for (let i = 0; i < 8; i++) {
      const eventId = await emit(fastMerchant);
      emitted.set(eventId, Date.now());
      await new Promise((r) => setTimeout(r, 100));
    }
    await eventually(async () => ((await succeeded([fast.id])) === emitted.size ? true : undefined));
    // Each fast delivery arrived promptly (outbox relay, fan-out, one POST), not behind the slow backlog.
    const latencies = receiver
      .forPath('/fast')
      .filter((r) => emitted.has(r.headers['webhook-id']))
      .map((r) => r.at - (emitted.get(r.headers['webhook-id']) as number));
    expect(latencies).toHaveLength(emitted.size);
    expect(Math.max(...latencies)).toBeLessThan(3000);

    await eventually(async () => ((await succeeded([slow.id])) === backlog ? true : undefined), 60_000, 200);
    expect(receiver.maxInFlight.get('/slow')).toBe(2);
    expect(new Set(receiver.forPath('/slow').map((r) => r.headers['webhook-id']))).toEqual(new Set(slowEvents));

    // Waiting is not an attempt, and it backs off: with a fixed 250 ms re-poll the longest-waiting delivery deferred
    // about 20 times and the backlog about 110 times in all; with 250 ms doubling (to 10 s) about 6 and 50.
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM webhook_delivery_attempts WHERE endpoint_id = $1`,
      [slow.id],
    );
    expect(rows[0].n).toBe(backlog);
    const slowRuns = runs.filter((r) => r.payload.merchantId === slowMerchant);
    const deferrals = new Map<string, number>();
    for (const run of slowRuns.filter((r) => r.outcome === 'deferred')) {
      deferrals.set(run.payload.deliveryId, (deferrals.get(run.payload.deliveryId) ?? 0) + 1);
    }
    const total = [...deferrals.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(Math.max(...deferrals.values())).toBeLessThanOrEqual(10);
    expect(total).toBeLessThanOrEqual(6 * backlog);
    // The fan-out names the endpoint, so a waiting attempt takes its slot before any lease in PostgreSQL.
    expect(slowRuns.every((r) => r.payload.endpointId === slow.id)).toBe(true);
  }, 90_000);

  it('keeps at most WEBHOOK_MERCHANT_CONCURRENCY deliveries in flight to all endpoints of one merchant', async () => {
    const merchantId = await createMerchant(owner, 'Many Endpoints Shop');
    const paths = ['/m1', '/m2', '/m3'];
    const endpoints = await Promise.all(
      paths.map((path) => createEndpoint(db, config, merchantId, `${receiver.url}${path}`)),
    );
    let inFlight = 0;
    let maxInFlight = 0;
    receiver.respond((req, res) => {
      if (!paths.includes(req.path)) return void res.end('ok');
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 400);
    });
    // 4 events × 3 endpoints: 12 deliveries; each endpoint alone may take 2, all three together only 3.
    await Promise.all(Array.from({ length: 4 }, () => emit(merchantId)));
    const ids = endpoints.map((e) => e.id);
    await eventually(async () => ((await succeeded(ids)) === 12 ? true : undefined), 60_000, 200);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThanOrEqual(2);
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM webhook_delivery_attempts WHERE endpoint_id = ANY($1)`,
      [ids],
    );
    expect(rows[0].n).toBe(12);
  }, 90_000);

  it('still runs a job without endpointId (an older producer): claims first, and a deferral learns the endpoint', async () => {
    const merchantId = await createMerchant(owner, 'Old Job Shop');
    // Not subscribed to the event's type: the fan-out makes no delivery (and no job) of its own.
    const endpoint = await createEndpoint(db, config, merchantId, `${receiver.url}/old`, {
      eventTypes: ['refund.failed'],
    });
    receiver.respond((_req, res) => res.end('ok'));
    const eventId = await emit(merchantId, 'payment.cancelled');
    await webhookFanOutDone(app, owner, { id: eventId, type: 'payment.cancelled' });
    const deliveryId = 'whd_01JDQ3ZK7Y0000000000OLDJOB';
    await owner.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, next_attempt_at)
       VALUES ($1, $2, $3, $4, 'payment.cancelled', now())`,
      [deliveryId, merchantId, eventId, endpoint.id],
    );
    // Both of the endpoint's slots are held (deliveries in flight elsewhere).
    const slots = new EndpointSlots(redis, config, { endpoint: 2, merchant: 3 }, 60_000);
    await expect(
      Promise.all([slots.acquire(endpoint.id, merchantId, 'x'), slots.acquire(endpoint.id, merchantId, 'y')]),
    ).resolves.toEqual([true, true]);

    const processor = app.get(DeliverWebhookProcessor);
    const oldPayload = { merchantId, deliveryId, attempt: 1, deferrals: 0 };
    await expect(processor.process(oldPayload, { id: 'old-job' } as never)).resolves.toEqual({ outcome: 'deferred' });
    // The lease is given back and the attempt due later; the re-enqueued job names the endpoint.
    const { rows } = await owner.query(
      `SELECT lease_until, next_attempt_at > now() AS later, attempt_count FROM webhook_deliveries WHERE id = $1`,
      [deliveryId],
    );
    expect(rows[0]).toEqual({ lease_until: null, later: true, attempt_count: 0 });
    const next = await app
      .get(DeclaredQueues)
      .get('webhooks')
      .getJob(deliverWebhookJobId(deliveryId, 1, 1));
    expect(next?.data).toEqual({ ...oldPayload, deferrals: 1, endpointId: endpoint.id });

    await slots.release(endpoint.id, merchantId, 'x');
    await eventually(async () => ((await succeeded([endpoint.id])) === 1 ? true : undefined), 20_000, 100);
    expect(receiver.forPath('/old')).toHaveLength(1);
    await slots.release(endpoint.id, merchantId, 'y');
  });
});
