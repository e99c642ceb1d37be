import type { CreatedGateway, PaymentView, RefundView } from '@lsp/contracts';
import { RazorpaySimulator, signRazorpayWebhook } from '@lsp/gateways';
import { eventually } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';

/**
 * A payment through the real API to the Razorpay adapter, against the Razorpay simulator over HTTP: order created,
 * the customer completes checkout, the simulator's signed webhooks capture the payment, then a refund. The
 * gateway takes SGD only, so it routes no other suite's (INR) payments.
 */
describe('a payment through Razorpay (simulator)', () => {
  let api: ApiHarness;
  let simulator: RazorpaySimulator;
  let key: string;
  const code = `rzp-flow-${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await ApiHarness.start();
    simulator = new RazorpaySimulator({ webhookUrl: `${api.baseUrl}/api/v1/webhooks/gateways/${code}` });
    const baseUrl = await simulator.start();
    const admin = (await api.login()).accessToken;
    const created = await api.request<CreatedGateway>('POST', '/api/v1/admin/gateways', {
      token: admin,
      body: {
        code,
        name: 'Razorpay (simulator)',
        provider: 'razorpay',
        priority: 1,
        currencies: ['SGD'],
        methods: ['upi', 'card'],
        config: { baseUrl },
        credentials: { keyId: simulator.keyId, keySecret: simulator.keySecret },
        webhookSecret: simulator.webhookSecret,
      },
    });
    expect(created.status).toBe(201);
    key = (await api.createMerchant(admin, { rateLimitPerMinute: 10000 })).apiKey.secret;
  });
  afterAll(async () => {
    await simulator.stop();
    await api.close();
  });

  const get = (id: string) => api.request<PaymentView>('GET', `/api/v1/payments/${id}`, { token: key });

  it('creates an order, captures on the signed webhooks, and refunds', async () => {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount: 10_000, currency: 'SGD', method: 'card' },
      headers: { 'idempotency-key': `rzp-${Date.now()}` },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', gateway: code });
    expect(res.body.gatewayReference).toMatch(/^order_/);

    simulator.completePayment(res.body.gatewayReference!, 'captured');
    const captured = await eventually(async () => {
      const p = (await get(res.body.id)).body;
      return p.status === 'captured' ? p : undefined;
    });
    expect(captured.attempts.map((a) => a.status)).toEqual(['succeeded']);

    const refund = await api.request<RefundView>('POST', `/api/v1/payments/${res.body.id}/refunds`, {
      token: key,
      body: { amount: 2_500 },
      headers: { 'idempotency-key': `rzp-refund-${Date.now()}` },
    });
    expect(refund.status).toBe(201);
    // Razorpay creates refunds pending; the signed refund.processed webhook settles it.
    const settled = await eventually(async () => {
      const r = (await api.request<RefundView>('GET', `/api/v1/refunds/${refund.body.id}`, { token: key })).body;
      return r.status === 'succeeded' ? r : undefined;
    });
    expect(settled.amount).toBe(2_500);
    expect((await get(res.body.id)).body).toMatchObject({ status: 'partially_refunded', amountRefunded: 2_500 });
  });

  it('leaves the payment pending when the customer fails checkout, then fails it on the webhook', async () => {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount: 20_000, currency: 'SGD', method: 'card' },
      headers: { 'idempotency-key': `rzp-fail-${Date.now()}` },
    });
    simulator.completePayment(res.body.gatewayReference!, 'failed');
    const failed = await eventually(async () => {
      const p = (await get(res.body.id)).body;
      return p.status === 'failed' ? p : undefined;
    });
    expect(failed.failureCode).toBeTruthy();
  });

  const pay = (amount: number) =>
    api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount, currency: 'SGD', method: 'card' },
      headers: { 'idempotency-key': `rzp-${amount}-${Date.now()}` },
    });
  const hook = (rawBody: string, headers: Record<string, string>) =>
    api.request('POST', `/api/v1/webhooks/gateways/${code}`, { rawBody, headers });
  /** A payment.captured event for `orderId` as Razorpay would send it (§1.7), not yet signed. */
  const capturedEvent = (orderId: string, amount: number) =>
    JSON.stringify({
      entity: 'event',
      account_id: 'acc_Simulator00001',
      event: 'payment.captured',
      contains: ['payment'],
      payload: {
        payment: {
          entity: {
            id: 'pay_Forged00000001',
            entity: 'payment',
            amount,
            currency: 'SGD',
            status: 'captured',
            order_id: orderId,
            notes: [],
          },
        },
      },
      created_at: Math.floor(Date.now() / 1000),
    });

  it('refuses a webhook whose X-Razorpay-Signature does not verify (401) and changes nothing', async () => {
    const res = await pay(30_000);
    const before = (await get(res.body.id)).body;
    const body = capturedEvent(res.body.gatewayReference!, 30_000);
    const eventId = `evt_${Date.now()}`;
    const good = signRazorpayWebhook(body, simulator.webhookSecret);
    for (const [rawBody, signature] of [
      [body, signRazorpayWebhook(body, 'not-the-webhook-secret')],
      [body, simulator.webhookSecret],
      [body.replace('"amount":30000', '"amount":30001'), good], // the signature of other bytes
      [body, ''],
    ]) {
      const answer = await hook(rawBody, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': eventId });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_signature' });
    }
    expect((await get(res.body.id)).body).toEqual(before);
    // The same bytes, correctly signed, are acted on: the refusals were for the signature, and left no dedupe row.
    const signed = await hook(body, { 'x-razorpay-signature': good, 'x-razorpay-event-id': eventId });
    expect(signed.status).toBe(200);
    expect(signed.body.outcome).toBe('applied');
    expect((await get(res.body.id)).body.status).toBe('captured');
  });

  it('acts on a redelivered webhook only once, by event id and by payload', async () => {
    const res = await pay(40_000);
    simulator.completePayment(res.body.gatewayReference!, 'captured');
    await simulator.webhooksSettled();
    const captured = await eventually(async () => {
      const p = (await get(res.body.id)).body;
      return p.status === 'captured' ? p : undefined;
    });
    const refund = await api.request<RefundView>('POST', `/api/v1/payments/${res.body.id}/refunds`, {
      token: key,
      body: { amount: 10_000 },
      headers: { 'idempotency-key': `rzp-refund-${Date.now()}` },
    });
    await eventually(async () => {
      const r = (await api.request<RefundView>('GET', `/api/v1/refunds/${refund.body.id}`, { token: key })).body;
      return r.status === 'succeeded' ? r : undefined;
    });
    await simulator.webhooksSettled();
    const after = (await get(res.body.id)).body;
    expect(after).toMatchObject({ status: 'partially_refunded', amountRefunded: 10_000 });
    expect(captured.amountRefunded).toBe(0);

    // The events we act on (payment.authorized and refund.created are acknowledged and ignored).
    const actedOn = new Set(['payment.captured', 'order.paid', 'refund.processed']);
    const ours = simulator.webhooks.filter(
      (w) => w.status === 200 && actedOn.has(w.event) && w.rawBody.includes(res.body.gatewayReference!),
    );
    expect(ours.map((w) => w.event)).toEqual(expect.arrayContaining(['payment.captured', 'refund.processed']));
    for (const w of ours) {
      const signature = signRazorpayWebhook(w.rawBody, simulator.webhookSecret);
      // Razorpay's redelivery: the same bytes and the same event id.
      const again = await hook(w.rawBody, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': w.eventId });
      expect(again.status).toBe(200);
      expect(again.body.outcome).toBe('duplicate');
      // A replay of the same payload under another event id has no second effect either.
      const replay = await hook(w.rawBody, {
        'x-razorpay-signature': signature,
        'x-razorpay-event-id': `${w.eventId}x`,
      });
      expect(replay.status).toBe(200);
    }
    expect((await get(res.body.id)).body).toEqual(after);
  });
});
