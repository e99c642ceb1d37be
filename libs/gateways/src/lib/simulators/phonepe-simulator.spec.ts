import { phonePeXVerify } from '../phonepe/phonepe-signature';
import { PhonePeSimulator } from './phonepe-simulator';

const SALT = '099eb0cd-02cf-4e2a-8aca-3e6c6aff0399';

describe('PhonePeSimulator', () => {
  let sim: PhonePeSimulator;
  let base: string;
  let clock: number;

  beforeAll(async () => {
    clock = Date.now();
    sim = new PhonePeSimulator({ now: () => clock, tokenTtlSeconds: 60 });
    base = await sim.start();
  });

  afterAll(() => sim.stop());

  async function token(secret = 'sim-client-secret'): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${base}/v1/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'SIM_CLIENT',
        client_secret: secret,
        client_version: '1',
        grant_type: 'client_credentials',
      }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function pay(accessToken: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${base}/checkout/v2/pay`, {
      method: 'POST',
      headers: { Authorization: `O-Bearer ${accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const order = (merchantOrderId: string, amount: unknown) => ({
    merchantOrderId,
    amount,
    paymentFlow: { type: 'PG_CHECKOUT', merchantUrls: { redirectUrl: 'https://example.test/r' } },
  });

  it('issues O-Bearer tokens with issued_at/expires_at and refuses bad credentials', async () => {
    const ok = await token();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'O-Bearer', expires_at: (ok.body['issued_at'] as number) + 60 });
    expect((await token('wrong')).status).toBe(401);
  });

  it('answers 401 for a missing, unknown or expired token', async () => {
    const { body } = await token();
    const accessToken = body['access_token'] as string;
    expect((await pay('nope', order('sim_a', 100))).status).toBe(401);
    expect((await pay(accessToken, order('sim_a', 100))).status).toBe(200);
    clock += 61_000;
    expect((await pay(accessToken, order('sim_b', 100))).status).toBe(401);
  });

  it.each([
    [99, 'at least 100'],
    [100.5, 'integer'],
    ['100', 'integer'],
  ])('refuses amount %p', async (amount, message) => {
    const accessToken = (await token()).body['access_token'] as string;
    const res = await pay(accessToken, order(`sim_amt_${String(amount).replace('.', '_')}`, amount));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining(message) });
  });

  it('refuses a merchantOrderId over 63 characters and a duplicate', async () => {
    const accessToken = (await token()).body['access_token'] as string;
    expect((await pay(accessToken, order('x'.repeat(64), 100))).status).toBe(400);
    expect((await pay(accessToken, order('sim_dup', 100))).status).toBe(200);
    expect((await pay(accessToken, order('sim_dup', 100))).body).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('v1: refuses a wrong X-VERIFY and accepts the right one', async () => {
    const payload = Buffer.from(
      JSON.stringify({
        merchantId: 'PGTESTPAYUAT',
        merchantTransactionId: 'MT7850590068188104',
        merchantUserId: 'MUID123',
        amount: 10000,
        redirectUrl: 'https://example.test/r',
        redirectMode: 'REDIRECT',
        callbackUrl: '',
        paymentInstrument: { type: 'PAY_PAGE' },
      }),
    ).toString('base64');
    const send = (xVerify: string) =>
      fetch(`${base}/pg/v1/pay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-VERIFY': xVerify },
        body: JSON.stringify({ request: payload }),
      }).then(async (r) => (await r.json()) as Record<string, unknown>);
    expect(await send(phonePeXVerify(payload, '/pg/v1/pay', SALT, '2'))).toMatchObject({
      success: false,
      code: 'AUTHORIZATION_FAILED',
    });
    expect(await send(phonePeXVerify(payload, '/pg/v1/pay', SALT, '1'))).toMatchObject({
      success: true,
      code: 'PAYMENT_INITIATED',
    });
    const path = '/pg/v1/status/PGTESTPAYUAT/MT7850590068188104';
    const status = await fetch(`${base}${path}`, {
      headers: { 'X-VERIFY': phonePeXVerify('', path, SALT, '1'), 'X-MERCHANT-ID': 'PGTESTPAYUAT' },
    }).then(async (r) => (await r.json()) as Record<string, unknown>);
    expect(status).toMatchObject({ code: 'PAYMENT_PENDING', data: { state: 'PENDING', amount: 10000 } });
    const noMerchant = await fetch(`${base}${path}`, {
      headers: { 'X-VERIFY': phonePeXVerify('', path, SALT, '1') },
    }).then(async (r) => (await r.json()) as Record<string, unknown>);
    expect(noMerchant).toMatchObject({ success: false });
  });

  it('the control endpoint plays the customer', async () => {
    const accessToken = (await token()).body['access_token'] as string;
    await pay(accessToken, order('sim_ctl', 500));
    const res = await fetch(`${base}/__control/complete`, {
      method: 'POST',
      body: JSON.stringify({ merchantOrderId: 'sim_ctl', outcome: 'success' }),
    });
    expect(res.status).toBe(200);
    await sim.callbacksSettled();
    expect(sim.orderState('sim_ctl')).toBe('COMPLETED');
  });
});
