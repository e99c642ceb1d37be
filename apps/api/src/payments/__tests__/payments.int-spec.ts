import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import type { ListResponse, PaymentView, RefundView } from '@lsp/contracts';
import { GatewayDirectory } from '@lsp/payments';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError, type TestResponse } from '../../../test/api-harness';

/**
 * The sandbox gateway's outcome table (API.md §5) through the real HTTP API: routing, failover, callbacks
 * (signed, sent over HTTP to this very API process), idempotency, refunds and cancellation.
 */
describe('payments API (API.md §5)', () => {
  let api: ApiHarness;
  let key: string;
  let otherKey: string;
  let n = 0;

  beforeAll(async () => {
    api = await ApiHarness.start({ SANDBOX_CALLBACK_DELAY: '100ms' });
    const admin = (await api.login()).accessToken;
    key = (await api.createMerchant(admin, { name: 'Payments Co', rateLimitPerMinute: 100000 })).apiKey.secret;
    otherKey = (await api.createMerchant(admin, { name: 'Other Co', rateLimitPerMinute: 100000 })).apiKey.secret;
  });
  afterAll(() => api.close());

  const create = (
    body: Record<string, unknown>,
    idem = `k-${Date.now()}-${n++}`,
    token = key,
  ): Promise<TestResponse<PaymentView>> =>
    api.request<PaymentView>('POST', '/api/v1/payments', { token, body, headers: { 'idempotency-key': idem } });
  const pay = (amount: number, extra: Record<string, unknown> = {}) =>
    create({ amount, currency: 'INR', method: 'upi', ...extra });
  const get = (id: string, token = key) => api.request<PaymentView>('GET', `/api/v1/payments/${id}`, { token });
  const settled = (id: string, status: string) =>
    eventually(async () => {
      const p = (await get(id)).body;
      return p.status === status ? p : undefined;
    }, 10_000);

  it('00–49: pending with a checkout redirect, then captured by the signed callback', async () => {
    const res = await pay(10_000, {
      description: 'Order #42',
      metadata: { orderId: '42' },
      customer: { email: 'a@b.in' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'payment',
      amount: 10_000,
      currency: 'INR',
      method: 'upi',
      status: 'pending',
      gateway: 'sandbox-primary',
    });
    expect(res.body.nextAction?.url).toMatch(new RegExp(`/sandbox/checkout/sbx_${res.body.attempts[0].id}$`));
    expect(res.body.attempts).toHaveLength(1);
    expect(res.body.attempts[0]).toMatchObject({ gateway: 'sandbox-primary', status: 'pending', retryable: false });
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=[\d.]+, gateway;dur=[\d.]+$/);
    const captured = await settled(res.body.id, 'captured');
    expect(captured.attempts[0].status).toBe('succeeded');
    expect(captured.metadata).toEqual({ orderId: '42' });
    const page = await api.request<string>('GET', new URL(res.body.nextAction!.url).pathname);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('51: fails at once with card_declined and no failover', async () => {
    const res = await pay(10_051);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    expect(res.body.attempts.map((a) => a.status)).toEqual(['failed_permanent']);
  });

  it('52: the first gateway refuses before acceptance; fails over to the next and captures', async () => {
    const res = await pay(10_052);
    expect(res.body.status).toBe('pending');
    expect(res.body.attempts.map((a) => [a.gateway, a.status, a.retryable])).toEqual([
      ['sandbox-primary', 'failed_retryable', true],
      ['sandbox-secondary', 'pending', false],
    ]);
    expect(res.body.attempts[0].errorCode).toBe('gateway_unavailable');
    expect(res.body.attempts[1].routing.reason).toMatch(/failover/);
    expect(res.body.gateway).toBe('sandbox-secondary');
    await settled(res.body.id, 'captured');
  });

  it('53: stays pending — no callback comes', async () => {
    const res = await pay(10_053);
    expect(res.body.status).toBe('pending');
    // Give a callback every chance to arrive (10× the configured delay), then check nothing moved.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await get(res.body.id)).body.status).toBe('pending');
  });

  it('54: pending, then the failure callback fails it with insufficient_funds', async () => {
    const res = await pay(10_054);
    expect(res.body.status).toBe('pending');
    const failed = await settled(res.body.id, 'failed');
    expect(failed.failureCode).toBe('insufficient_funds');
  });

  it('55: every gateway fails temporarily: pending, a retry is scheduled, every attempt listed', async () => {
    const res = await pay(10_055);
    expect(res.body.status).toBe('pending');
    expect(res.body.attempts.map((a) => a.status)).toEqual(['failed_retryable', 'failed_retryable']);
  });

  it('56: unknown outcome after acceptance: stays pending on that gateway, never fails over', async () => {
    const res = await pay(10_056);
    expect(res.body.status).toBe('pending');
    expect(res.body.attempts.map((a) => [a.gateway, a.status])).toEqual([['sandbox-primary', 'unknown']]);
    expect(res.body.gateway).toBe('sandbox-primary');
  });

  it('replays the first response for the same key and body; 422 for another body; one payment for 30 concurrent requests', async () => {
    const idem = `idem-${Date.now()}`;
    const body = { amount: 2_500, currency: 'INR', method: 'card' };
    const results = await Promise.all(Array.from({ length: 30 }, () => create(body, idem)));
    const ok = results.filter((r) => r.status === 201);
    const inProgress = results.filter((r) => r.status === 409);
    expect(ok.length + inProgress.length).toBe(30);
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    for (const r of inProgress) expect((r.body as any).error.type).toBe('conflict');

    const replay = await create(body, idem);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(ok[0].body.id);

    const list = await api.request<ListResponse<PaymentView>>('GET', '/api/v1/payments?limit=100', { token: key });
    expect(list.body.data.filter((p) => p.id === ok[0].body.id)).toHaveLength(1);
    expect(list.body.data.filter((p) => p.amount === 2_500)).toHaveLength(1);

    expectError(await create({ ...body, amount: 2_501 }, idem), 422, 'idempotency_error');
    // Keys are per merchant: another merchant may use the same key freely.
    expect((await create(body, idem, otherKey)).status).toBe(201);
  });

  it('resumes, never duplicates, a request that crashed after creating its payment', async () => {
    const idem = `crash-${Date.now()}`;
    const body = { amount: 7_000, currency: 'INR', method: 'upi' };
    const first = await create(body, idem);
    // Simulate the crash: the payment exists and is bound to the key, but no response was stored and the
    // request's lock has lapsed.
    const owner = new Client({ connectionString: process.env['DATABASE_URL'] });
    await owner.connect();
    try {
      await owner.query(
        `UPDATE idempotency_keys SET response_status = NULL, response_body = NULL, locked_until = now() - interval '1 second' WHERE key = $1`,
        [idem],
      );
      const retried = await create(body, idem);
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(retried.body.id).toBe(first.body.id);
      // Other suites share the database: count this merchant's payments only.
      const { rows } = await owner.query(
        `SELECT count(*)::int AS n FROM payments WHERE amount = 7000 AND merchant_id = $1`,
        [first.body.merchantId],
      );
      expect(rows[0].n).toBe(1);
      // While a live request holds the key, a concurrent one is told to retry (409), not run twice.
      await owner.query(
        `UPDATE idempotency_keys SET response_status = NULL, response_body = NULL, locked_until = now() + interval '1 minute' WHERE key = $1`,
        [idem],
      );
      expectError(await create(body, idem), 409, 'conflict');
    } finally {
      await owner.end();
    }
  });

  it('requires an Idempotency-Key', async () => {
    const res = await api.request('POST', '/api/v1/payments', {
      token: key,
      body: { amount: 100, currency: 'INR', method: 'upi' },
    });
    expectError(res, 400, 'invalid_request_error', 'Idempotency-Key');
  });

  it('rejects bad input with 400 naming the field, and writes nothing', async () => {
    const before = (await api.request<ListResponse<PaymentView>>('GET', '/api/v1/payments?limit=100', { token: key }))
      .body.data.length;
    const base = { amount: 100, currency: 'INR', method: 'upi' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, amount: 0 }, 'amount'],
      [{ ...base, amount: -5 }, 'amount'],
      [{ ...base, amount: 10.5 }, 'amount'],
      [{ ...base, amount: '100' }, 'amount'],
      [{ ...base, amount: 10_000_000_001 }, 'amount'],
      [{ ...base, currency: 'inr' }, 'currency'],
      [{ ...base, currency: 'XYZ' }, 'currency'],
      [{ ...base, method: 'cash' }, 'method'],
      [{ ...base, returnUrl: 'http://shop.example/return' }, 'returnUrl'],
      [{ ...base, returnUrl: 'javascript:alert(1)' }, 'returnUrl'],
      [{ ...base, metadata: { big: 'x'.repeat(501) } }, 'metadata'],
      [{ ...base, metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
      [{ ...base, metadata: { nested: { a: 1 } } }, 'metadata'],
      [{ ...base, customer: { email: 'nope' } }, 'customer.email'],
      [{ ...base, surprise: true }, 'surprise'],
    ];
    for (const [body, param] of cases) expectError(await create(body), 400, 'invalid_request_error', param);
    const after = (await api.request<ListResponse<PaymentView>>('GET', '/api/v1/payments?limit=100', { token: key }))
      .body.data.length;
    expect(after).toBe(before);
    expect((await create({ ...base, returnUrl: 'http://localhost:8080/return' })).status).toBe(201);
  });

  it('refunds: never more than captured, also when requested concurrently', async () => {
    const { body: p } = await pay(10_000);
    await settled(p.id, 'captured');
    const refunds = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.request<RefundView>('POST', `/api/v1/payments/${p.id}/refunds`, {
          token: key,
          body: { amount: 3_000 },
          headers: { 'idempotency-key': `r-${p.id}-${i}` },
        }),
      ),
    );
    const ok = refunds.filter((r) => r.status === 201);
    expect(ok).toHaveLength(3);
    for (const r of refunds.filter((x) => x.status !== 201)) {
      expectError(r, 409, 'conflict');
      expect((r.body as any).error.code).toBe('refund_exceeds_captured');
    }
    const after = (await get(p.id)).body;
    expect(after).toMatchObject({ status: 'partially_refunded', amountRefunded: 9_000 });
    const rest = await api.request<RefundView>('POST', `/api/v1/payments/${p.id}/refunds`, {
      token: key,
      body: {},
      headers: { 'idempotency-key': `r-${p.id}-rest` },
    });
    expect(rest.body).toMatchObject({ object: 'refund', amount: 1_000, status: 'succeeded' });
    expect((await get(p.id)).body).toMatchObject({ status: 'refunded', amountRefunded: 10_000 });
    const fetched = await api.request<RefundView>('GET', `/api/v1/refunds/${rest.body.id}`, { token: key });
    expect(fetched.body.id).toBe(rest.body.id);
    expectError(await api.request('GET', `/api/v1/refunds/${rest.body.id}`, { token: otherKey }), 404, 'not_found');
  });

  it('refuses to refund a payment that is not captured, and to cancel one that is', async () => {
    const { body: pending } = await pay(10_053);
    const r = await api.request('POST', `/api/v1/payments/${pending.id}/refunds`, {
      token: key,
      body: {},
      headers: { 'idempotency-key': `nr-${pending.id}` },
    });
    expectError(r, 409, 'conflict');
    const cancelled = await api.request<PaymentView>('POST', `/api/v1/payments/${pending.id}/cancel`, { token: key });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    // Cancelling again is a no-op, not an error; cancelling a captured payment is refused.
    expect(
      (await api.request<PaymentView>('POST', `/api/v1/payments/${pending.id}/cancel`, { token: key })).body.status,
    ).toBe('cancelled');
    const { body: paid } = await pay(10_000);
    await settled(paid.id, 'captured');
    const refused = await api.request('POST', `/api/v1/payments/${paid.id}/cancel`, { token: key });
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.code).toBe('invalid_state_transition');
  });

  it("hides another merchant's payments (404) and lists newest first with filters", async () => {
    const { body: p } = await pay(10_051);
    expectError(await get(p.id, otherKey), 404, 'not_found');
    const failed = await api.request<ListResponse<PaymentView>>('GET', '/api/v1/payments?status=failed&limit=2', {
      token: key,
    });
    expect(failed.body.data.every((x) => x.status === 'failed')).toBe(true);
    expect(failed.body.data[0].id).toBe(p.id);
  });

  describe('incoming gateway webhooks', () => {
    const secretOf = async (): Promise<string> => {
      const directory = api.app.get(GatewayDirectory);
      return (await directory.byCode('sandbox-primary'))!.webhookSecret;
    };
    const post = (body: string, signature: string) =>
      api.request('POST', '/api/v1/webhooks/gateways/sandbox-primary', {
        rawBody: body,
        headers: { 'x-sandbox-signature': signature },
      });

    it('refuses a bad signature and changes nothing', async () => {
      const { body: p } = await pay(10_053);
      const body = JSON.stringify({
        id: `sbxevt_${p.attempts[0].id}_succeeded`,
        type: 'payment.succeeded',
        attemptId: p.attempts[0].id,
        gatewayReference: `sbx_${p.attempts[0].id}`,
        amount: 10_053,
        currency: 'INR',
      });
      expectError(await post(body, 'deadbeef'), 401, 'authentication_error');
      expect((await get(p.id)).body.status).toBe('pending');
    });

    it('applies a signed callback once; duplicates and late contradictions never move the payment backwards', async () => {
      const { body: p } = await pay(10_053);
      const secret = await secretOf();
      const attemptId = p.attempts[0].id;
      const sign = (b: string) => createHmac('sha256', secret).update(b).digest('hex');
      const ok = JSON.stringify({
        id: `sbxevt_${attemptId}_succeeded`,
        type: 'payment.succeeded',
        attemptId,
        gatewayReference: `sbx_${attemptId}`,
        amount: 10_053,
        currency: 'INR',
      });
      expect((await post(ok, sign(ok))).body).toEqual({ received: true, outcome: 'applied' });
      expect((await post(ok, sign(ok))).body).toEqual({ received: true, outcome: 'duplicate' });
      const late = JSON.stringify({
        id: `sbxevt_${attemptId}_failed`,
        type: 'payment.failed',
        attemptId,
        gatewayReference: `sbx_${attemptId}`,
        amount: 10_053,
        currency: 'INR',
        errorCode: 'insufficient_funds',
      });
      expect((await post(late, sign(late))).body.outcome).toBe('ignored');
      expect((await get(p.id)).body.status).toBe('captured');
    });

    it('never captures when the gateway reports another amount: flags the payment instead', async () => {
      const { body: p } = await pay(10_053);
      const secret = await secretOf();
      const attemptId = p.attempts[0].id;
      const body = JSON.stringify({
        id: `sbxevt_${attemptId}_succeeded`,
        type: 'payment.succeeded',
        attemptId,
        gatewayReference: `sbx_${attemptId}`,
        amount: 53,
        currency: 'INR',
      });
      const res = await post(body, createHmac('sha256', secret).update(body).digest('hex'));
      expect(res.body.outcome).toBe('amount_mismatch');
      expect((await get(p.id)).body).toMatchObject({ status: 'pending', needsReview: true });
    });

    it('serves the checkout page for a known attempt only', async () => {
      expectError(await api.request('GET', '/sandbox/checkout/sbx_att_01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
      expectError(await api.request('GET', '/sandbox/checkout/whatever'), 404, 'not_found');
    });
  });
});
