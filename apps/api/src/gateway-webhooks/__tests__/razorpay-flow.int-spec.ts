import type { CreatedGateway, PaymentView, RefundView } from '@lsp/contracts';
import { RazorpaySimulator } from '@lsp/gateways';
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
});
