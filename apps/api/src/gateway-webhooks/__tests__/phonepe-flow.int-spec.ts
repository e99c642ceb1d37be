import type { CreatedGateway, PaymentView, RefundView } from '@lsp/contracts';
import { PhonePeSimulator, parsePhonePeV2Webhook, phonePeWebhookAuthorization } from '@lsp/gateways';
import { Database, sql } from '@lsp/persistence';
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
  let gatewayId: string;
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
    gatewayId = created.body.id;
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

  const hook = (rawBody: string, authorization = phonePeWebhookAuthorization('lsp_hook', 'secret123pass')) =>
    api.request('POST', `/api/v1/webhooks/gateways/${code}`, { rawBody, headers: { authorization } });
  const payment = async (id: string) =>
    (await api.request<PaymentView>('GET', `/api/v1/payments/${id}`, { token: key })).body;
  const lastDelivery = () => simulator.deliveries[simulator.deliveries.length - 1];

  it('does not believe an authorised but unsigned callback the status API contradicts, nor let it block the real one', async () => {
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
    const answer = await hook(forged);
    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe('unconfirmed');
    expect((await payment(res.body.id)).status).toBe('pending');

    // The customer really pays: PhonePe's callback has the same (event, id, state), so the same event id.
    await simulator.completePayment(attemptId, 'success');
    expect(lastDelivery().status).toBe(200);
    expect((await payment(res.body.id)).status).toBe('captured');
  });

  it('is not blocked by an unconfirmed dedupe row recorded before unconfirmed events stopped being recorded', async () => {
    const res = await create(35_000);
    const attemptId = res.body.attempts[0].id;
    const claimed = JSON.stringify({
      event: 'checkout.order.completed',
      payload: { merchantOrderId: attemptId, state: 'COMPLETED', amount: 35_000 },
    });
    const { providerEventId } = parsePhonePeV2Webhook(claimed) as { providerEventId: string };
    await api.app
      .get(Database)
      .platform((em) =>
        sql(
          em,
          `INSERT INTO gateway_webhook_events (gateway_id, provider_event_id, payload, outcome) VALUES ($1, $2, $3, 'unconfirmed')`,
          [gatewayId, providerEventId, claimed],
        ),
      );
    await simulator.completePayment(attemptId, 'success');
    expect(lastDelivery().status).toBe(200);
    expect((await payment(res.body.id)).status).toBe('captured');
  });

  it('asks PhonePe to deliver again (503) when the status call fails, and acts on the redelivery', async () => {
    const res = await create(40_000);
    const attemptId = res.body.attempts[0].id;
    simulator.inject({ status: 503, match: new RegExp(`^GET /checkout/v2/order/${attemptId}/status$`) });
    const before = simulator.deliveries.length;
    // The simulator sends a callback answered non-2xx again (the same bytes), as PhonePe does.
    await simulator.completePayment(attemptId, 'success');
    const sent = simulator.deliveries.slice(before);
    expect(sent.map((d) => d.status)).toEqual([503, 200]);
    expect(sent[1].body).toBe(sent[0].body);
    expect((await payment(res.body.id)).status).toBe('captured');

    // A further copy of the event that was acted on changes nothing.
    const again = await hook(sent[0].body, sent[0].headers['Authorization']);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('duplicate');
  });

  it('settles a refund on the confirmed refund webhook, once', async () => {
    const res = await create(50_000);
    await simulator.completePayment(res.body.attempts[0].id, 'success');
    await settled(res.body.id, 'captured');
    const refund = await api.request<RefundView>('POST', `/api/v1/payments/${res.body.id}/refunds`, {
      token: key,
      body: { amount: 12_500 },
      headers: { 'idempotency-key': `pp-refund-${Date.now()}` },
    });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('pending');

    await simulator.completeRefund(refund.body.id, 'success');
    expect(lastDelivery().status).toBe(200);
    const got = (await api.request<RefundView>('GET', `/api/v1/refunds/${refund.body.id}`, { token: key })).body;
    expect(got).toMatchObject({ status: 'succeeded', amount: 12_500 });
    expect(await payment(res.body.id)).toMatchObject({ status: 'partially_refunded', amountRefunded: 12_500 });

    // A redelivery of the same refund webhook has no second effect.
    const replay = await hook(lastDelivery().body, lastDelivery().headers['Authorization']);
    expect(replay.status).toBe(200);
    expect(replay.body.outcome).toBe('duplicate');
    expect(await payment(res.body.id)).toMatchObject({ status: 'partially_refunded', amountRefunded: 12_500 });
  });

  it('refuses a webhook with a bad Authorization (401) and changes nothing', async () => {
    const res = await create(60_000);
    const attemptId = res.body.attempts[0].id;
    const body = JSON.stringify({
      event: 'checkout.order.failed',
      type: 'CHECKOUT_ORDER_FAILED',
      payload: { merchantOrderId: attemptId, orderId: 'OMO-x', state: 'FAILED', amount: 60_000 },
    });
    const before = await payment(res.body.id);
    expect(before.status).toBe('pending');
    for (const authorization of [phonePeWebhookAuthorization('lsp_hook', 'wrong123pass'), 'secret123pass', '']) {
      const answer = await hook(body, authorization);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_signature' });
    }
    expect(await payment(res.body.id)).toEqual(before);
    // The refused event left no dedupe row: the genuine failure, same event id, is acted on.
    await simulator.completePayment(attemptId, 'failure');
    expect((await payment(res.body.id)).status).toBe('failed');
  });

  it('acts on a replayed payment webhook only once', async () => {
    const res = await create(70_000);
    await simulator.completePayment(res.body.attempts[0].id, 'success');
    const captured = await settled(res.body.id, 'captured');
    const delivery = lastDelivery();
    for (let i = 0; i < 2; i += 1) {
      const replay = await hook(delivery.body, delivery.headers['Authorization']);
      expect(replay.status).toBe(200);
      expect(replay.body.outcome).toBe('duplicate');
    }
    expect(await payment(res.body.id)).toEqual(captured);
  });
});
