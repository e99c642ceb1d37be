import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayContext, WebhookRequest } from '../gateway-adapter';
import { isWebhookParseFailure } from '../gateway-adapter';
import { PhonePeSimulator } from '../simulators/phonepe-simulator';
import { PhonePeAdapter, type PhonePeMode, type PhonePeWebhookEvent } from './phonepe-adapter';

interface Receiver {
  url: string;
  received: WebhookRequest[];
  /** Answer the next `n` callbacks 500 (our endpoint failing), then 200 again. */
  failNext: (n: number) => void;
  close: () => Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: WebhookRequest[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as IncomingHttpHeaders, rawBody: Buffer.concat(chunks).toString('utf8') });
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end('down');
      } else {
        res.writeHead(200).end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/webhooks/gateways/phonepe-main`,
    received,
    failNext: (n) => (failures = n),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${(counter += 1)}`;

describe.each<PhonePeMode>(['v2', 'v1'])('PhonePeAdapter %s against PhonePeSimulator', (mode) => {
  let sim: PhonePeSimulator;
  let receiver: Receiver;
  let baseUrl: string;
  let clock: number;
  let adapter: PhonePeAdapter;

  beforeAll(async () => {
    sim = new PhonePeSimulator({ webhookUsername: 'lsp_hook', webhookPassword: 'secret123pass' });
    baseUrl = await sim.start();
    receiver = await startReceiver();
    sim.setCallbackUrl(receiver.url);
  });

  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    receiver.received.length = 0;
    clock = Date.now();
    adapter = new PhonePeAdapter({ now: () => clock });
  });

  function ctx(overrides: Partial<GatewayContext> = {}): GatewayContext {
    return {
      code: 'phonepe-main',
      provider: 'phonepe',
      config: { mode, baseUrl },
      credentials: {
        clientId: 'SIM_CLIENT',
        clientSecret: 'sim-client-secret',
        clientVersion: '1',
        merchantId: 'PGTESTPAYUAT',
        saltKey: '099eb0cd-02cf-4e2a-8aca-3e6c6aff0399',
        saltIndex: '1',
        webhookUsername: 'lsp_hook',
        webhookPassword: 'secret123pass',
      },
      webhookSecret: '',
      timeoutMs: 2_000,
      callbackUrl: receiver.url,
      publicBaseUrl: 'https://pay.example.test',
      ...overrides,
    };
  }

  async function create(amount = 10_000) {
    const attemptId = nextId('att');
    const result = await adapter.createPayment(
      { paymentId: nextId('pay'), attemptId, attemptNumber: 1, amount, currency: 'INR', method: 'upi' },
      ctx(),
    );
    return { attemptId, result };
  }

  const status = (attemptId: string, c = ctx()) =>
    adapter.getPaymentStatus({ attemptId, gatewayReference: null, amount: 10_000, currency: 'INR' }, c);

  it('create → complete → callback verified and parsed → status succeeded', async () => {
    const { attemptId, result } = await create();
    expect(result).toMatchObject({ status: 'pending', nextAction: { type: 'redirect' } });
    if (result.status !== 'pending') throw new Error('not pending');
    expect(result.nextAction?.url).toContain(baseUrl);
    expect(await status(attemptId)).toMatchObject({ status: 'pending' });

    await sim.completePayment(attemptId, 'success');
    expect(receiver.received).toHaveLength(1);
    const webhook = receiver.received[0];
    expect(adapter.verifyWebhook(webhook, ctx())).toBe(true);
    const event = adapter.parseWebhook(webhook, ctx()) as PhonePeWebhookEvent;
    expect(isWebhookParseFailure(event)).toBe(false);
    expect(event).toMatchObject({ kind: 'payment', attemptId, status: 'succeeded', amount: 10_000, currency: 'INR' });
    // v2 bodies are unsigned: the receiver must confirm by status before acting (§2.2).
    expect(event.requiresStatusConfirmation).toBe(mode === 'v2');

    expect(await status(attemptId)).toMatchObject({ status: 'succeeded', amount: 10_000, currency: 'INR' });
  });

  it('a failed checkout → failed callback and failed_permanent status', async () => {
    const { attemptId } = await create();
    await sim.completePayment(attemptId, 'failure');
    const event = adapter.parseWebhook(receiver.received[0], ctx());
    expect(event).toMatchObject({ kind: 'payment', attemptId, status: 'failed' });
    expect(await status(attemptId)).toMatchObject({ status: 'failed_permanent', errorCode: expect.any(String) });
  });

  it('refunds a completed payment and reads the refund status', async () => {
    const { attemptId, result } = await create();
    await sim.completePayment(attemptId, 'success');
    const refundId = nextId('rf');
    const req = {
      refundId,
      paymentId: 'p',
      attemptId,
      gatewayReference: 'gatewayReference' in result ? (result.gatewayReference ?? '') : '',
      amount: 4_000,
      currency: 'INR',
    };
    const refund = await adapter.refund(req, ctx());
    expect(refund).toMatchObject({ status: 'pending', gatewayRefundReference: expect.any(String) });
    const q = { ...req, gatewayRefundReference: null };
    expect(await adapter.getRefundStatus(q, ctx())).toMatchObject({ status: 'pending' });
    await sim.completeRefund(refundId, 'success');
    expect(await adapter.getRefundStatus(q, ctx())).toMatchObject({ status: 'succeeded' });
    // More than what is left is refused permanently.
    const over = await adapter.refund({ ...req, refundId: nextId('rf'), amount: 7_000 }, ctx());
    expect(over).toMatchObject({ status: 'failed_permanent' });
    expect(await adapter.getRefundStatus({ ...q, refundId: nextId('rf') }, ctx())).toMatchObject({
      status: mode === 'v1' ? 'not_found' : 'unknown',
    });
  });

  it('an unknown payment reads as not_found', async () => {
    expect(await status(nextId('nobody'))).toMatchObject({ status: 'not_found' });
  });

  it('a create whose answer is lost is unknown, and a later status finds it', async () => {
    sim.inject({ timeoutAfterAccept: true });
    const attemptId = nextId('att');
    const result = await adapter.createPayment(
      { paymentId: 'p1', attemptId, attemptNumber: 1, amount: 10_000, currency: 'INR', method: 'upi' },
      ctx({ timeoutMs: 300 }),
    );
    expect(result).toMatchObject({ status: 'unknown', errorCode: 'gateway_timeout' });
    expect(await status(attemptId)).toMatchObject({ status: 'pending' });
    await sim.completePayment(attemptId, 'success');
    expect(await status(attemptId)).toMatchObject({ status: 'succeeded' });
  });

  it('a connection reset after the pay request was handled → unknown, and a later status finds it', async () => {
    sim.inject({ resetAfterAccept: true, match: /\/pay$/ });
    const { attemptId, result } = await create();
    expect(result).toMatchObject({ status: 'unknown' });
    expect(sim.orderState(attemptId)).toBe('PENDING'); // PhonePe did create it
    expect(await status(attemptId)).toMatchObject({ status: 'pending' });
    await sim.completePayment(attemptId, 'success');
    expect(await status(attemptId)).toMatchObject({ status: 'succeeded' });
  });

  it('a callback answered non-2xx is redelivered: same bytes, still verified, same providerEventId', async () => {
    const { attemptId } = await create();
    receiver.failNext(2);
    const before = sim.deliveries.length;
    await sim.completePayment(attemptId, 'success');
    expect(sim.deliveries.slice(before).map((d) => d.status)).toEqual([500, 500, 200]);
    expect(receiver.received).toHaveLength(3);
    const [first, ...again] = receiver.received;
    for (const redelivered of again) {
      expect(redelivered.rawBody).toBe(first.rawBody);
      expect(adapter.verifyWebhook(redelivered, ctx())).toBe(true);
    }
    const ids = receiver.received.map((w) => adapter.parseWebhook(w, ctx()).providerEventId);
    expect(ids[0]).toBeDefined();
    expect(new Set(ids).size).toBe(1);
  });

  it.each([429, 500, 503])('HTTP %i on create → failed_retryable', async (code) => {
    sim.inject({ status: code, match: /\/pay$/ });
    const { result } = await create();
    expect(result.status).toBe('failed_retryable');
  });

  it('HTTP 503 on refund → unknown (may have been initiated)', async () => {
    const { attemptId } = await create();
    await sim.completePayment(attemptId, 'success');
    sim.inject({ status: 503, match: /refund$/ });
    const refund = await adapter.refund(
      { refundId: nextId('rf'), paymentId: 'p', attemptId, gatewayReference: 'x', amount: 500, currency: 'INR' },
      ctx(),
    );
    expect(refund.status).toBe('unknown');
  });

  it('an HTML body is classified, never thrown', async () => {
    sim.inject({ htmlBody: true, status: 502, match: /\/pay$/ });
    expect((await create()).result.status).toBe('failed_retryable');
    sim.inject({ htmlBody: true, status: 200, match: /status/ });
    expect(await status(nextId('x'))).toMatchObject({ status: 'unknown', errorCode: 'gateway_invalid_response' });
  });

  it('refuses amounts below 100 paise before sending', async () => {
    expect((await create(99)).result).toMatchObject({ status: 'failed_permanent', errorCode: 'invalid_request' });
  });

  it('refuses a callback with a bad signature or authorization', async () => {
    const { attemptId } = await create();
    await sim.completePayment(attemptId, 'success');
    const webhook = receiver.received[0];
    const header = mode === 'v1' ? 'x-verify' : 'authorization';
    const forged = {
      ...webhook,
      headers: { ...webhook.headers, [header]: 'f'.repeat(64) + (mode === 'v1' ? '###1' : '') },
    };
    expect(adapter.verifyWebhook(forged, ctx())).toBe(false);
    expect(adapter.verifyWebhook({ ...webhook, headers: {} }, ctx())).toBe(false);
    if (mode === 'v1') {
      // The checksum covers the body: any change to it is refused.
      const tampered = { ...webhook, rawBody: webhook.rawBody.replace(/"response":"./, '"response":"A') };
      expect(adapter.verifyWebhook(tampered, ctx())).toBe(false);
    } else {
      const wrong = ctx({ credentials: { ...ctx().credentials, webhookPassword: 'otherpass1' } });
      expect(adapter.verifyWebhook(webhook, wrong)).toBe(false);
    }
  });

  it('a duplicate callback carries the same providerEventId', async () => {
    const { attemptId } = await create();
    sim.inject({ duplicateCallback: true });
    await sim.completePayment(attemptId, 'success');
    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received.map((w) => adapter.parseWebhook(w, ctx()));
    expect(isWebhookParseFailure(a)).toBe(false);
    expect(a.providerEventId).toBeDefined();
    expect(a.providerEventId).toBe(b.providerEventId);
  });

  it('rejects bad credentials as failed_permanent and fails the health check', async () => {
    const bad = ctx({
      credentials: { ...ctx().credentials, clientSecret: 'wrong', saltKey: 'wrong-salt' },
    });
    const attemptId = nextId('att');
    const result = await adapter.createPayment(
      { paymentId: 'p', attemptId, attemptNumber: 1, amount: 10_000, currency: 'INR', method: 'upi' },
      bad,
    );
    expect(result.status).toBe('failed_permanent');
    expect(await adapter.healthCheck(bad)).toMatchObject({ ok: false });
    expect(await adapter.healthCheck(ctx())).toMatchObject({ ok: true });
  });

  it('parses garbage webhook bodies as malformed', () => {
    expect(adapter.parseWebhook({ headers: {}, rawBody: '<html>' }, ctx())).toMatchObject({ error: 'malformed' });
    expect(adapter.parseWebhook({ headers: {}, rawBody: '' }, ctx())).toMatchObject({ error: 'malformed' });
    expect(adapter.verifyWebhook({ headers: {}, rawBody: '' }, ctx())).toBe(false);
  });

  if (mode === 'v2') {
    it('caches the token, refreshes it at half-life and after a 401', async () => {
      const before = sim.tokenRequests;
      await create();
      await create();
      expect(sim.tokenRequests - before).toBe(1);

      clock += 1_799_000; // just under half of the 3600 s lifetime
      await create();
      expect(sim.tokenRequests - before).toBe(1);
      clock += 2_000; // past half-life
      await create();
      expect(sim.tokenRequests - before).toBe(2);

      sim.inject({ expireTokenNow: true });
      const { result } = await create();
      expect(result.status).toBe('pending');
      expect(sim.tokenRequests - before).toBe(3);
    });

    it('a 401 that survives the refresh is permanent', async () => {
      sim.inject({ status: 401, times: 2, match: /\/pay$/ });
      const { result } = await create();
      expect(result).toMatchObject({ status: 'failed_permanent' });
    });

    it('a payment webhook confirms by status (the body is unsigned)', async () => {
      const { attemptId } = await create();
      await sim.completePayment(attemptId, 'success');
      const event = adapter.parseWebhook(receiver.received[0], ctx());
      expect(event).toMatchObject({ requiresStatusConfirmation: true });
    });

    it('accepts webhookSecret "username:password" when no webhook credentials are set', async () => {
      const { attemptId } = await create();
      await sim.completePayment(attemptId, 'success');
      const { webhookUsername: _u, webhookPassword: _p, ...credentials } = ctx().credentials;
      const c = ctx({ credentials, webhookSecret: 'lsp_hook:secret123pass' });
      expect(adapter.verifyWebhook(receiver.received[0], c)).toBe(true);
      expect(adapter.verifyWebhook(receiver.received[0], ctx({ credentials, webhookSecret: '' }))).toBe(false);
    });
  }
});
