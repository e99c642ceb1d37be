import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { newId } from '@lsp/domain';
import { Database, recordEvent } from '@lsp/persistence';
import type { EventEnvelope } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { UpdateAnalyticsRollupsHandler } from '../src/analytics/update-analytics-rollups.handler';
import { createMerchant } from './factories/outbox-event.factory';
import { bootWorkers, clearPrefix, testConfig } from './helpers';

/** Payment outcomes reach the hourly rollups through the outbox, once per event however often delivered. */
describe('analytics rollups', () => {
  const config = testConfig('rollups', { WORKER_QUEUES: 'events' });
  let app: INestApplicationContext;
  let owner: Client;
  let merchantId: string;

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    merchantId = await createMerchant(owner, 'Rollup Shop');
    app = await bootWorkers(config, { outboxRelay: { idleDelayMs: 50 } });
  });

  afterAll(async () => {
    await app.close();
    await owner.end();
    await clearPrefix(config);
  });

  const bucketOf = async () =>
    (
      await owner.query(
        `SELECT bucket, gateway, method, status, currency, count::int, amount::int, latency_count::int, latency_le_100::int
           FROM analytics_hourly WHERE merchant_id = $1`,
        [merchantId],
      )
    ).rows;

  it('adds a captured payment recorded in the outbox to its hour, and ignores a redelivery', async () => {
    const paymentId = newId('payment');
    const payload = {
      id: paymentId,
      object: 'payment',
      merchantId,
      amount: 25_000,
      currency: 'INR',
      method: 'card',
      status: 'captured',
      gateway: 'sandbox-primary',
      attempts: [{ id: newId('attempt'), gateway: 'sandbox-primary', status: 'succeeded', latencyMs: 87 }],
      createdAt: '2026-11-20T08:42:00.000Z',
    };
    const db = app.get(Database);
    const eventId = await db.merchant(merchantId, (em) =>
      recordEvent(em, {
        type: 'payment.captured',
        merchantId,
        aggregateType: 'payment',
        aggregateId: paymentId,
        payload,
      }),
    );

    const expected = {
      bucket: new Date('2026-11-20T08:00:00.000Z'),
      gateway: 'sandbox-primary',
      method: 'card',
      status: 'captured',
      currency: 'INR',
      count: 1,
      amount: 25_000,
      latency_count: 1,
      latency_le_100: 1,
    };
    expect(await eventually(async () => ((await bucketOf()).length > 0 ? bucketOf() : undefined))).toEqual([expected]);

    const envelope: EventEnvelope = {
      id: eventId,
      type: 'payment.captured',
      merchantId,
      aggregateType: 'payment',
      aggregateId: paymentId,
      occurredAt: new Date().toISOString(),
      data: { object: payload },
    };
    await app.get(UpdateAnalyticsRollupsHandler).handle(envelope);
    expect(await bucketOf()).toEqual([expected]);
  });
});
