import type { CreatedGateway, PaymentView } from '@lsp/contracts';
import { PhonePeSimulator, phonePeWebhookAuthorization } from '@lsp/gateways';
import { eventually } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';

/**
 * A payment through the real API to the PhonePe v2 adapter, against the PhonePe simulator over HTTP. PhonePe v2
 * signs no callback body, so the API confirms the outcome with a status call before acting on it. The gateway
 * takes wallet payments only, so it routes no other suite's payments.
 */
describe('a payment through PhonePe v2 (simulator)', () => {
  let api: ApiHarness;
  let simulator: PhonePeSimulator;
  let key: string;
  const code = `phonepe-flow-${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await ApiHarness.start();
    simulator = new PhonePeSimulator({ webhookUsername: 'lsp_hook', webhookPassword: 'secret123pass' });
    const baseUrl = await simulator.start();
    simulator.setCallbackUrl(`${api.baseUrl}/api/v1/webhooks/gateways/${code}`);
    const admin = (await api.login()).accessToken;
    const created = await api.request<CreatedGateway>('POST', '/api/v1/admin/gateways', {
      token: admin,
      body: {
        code,
        name: 'PhonePe (simulator)',
        provider: 'phonepe',
        priority: 1,
        currencies: ['INR'],
        methods: ['wallet'],
        config: { mode: 'v2', baseUrl, oauthBaseUrl: baseUrl },
        credentials: { clientId: 'SIM_CLIENT', clientSecret: 'sim-client-secret', clientVersion: '1' },
        webhookSecret: 'lsp_hook:secret123pass',
      },
    });
    expect(created.status).toBe(201);
    key = (await api.createMerchant(admin, { rateLimitPerMinute: 10000 })).apiKey.secret;
  });
  afterAll(async () => {
    await simulator.stop();
    await api.close();
  });

  const create = (amount: number) =>
    api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount, currency: 'INR', method: 'wallet' },
      headers: { 'idempotency-key': `pp-${amount}-${Date.now()}` },
    });
  const settled = (id: string, status: string) =>
    eventually(async () => {
      const p = (await api.request<PaymentView>('GET', `/api/v1/payments/${id}`, { token: key })).body;
      return p.status === status ? p : undefined;
    });

  it('captures after the callback, confirmed by a status call', async () => {
    const res = await create(10_000);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', gateway: code });
    expect(res.body.nextAction?.url).toMatch(/^http/);
    await simulator.completePayment(res.body.attempts[0].id, 'success');
    await settled(res.body.id, 'captured');
  });

  it('fails the payment when the customer fails checkout', async () => {
    const res = await create(20_000);
    await simulator.completePayment(res.body.attempts[0].id, 'failure');
    await settled(res.body.id, 'failed');
  });

  it('does not believe an authorised but unsigned callback that the status API contradicts', async () => {
    const res = await create(30_000);
    const attemptId = res.body.attempts[0].id;
    // Anyone holding the webhook credentials could post this; the body itself is not signed by PhonePe.
    const forged = JSON.stringify({
      event: 'checkout.order.completed',
      type: 'CHECKOUT_ORDER_COMPLETED',
      payload: {
        merchantOrderId: attemptId,
        orderId: 'OMO-forged',
        state: 'COMPLETED',
        amount: 30_000,
        paymentDetails: [],
      },
    });
    const answer = await api.request('POST', `/api/v1/webhooks/gateways/${code}`, {
      rawBody: forged,
      headers: { authorization: phonePeWebhookAuthorization('lsp_hook', 'secret123pass') },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe('unconfirmed');
    expect((await api.request<PaymentView>('GET', `/api/v1/payments/${res.body.id}`, { token: key })).body.status).toBe(
      'pending',
    );
  });
});
