import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import { Database, recordEvent } from '@lsp/persistence';
import { type EventEnvelope, bullConnection, bullPrefix, eventJobId, streamChannel } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { PublishTransactionStreamHandler } from '../src/events/publish-transaction-stream.handler';
import { createMerchant, outboxEvent } from './factories/outbox-event.factory';
import { bootWorkers, clearPrefix, plainRedis, testConfig } from './helpers';

describe('events fan-out', () => {
  const config = testConfig('fanout', { WORKER_QUEUES: 'events' });
  let app: INestApplicationContext;
  let owner: Client;
  let subscriber: Redis;
  let queue: Queue;
  let merchantId: string;
  const received: EventEnvelope[] = [];

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    merchantId = await createMerchant(owner);
    subscriber = plainRedis(config);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === streamChannel(config, 'transactions')) received.push(JSON.parse(message) as EventEnvelope);
    });
    await subscriber.subscribe(streamChannel(config, 'transactions'));
    queue = new Queue('events', { connection: bullConnection(config, 'test'), prefix: bullPrefix(config) });
    // The stream handler alone: these events name payments that do not exist, which the ledger would refuse.
    app = await bootWorkers(config, {
      outboxRelay: { idleDelayMs: 50 },
      eventHandlers: [PublishTransactionStreamHandler],
    });
  });

  afterAll(async () => {
    await app.close();
    await queue.close();
    subscriber.disconnect();
    await owner.end();
    await clearPrefix(config);
  });

  it('delivers recorded payment and refund events to the transactions stream channel, once per event', async () => {
    const db = app.get(Database);
    const [captured, refunded] = await db.merchant(merchantId, async (em) => [
      await recordEvent(em, outboxEvent({ merchantId, type: 'payment.captured' })),
      await recordEvent(em, outboxEvent({ merchantId, type: 'refund.succeeded', aggregateType: 'refund' })),
    ]);

    const messages = await eventually(async () => {
      const mine = received.filter((e) => e.id === captured || e.id === refunded);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(messages.map((m) => m.id).sort()).toEqual([captured, refunded].sort());

    for (const message of messages) {
      const job = await eventually(async () => {
        const found = await queue.getJob(eventJobId(message));
        return found?.finishedOn ? found : undefined;
      });
      // The channel carries exactly the job's validated envelope.
      expect(message).toEqual(job.data);
      expect(message).toMatchObject({ merchantId, data: { object: { object: 'payment' } } });
      expect(job.returnvalue).toEqual({ handled: ['transactions-stream'] });
      expect(await job.getState()).toBe('completed');
    }
    expect(received.filter((e) => e.id === captured)).toHaveLength(1);
  });
});
