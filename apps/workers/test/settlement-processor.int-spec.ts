import type { INestApplicationContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { Database, createManualRun, findRun } from '@lsp/persistence';
import { type StreamMessage, streamBufferKey } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { createLedgerMerchant } from './factories/ledger.factory';
import { seedCaptures } from './factories/settlement.factory';
import { createEndpoint } from './factories/webhook-endpoint.factory';
import { bootWorkers, clearPrefix, plainRedis, testConfig } from './helpers';
import { WebhookReceiver } from './webhook-receiver';

/** The Settlement Processor as the workers run it: the queue tick claims a requested run, the stream hears of it. */
describe('settlement processor (workers app)', () => {
  const config = testConfig('settlement-processor', {
    WORKER_QUEUES: 'settlements,events,webhooks',
    SETTLEMENT_POLL_EVERY: '200ms',
    SETTLEMENT_SCHEDULES: 'false',
    SETTLEMENT_BATCH_SIZE: '2',
  });
  let app: INestApplicationContext;
  let owner: Client;
  let redis: Redis;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    redis = plainRedis(config);
    receiver = await WebhookReceiver.start();
    app = await bootWorkers(config, { outboxRelay: { idleDelayMs: 50 } });
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
    redis.disconnect();
    await owner.end();
    await clearPrefix(config);
  });

  it('settles a requested run on its next tick and publishes settlement.created and settlement.paid', async () => {
    const db = app.get(Database);
    const merchant = await createLedgerMerchant(owner, 'manual');
    const captures = await seedCaptures(owner, db, merchant, [10_000, 20_000, 30_000]);
    const run = await db.platform((em) =>
      createManualRun(em, { merchantId: merchant, cutoff: new Date(), requestedBy: 'test' }),
    );

    const done = await eventually(async () => {
      const row = await db.platform((em) => findRun(em, run.id));
      return row?.status === 'completed' ? row : undefined;
    }, 20_000);
    // Batches of two items: three captures make two settlements.
    expect(done).toMatchObject({ settlements_created: 2, items_settled: '3' });
    const { rows: settlements } = await owner.query(
      `SELECT id, amount::int FROM settlements WHERE merchant_id = $1 ORDER BY id`,
      [merchant],
    );
    expect(settlements.reduce((s: number, r: { amount: number }) => s + r.amount, 0)).toBe(
      captures.reduce((s, c) => s + c.net, 0),
    );

    const messages = await eventually(async () => {
      const entries = await redis.xrange(streamBufferKey(config, 'settlements'), '-', '+');
      const mine = entries
        .map(([, fields]) => JSON.parse(fields[1]) as Omit<StreamMessage<{ id: string; status: string }>, 'id'>)
        .filter((m) => m.merchantId === merchant);
      return mine.length >= 4 ? mine : undefined;
    }, 20_000);
    for (const { id } of settlements as { id: string }[]) {
      expect(messages.filter((m) => m.data.id === id).map((m) => m.type)).toEqual([
        'settlement.created',
        'settlement.paid',
      ]);
    }
    expect(messages.every((m) => m.stream === 'settlements' && m.data.status === 'paid')).toBe(true);
  });

  it("delivers settlement.paid, signed, to a merchant's endpoint subscribed to it", async () => {
    const db = app.get(Database);
    const merchant = await createLedgerMerchant(owner, 'manual');
    const subscribed = await createEndpoint(db, config, merchant, `${receiver.url}/settlements`, {
      eventTypes: ['settlement.paid'],
    });
    // Subscribed to payments only: hears nothing of the settlement.
    await createEndpoint(db, config, merchant, `${receiver.url}/payments-only`, { eventTypes: ['payment.captured'] });
    const [capture] = await seedCaptures(owner, db, merchant, [12_000]);
    const run = await db.platform((em) =>
      createManualRun(em, { merchantId: merchant, cutoff: new Date(), requestedBy: 'test' }),
    );

    const [request] = await eventually(async () => {
      const got = receiver.forPath('/settlements');
      return got.length > 0 ? got : undefined;
    }, 20_000);
    const {
      rows: [settlement],
    } = await owner.query(`SELECT id, run_id FROM settlements WHERE merchant_id = $1`, [merchant]);
    expect(settlement.run_id).toBe(run.id);
    const {
      rows: [event],
    } = await owner.query(`SELECT id FROM outbox_events WHERE type = 'settlement.paid' AND aggregate_id = $1`, [
      settlement.id,
    ]);
    expect(request.headers['webhook-id']).toBe(event.id);
    // Verified with the endpoint's secret as the merchant would (Standard Webhooks): a forged body would throw.
    const verified = new Webhook(subscribed.secret).verify(request.body, request.headers);
    expect(verified).toMatchObject({
      id: event.id,
      type: 'settlement.paid',
      data: {
        object: { id: settlement.id, object: 'settlement', status: 'paid', amount: capture.net, currency: 'INR' },
      },
    });
    // The receiver's answer is recorded just after it is sent.
    const deliveries = await eventually(async () => {
      const { rows } = await owner.query(`SELECT endpoint_id, status FROM webhook_deliveries WHERE event_id = $1`, [
        event.id,
      ]);
      return rows.every((r: { status: string }) => r.status === 'succeeded') ? rows : undefined;
    });
    expect(deliveries).toEqual([{ endpoint_id: subscribed.id, status: 'succeeded' }]);
    expect(receiver.forPath('/payments-only')).toEqual([]);
  });
});
