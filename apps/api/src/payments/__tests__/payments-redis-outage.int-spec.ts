import { Client } from 'pg';
import type { PaymentView } from '@lsp/contracts';
import { TcpProxy } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';

/** API.md §5 / issue: with Redis briefly down, payments still commit and their events wait in the outbox. */
describe('payments while Redis is down', () => {
  const redisProxy = new TcpProxy('127.0.0.1', 6379);
  let api: ApiHarness;
  let key: string;

  beforeAll(async () => {
    const port = await redisProxy.start();
    api = await ApiHarness.start({ REDIS_URL: `redis://127.0.0.1:${port}`, SANDBOX_CALLBACK_DELAY: '100ms' });
    const admin = (await api.login()).accessToken;
    key = (await api.createMerchant(admin, { rateLimitPerMinute: 1000 })).apiKey.secret;
    // Warm the API-key cache: authentication itself reads PostgreSQL, not Redis.
    expect((await api.request('GET', '/api/v1/merchant/credentials', { token: key })).status).toBe(200);
  });
  afterAll(async () => {
    await api.close();
    await redisProxy.cut();
  });

  it('accepts and records the payment, with its events in the outbox', async () => {
    await redisProxy.cut();
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount: 10_000, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': `outage-${Date.now()}` },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('pending');
    const owner = new Client({ connectionString: process.env['DATABASE_URL'] });
    await owner.connect();
    try {
      const { rows } = await owner.query(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY seq`, [
        res.body.id,
      ]);
      expect(rows.map((r) => r.type)).toContain('payment.created');
    } finally {
      await owner.end();
    }
    await redisProxy.restore();
  });
});
