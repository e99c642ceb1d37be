import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { encodeUsageCell, usageBatchKey, usagePendingKey } from '@lsp/webhooks';
import { FlushApiUsageProcessor } from '../src/webhooks/flush-api-usage.processor';
import { createMerchant } from './factories/outbox-event.factory';
import { bootWorkers, clearPrefix, plainRedis, testConfig } from './helpers';

describe('flush-api-usage (Redis counters → api_usage)', () => {
  const config = testConfig('usage', { WORKER_QUEUES: 'webhooks' });
  let app: INestApplicationContext;
  let owner: Client;
  let merchantId: string;
  const redis = plainRedis(config);

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    merchantId = await createMerchant(owner, 'Usage Shop');
    app = await bootWorkers(config, { outboxRelay: false });
  });

  afterAll(async () => {
    await app.close();
    redis.disconnect();
    await owner.end();
    await clearPrefix(config);
  });

  const cell = (route: string, statusClass: string, bucket: number): string =>
    encodeUsageCell({ merchantId, day: '2026-11-25', route, statusClass, bucket });

  async function calls(): Promise<Record<string, number>> {
    const { rows } = await owner.query<{ route: string; status_class: string; bucket: number; calls: string }>(
      `SELECT route, status_class, bucket, calls FROM api_usage WHERE merchant_id = $1`,
      [merchantId],
    );
    return Object.fromEntries(rows.map((r) => [`${r.route} ${r.status_class} ${r.bucket}`, Number(r.calls)]));
  }

  it('adds the pending counters, keeps counting in a fresh hash, and never adds a batch twice', async () => {
    const processor = app.get(FlushApiUsageProcessor);
    await redis.hincrby(usagePendingKey(config), cell('POST /api/v1/payments', '2xx', 2), 7);
    await redis.hincrby(usagePendingKey(config), cell('GET /api/v1/payments/:id', '4xx', 0), 2);
    await redis.hset(usagePendingKey(config), 'garbage', '5');

    await processor.process({ trigger: 'manual' });
    expect(await calls()).toEqual({ 'POST /api/v1/payments 2xx 2': 7, 'GET /api/v1/payments/:id 4xx 0': 2 });
    expect(await redis.exists(usagePendingKey(config))).toBe(0);

    await redis.hincrby(usagePendingKey(config), cell('POST /api/v1/payments', '2xx', 2), 3);
    await processor.process({ trigger: 'manual' });
    expect((await calls())['POST /api/v1/payments 2xx 2']).toBe(10);

    // A batch whose flush died after committing (its key still in Redis) adds nothing the second time.
    const batch = usageBatchKey(config, 'crashed-batch');
    await redis.hincrby(batch, cell('POST /api/v1/payments', '2xx', 2), 5);
    await owner.query(`INSERT INTO api_usage_flushes (batch_id) VALUES ('crashed-batch')`);
    await processor.process({ trigger: 'manual' });
    expect((await calls())['POST /api/v1/payments 2xx 2']).toBe(10);
    expect(await redis.exists(batch)).toBe(0);
  });
});
