import { randomBytes } from 'node:crypto';
import type { CreatedGateway, PaymentView } from '@lsp/contracts';
import { RazorpaySimulator } from '@lsp/gateways';
import { ApiHarness, expectError } from '../../../test/api-harness';

/**
 * The Razorpay checkout page (where the adapter's nextAction points) against the Razorpay simulator: the page
 * opens Checkout for the order, and the answer Checkout hands back is verified on the server (signature, then a
 * status query) before the payment is marked. The simulator sends no webhooks here, so only this path can capture.
 * The gateway takes AED only and the payments name it, so no other suite's payments go through it.
 */
describe('Razorpay checkout page', () => {
  let api: ApiHarness;
  let simulator: RazorpaySimulator;
  let key: string;
  const keySecret = `rzpCheckoutSecret${randomBytes(8).toString('hex')}`;
  const code = `rzp-checkout-${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await ApiHarness.start();
    simulator = new RazorpaySimulator({ keySecret });
    const baseUrl = await simulator.start();
    const admin = (await api.login()).accessToken;
    const created = await api.request<CreatedGateway>('POST', '/api/v1/admin/gateways', {
      token: admin,
      body: {
        code,
        name: 'Razorpay (checkout page)',
        provider: 'razorpay',
        priority: 95_000,
        currencies: ['AED'],
        methods: ['card'],
        config: { baseUrl },
        credentials: { keyId: simulator.keyId, keySecret },
      },
    });
    expect(created.status).toBe(201);
    key = (await api.createMerchant(admin, { rateLimitPerMinute: 10000 })).apiKey.secret;
  });

  afterAll(async () => {
    await simulator?.stop();
    await api?.close();
  });

  const pay = async (): Promise<PaymentView> => {
    const res = await api.request<PaymentView>('POST', '/api/v1/payments', {
      token: key,
      body: {
        amount: 12_345,
        currency: 'AED',
        method: 'card',
        gateway: code,
        returnUrl: 'https://shop.example/return',
        customer: { email: 'buyer@example.in' },
      },
      headers: { 'idempotency-key': `rzp-checkout-${Date.now()}-${Math.random()}` },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', gateway: code });
    return res.body;
  };
  const get = async (id: string) =>
    (await api.request<PaymentView>('GET', `/api/v1/payments/${id}`, { token: key })).body;

  it('serves the Checkout page for the order: key id and amount, never the secret, under a CSP that admits Checkout', async () => {
    const payment = await pay();
    const orderId = payment.gatewayReference as string;
    expect(payment.nextAction?.url).toBe(`${api.baseUrl}/razorpay/checkout/${orderId}`);
    const page = await fetch(payment.nextAction?.url as string);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('https://checkout.razorpay.com/v1/checkout.js');
    expect(html).toContain(`"order_id":"${orderId}"`);
    expect(html).toContain(`"key":"${simulator.keyId}"`);
    expect(html).toContain('"amount":12345,"currency":"AED"');
    expect(html).not.toContain(keySecret);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' https://checkout.razorpay.com");
    expect(csp).toContain('frame-src https://api.razorpay.com');
    const script = await fetch(`${api.baseUrl}/razorpay/checkout/checkout.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('razorpay_signature');

    expect((await fetch(`${api.baseUrl}/razorpay/checkout/order_Unknown123`)).status).toBe(404);
    expect((await fetch(`${api.baseUrl}/razorpay/checkout/not-an-order`)).status).toBe(404);
  });

  it('captures only after verifying razorpay_signature on the server; a bad signature changes nothing', async () => {
    const payment = await pay();
    const orderId = payment.gatewayReference as string;
    const answer = simulator.completePayment(orderId, 'captured');
    const verify = (body: unknown) =>
      api.request('POST', `/razorpay/checkout/${orderId}/verify`, { body: body as Record<string, unknown> });

    const forged = await verify({ ...answer, razorpay_signature: 'a'.repeat(64) });
    expectError(forged, 400, 'invalid_request_error', 'razorpay_signature');
    expect((await get(payment.id)).status).toBe('pending');
    expectError(
      await verify({ ...answer, razorpay_order_id: 'order_Other1234' }),
      400,
      'invalid_request_error',
      'razorpay_order_id',
    );
    expectError(await verify({ ...answer, extra: 1 }), 400, 'invalid_request_error');
    expect((await get(payment.id)).status).toBe('pending');

    const ok = await verify(answer);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ paymentId: payment.id, status: 'captured', returnUrl: 'https://shop.example/return' });
    const captured = await get(payment.id);
    expect(captured.status).toBe('captured');
    expect(captured.attempts.map((a) => a.status)).toEqual(['succeeded']);
    // Posting the same answer again is harmless.
    expect((await verify(answer)).body).toMatchObject({ status: 'captured' });
    // The page is closed once the payment is no longer waiting.
    expect((await fetch(`${api.baseUrl}/razorpay/checkout/${orderId}`)).status).toBe(409);
  });

  it('leaves an authorised but uncaptured payment pending (the capture webhook or status check settles it)', async () => {
    const payment = await pay();
    const orderId = payment.gatewayReference as string;
    const answer = simulator.completePayment(orderId, 'authorized');
    const res = await api.request('POST', `/razorpay/checkout/${orderId}/verify`, { body: answer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'pending' });
    expect((await get(payment.id)).status).toBe('pending');
  });
});
