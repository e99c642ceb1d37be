import { Client } from 'pg';
import type { PaymentView } from '@lsp/contracts';
import { type CreatePaymentRequest, SandboxGatewayAdapter } from '@lsp/gateways';
import { paymentsRepository } from '@lsp/payments';
import { Database, type Scope } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';

/**
 * What POST /api/v1/payments commits, and when: the key's claim, the payment, its `payment.created` event and its
 * first `unknown` attempt in one transaction committed before the gateway is called; the gateway's answer and the
 * stored response in a second one. Each statement of the first transaction rolls back with the others.
 */
describe('POST /api/v1/payments: transactions', () => {
  let api: ApiHarness;
  let key: string;
  let merchantId: string;
  let owner: Client;
  let n = 0;

  beforeAll(async () => {
    api = await ApiHarness.start({ SANDBOX_CALLBACK_DELAY: '100ms' });
    const admin = (await api.login()).accessToken;
    const created = await api.createMerchant(admin, { name: 'Transactions Co', rateLimitPerMinute: 100000 });
    key = created.apiKey.secret;
    merchantId = created.merchant.id;
    owner = new Client({ connectionString: process.env['DATABASE_URL'] });
    await owner.connect();
    // Warm the per-process caches (API key, merchant limits, gateways) as they are under steady traffic.
    expect((await pay(`tx-warm-${Date.now()}`)).status).toBe(201);
  });
  afterAll(async () => {
    await owner.end();
    await api.close();
  }, 60_000);
  afterEach(() => jest.restoreAllMocks());

  const pay = (idem: string) =>
    api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount: 10_000, currency: 'INR', method: 'upi' },
      headers: { 'idempotency-key': idem },
    });

  it('commits key, payment, event and unknown attempt before the gateway call, then the answer with the response', async () => {
    const idem = `tx-${Date.now()}-${n++}`;
    const db = api.app.get(Database);
    const scopes: Scope[] = [];
    const inScope = db.inScope.bind(db);
    jest.spyOn(db, 'inScope').mockImplementation((scope, work) => {
      scopes.push(scope);
      return inScope(scope, work);
    });
    // What another connection sees at the moment the gateway is called, i.e. what a crash then would leave.
    let seenAtGatewayCall: Record<string, unknown> | undefined;
    const createPayment = SandboxGatewayAdapter.prototype.createPayment;
    jest.spyOn(SandboxGatewayAdapter.prototype, 'createPayment').mockImplementation(async function (
      this: SandboxGatewayAdapter,
      req: CreatePaymentRequest,
      ctx,
    ) {
      const { rows } = await owner.query(
        `SELECT a.status AS attempt_status, p.status AS payment_status, k.resource_id, k.response_status,
                (SELECT count(*)::int FROM outbox_events e WHERE e.aggregate_id = p.id AND e.type = 'payment.created') AS created_events
           FROM payment_attempts a JOIN payments p ON p.id = a.payment_id
           JOIN idempotency_keys k ON k.merchant_id = p.merchant_id AND k.key = $2
          WHERE a.id = $1`,
        [req.attemptId, idem],
      );
      seenAtGatewayCall = { ...rows[0], paymentId: req.paymentId };
      return createPayment.call(this, req, ctx);
    });

    const res = await pay(idem);
    expect(res.status).toBe(201);
    expect(seenAtGatewayCall).toEqual({
      attempt_status: 'unknown',
      payment_status: 'created',
      resource_id: res.body.id,
      response_status: null,
      created_events: 1,
      paymentId: res.body.id,
    });
    // Two transactions in the merchant's scope for the whole request (the callback's is platform-scoped).
    expect(scopes.filter((s) => s.kind === 'merchant' && s.merchantId === merchantId)).toHaveLength(2);
    const { rows } = await owner.query(
      `SELECT resource_id, response_status, response_body->>'status' AS status, locked_until
         FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`,
      [merchantId, idem],
    );
    // The stored response is the one sent, committed with the gateway's answer.
    expect(rows).toEqual([{ resource_id: res.body.id, response_status: 201, status: 'pending', locked_until: null }]);
    await eventually(async () => {
      const p = await api.request<PaymentView>('GET', `/api/v1/payments/${res.body.id}`, { token: key });
      return p.body.status === 'captured' ? p : undefined;
    }, 10_000);
    // The callback's event shows the attempt as the callback left it, in the same transaction as the capture.
    const events = await owner.query(
      `SELECT type, payload->>'status' AS status, payload->'attempts'->0->>'status' AS attempt
         FROM outbox_events WHERE aggregate_id = $1 ORDER BY seq`,
      [res.body.id],
    );
    expect(events.rows).toEqual([
      { type: 'payment.created', status: 'created', attempt: null },
      { type: 'payment.captured', status: 'captured', attempt: 'succeeded' },
    ]);
  });

  it('rolls the key, the payment and its event back together when the first attempt cannot be written', async () => {
    const idem = `tx-fail-${Date.now()}-${n++}`;
    jest.spyOn(paymentsRepository, 'insertAttempt').mockRejectedValueOnce(new Error('attempt insert failed'));
    const before = await owner.query(`SELECT count(*)::int AS n FROM payments WHERE merchant_id = $1`, [merchantId]);

    expect((await pay(idem)).status).toBe(500);
    const counts = async () =>
      (
        await owner.query(
          `SELECT (SELECT count(*)::int FROM payments WHERE merchant_id = $1) AS payments,
                  (SELECT count(*)::int FROM idempotency_keys WHERE merchant_id = $1 AND key = $2) AS keys,
                  (SELECT count(*)::int FROM outbox_events WHERE merchant_id = $1 AND type = 'payment.created') AS created`,
          [merchantId, idem],
        )
      ).rows[0];
    const afterFailure = await counts();
    expect(afterFailure).toEqual({ payments: before.rows[0].n, keys: 0, created: before.rows[0].n });

    // Nothing was left behind under the key: the client's retry creates the payment once.
    const retried = await pay(idem);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await counts()).toEqual({ payments: before.rows[0].n + 1, keys: 1, created: before.rows[0].n + 1 });
  });
});
