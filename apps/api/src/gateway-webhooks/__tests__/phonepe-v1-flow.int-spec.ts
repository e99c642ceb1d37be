import type { CreatedGateway, PaymentView, RefundView } from '@lsp/contracts';
import { PhonePeSimulator } from '@lsp/gateways';
import { eventually } from '@lsp/testing';
import { ApiHarness } from '../../../test/api-harness';

/**
 * A payment and a refund through the real API to the PhonePe v1 (X-VERIFY) adapter, against the PhonePe simulator
 * over HTTP. v1 callbacks are checksummed and name only our merchant transaction id, which is an attempt's id for a
 * payment and a refund's id for a refund. The gateway takes netbanking payments only, so it routes no other suite's.
 */
describe('a payment and a refund through PhonePe v1 (simulator)', () => {
  let api: ApiHarness;
  let simulator: PhonePeSimulator;
  let key: string;
  const code = `phonepe-v1-${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await ApiHarness.start();
    simulator = new PhonePeSimulator();
    const baseUrl = await simulator.start();
    simulator.setCallbackUrl(`${api.baseUrl}/api/v1/webhooks/gateways/${code}`);
    const admin = (await api.login()).accessToken;
    const { merchantId, saltKey, saltIndex } = simulator.options;
    const created = await api.request<CreatedGateway>('POST', '/api/v1/admin/gateways', {
      token: admin,
      body: {
        code,
        name: 'PhonePe v1 (simulator)',
        provider: 'phonepe',
        priority: 1,
        currencies: ['INR'],
        methods: ['netbanking'],
        config: { mode: 'v1', baseUrl },
        credentials: { merchantId, saltKey, saltIndex },
      },
    });
    expect(created.status).toBe(201);
    key = (await api.createMerchant(admin, { rateLimitPerMinute: 10000 })).apiKey.secret;
  });
  afterAll(async () => {
    await simulator.stop();
    await api.close();
  });

  const payment = async (id: string) =>
    (await api.request<PaymentView>('GET', `/api/v1/payments/${id}`, { token: key })).body;
  const lastDelivery = () => simulator.deliveries[simulator.deliveries.length - 1];
  const hook = (body: string, xVerify: string) =>
    api.request('POST', `/api/v1/webhooks/gateways/${code}`, { rawBody: body, headers: { 'x-verify': xVerify } });

  it('captures on the checksummed callback, and settles the refund on its callback, once', async () => {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: { amount: 25_000, currency: 'INR', method: 'netbanking' },
      headers: { 'idempotency-key': `pp1-${Date.now()}` },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', gateway: code });
    await simulator.completePayment(res.body.attempts[0].id, 'success');
    await eventually(async () => ((await payment(res.body.id)).status === 'captured' ? true : undefined));

    const refund = await api.request<RefundView>('POST', `/api/v1/payments/${res.body.id}/refunds`, {
      token: key,
      body: { amount: 5_000 },
      headers: { 'idempotency-key': `pp1-refund-${Date.now()}` },
    });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('pending');
    await simulator.completeRefund(refund.body.id, 'success');
    expect(lastDelivery().status).toBe(200);
    const got = (await api.request<RefundView>('GET', `/api/v1/refunds/${refund.body.id}`, { token: key })).body;
    expect(got).toMatchObject({ status: 'succeeded', amount: 5_000 });
    const after = await payment(res.body.id);
    expect(after).toMatchObject({ status: 'partially_refunded', amountRefunded: 5_000 });

    // PhonePe's redelivery of the same callback has no second effect.
    const replay = await hook(lastDelivery().body, lastDelivery().headers['X-VERIFY']);
    expect(replay.status).toBe(200);
    expect(replay.body.outcome).toBe('duplicate');
    // A callback whose X-VERIFY does not match its bytes is refused and changes nothing.
    const forged = await hook(lastDelivery().body, `${'0'.repeat(64)}###1`);
    expect(forged.status).toBe(401);
    expect(await payment(res.body.id)).toEqual(after);
  });
});
