import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isWebhookParseFailure, type CreatePaymentRequest, type GatewayContext } from '../gateway-adapter';
import { RazorpaySimulator } from '../simulators/razorpay-simulator';
import { RazorpayAdapter } from './razorpay-adapter';
import { verifyRazorpayCheckoutSignature } from './razorpay-signature';

interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A real HTTP receiver standing in for `POST /api/v1/webhooks/gateways/:code`. */
class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respondWith = 200;
  url = '';
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.respondWith).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/webhooks/gateways/rzp`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  events(name: string, orderId: string): ReceivedWebhook[] {
    return this.received.filter((w) => {
      const body = JSON.parse(w.rawBody) as {
        event: string;
        payload: { payment?: { entity: { order_id: string } }; order?: { entity: { id: string } } };
      };
      return (
        body.event === name && (body.payload.payment?.entity.order_id ?? body.payload.order?.entity.id) === orderId
      );
    });
  }
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10)); // poll interval, not a wait for the result
  }
}

const WEBHOOK_SECRET = 'whsec_razorpay_contract';
let counter = 0;

function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  counter += 1;
  const suffix = `${Date.now().toString(36)}${counter.toString().padStart(4, '0')}`;
  return {
    paymentId: `pay_${suffix}`,
    attemptId: `att_${suffix}`,
    attemptNumber: 1,
    amount: 50_000,
    currency: 'INR',
    method: 'upi',
    ...overrides,
  };
}

describe('RazorpayAdapter against the Razorpay simulator (HTTP)', () => {
  const adapter = new RazorpayAdapter();
  const receiver = new WebhookReceiver();
  let simulator: RazorpaySimulator;
  let ctx: GatewayContext;

  beforeAll(async () => {
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
  });

  beforeEach(async () => {
    simulator = new RazorpaySimulator({ webhookUrl: receiver.url, webhookSecret: WEBHOOK_SECRET });
    const baseUrl = await simulator.start();
    ctx = {
      code: 'rzp',
      provider: 'razorpay',
      config: { baseUrl },
      credentials: { keyId: simulator.keyId, keySecret: simulator.keySecret },
      webhookSecret: WEBHOOK_SECRET,
      timeoutMs: 2000,
      callbackUrl: receiver.url,
      publicBaseUrl: 'https://pay.example.test/',
    };
  });

  afterEach(async () => {
    await simulator.stop();
  });

  async function createdOrder(req = paymentRequest()) {
    const created = await adapter.createPayment(req, ctx);
    if (created.status !== 'pending') throw new Error(`expected pending, got ${JSON.stringify(created)}`);
    return { req, orderId: created.gatewayReference, created };
  }

  it('creates an order with receipt = attemptId and redirects to our checkout page', async () => {
    const req = paymentRequest();
    const created = await adapter.createPayment(req, ctx);
    expect(created).toMatchObject({
      status: 'pending',
      gatewayReference: expect.stringMatching(/^order_[A-Za-z0-9]{14}$/),
    });
    const orderId = (created as { gatewayReference: string }).gatewayReference;
    expect(created).toMatchObject({
      nextAction: { type: 'redirect', url: `https://pay.example.test/razorpay/checkout/${orderId}` },
    });
    expect(simulator.orders.get(orderId)).toMatchObject({
      amount: 50_000,
      currency: 'INR',
      receipt: req.attemptId,
      status: 'created',
      notes: { paymentId: req.paymentId, attemptId: req.attemptId },
    });
    expect(simulator.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${simulator.keyId}:${simulator.keySecret}`).toString('base64')}`,
    );
  });

  it('uses config.checkoutUrl when it carries {orderId}', async () => {
    ctx.config = { ...ctx.config, checkoutUrl: 'https://checkout.example.test/rzp?order={orderId}' };
    const { orderId, created } = await createdOrder();
    expect(created).toMatchObject({ nextAction: { url: `https://checkout.example.test/rzp?order=${orderId}` } });
  });

  it('create → customer pays → signed webhooks verified and parsed → status succeeded', async () => {
    const { req, orderId } = await createdOrder();
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
      status: 'pending',
    });

    const checkout = simulator.completePayment(orderId, 'captured');
    expect(
      verifyRazorpayCheckoutSignature(
        orderId,
        checkout.razorpay_payment_id,
        checkout.razorpay_signature,
        ctx.credentials['keySecret'] ?? '',
      ),
    ).toBe(true);

    const captured = await waitFor(() => receiver.events('payment.captured', orderId)[0]);
    expect(adapter.verifyWebhook(captured, ctx)).toBe(true);
    expect(adapter.parseWebhook(captured, ctx)).toEqual({
      providerEventId: captured.headers['x-razorpay-event-id'],
      kind: 'payment',
      attemptId: undefined, // payment.captured carries no order; the platform matches by gatewayReference
      gatewayReference: orderId,
      status: 'succeeded',
      amount: 50_000,
      currency: 'INR',
    });
    const paid = await waitFor(() => receiver.events('order.paid', orderId)[0]);
    expect(adapter.verifyWebhook(paid, ctx)).toBe(true);
    expect(adapter.parseWebhook(paid, ctx)).toMatchObject({
      kind: 'payment',
      attemptId: req.attemptId,
      gatewayReference: orderId,
      status: 'succeeded',
      amount: 50_000,
    });

    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
      status: 'succeeded',
      gatewayReference: orderId,
      amount: 50_000,
      currency: 'INR',
    });
    expect(simulator.orders.get(orderId)).toMatchObject({ status: 'paid', attempts: 1, amount_paid: 50_000 });
  });

  it('a failed payment arrives as payment.failed and the status is failed_permanent with its reason', async () => {
    const { req, orderId } = await createdOrder();
    simulator.completePayment(orderId, {
      failed: { errorReason: 'payment_failed', errorDescription: 'Bank declined' },
    });
    const failed = await waitFor(() => receiver.events('payment.failed', orderId)[0]);
    expect(adapter.verifyWebhook(failed, ctx)).toBe(true);
    expect(adapter.parseWebhook(failed, ctx)).toMatchObject({
      kind: 'payment',
      gatewayReference: orderId,
      status: 'failed',
      errorCode: 'payment_failed',
      errorMessage: 'Bank declined',
    });
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
      status: 'failed_permanent',
      errorCode: 'payment_failed',
    });
    expect(simulator.orders.get(orderId)?.status).toBe('attempted');
  });

  it('a late authorisation after a failure turns the status into succeeded', async () => {
    const { req, orderId } = await createdOrder();
    const { razorpay_payment_id } = simulator.completePayment(orderId, 'failed');
    simulator.lateAuthorize(razorpay_payment_id);
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
      status: 'succeeded',
    });
  });

  it('an authorised, not yet captured payment is pending; a retry after a failure is pending too', async () => {
    const first = await createdOrder();
    simulator.completePayment(first.orderId, 'authorized');
    expect(await adapter.getPaymentStatus({ ...first.req, gatewayReference: first.orderId }, ctx)).toMatchObject({
      status: 'pending',
    });
    expect(() => simulator.completePayment(first.orderId)).toThrow(/authorized payment/);
  });

  it('answers not_found for an unknown order, an order of another attempt, and an unknown receipt', async () => {
    const { req, orderId } = await createdOrder();
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: 'order_AAAAAAAAAAAAAA' }, ctx)).toMatchObject({
      status: 'not_found',
    });
    expect(
      await adapter.getPaymentStatus({ ...req, attemptId: 'att_other', gatewayReference: orderId }, ctx),
    ).toMatchObject({ status: 'not_found' });
    expect(
      await adapter.getPaymentStatus({ ...req, attemptId: 'att_never_sent', gatewayReference: null }, ctx),
    ).toMatchObject({ status: 'not_found' });
  });

  it('refunds with X-Refund-Idempotency; a retry with the same refundId creates one refund', async () => {
    const { req, orderId } = await createdOrder();
    simulator.completePayment(orderId, 'captured');
    const refundReq = {
      refundId: `rf_${req.attemptId}`,
      paymentId: req.paymentId,
      attemptId: req.attemptId,
      gatewayReference: orderId,
      amount: 20_000,
      currency: 'INR',
    };
    const first = await adapter.refund(refundReq, ctx);
    expect(first).toMatchObject({
      status: expect.stringMatching(/^(pending|succeeded)$/),
      gatewayRefundReference: expect.stringMatching(/^rfnd_/),
    });
    const again = await adapter.refund(refundReq, ctx);
    expect(again.gatewayRefundReference).toBe(first.gatewayRefundReference);
    expect(simulator.refunds.size).toBe(1);
    const refundCall = simulator.requests.find((r) => r.method === 'POST' && r.path.endsWith('/refund'));
    expect(refundCall?.headers['x-refund-idempotency']).toBe(refundReq.refundId);

    // Settled: by reference, and by refundId alone (the answer to the create call was lost).
    await waitFor(async () => {
      const status = await adapter.getRefundStatus(
        { ...refundReq, gatewayRefundReference: first.gatewayRefundReference ?? null },
        ctx,
      );
      return status.status === 'succeeded' ? status : undefined;
    });
    expect(await adapter.getRefundStatus({ ...refundReq, gatewayRefundReference: null }, ctx)).toMatchObject({
      status: 'succeeded',
      gatewayRefundReference: first.gatewayRefundReference,
    });
    expect(
      await adapter.getRefundStatus({ ...refundReq, refundId: 'rf_never_sent_1', gatewayRefundReference: null }, ctx),
    ).toMatchObject({ status: 'not_found' });

    const processed = await waitFor(() =>
      receiver.received.find(
        (w) =>
          (JSON.parse(w.rawBody) as { event: string }).event === 'refund.processed' &&
          w.rawBody.includes(refundReq.refundId),
      ),
    );
    expect(adapter.verifyWebhook(processed, ctx)).toBe(true);
    expect(adapter.parseWebhook(processed, ctx)).toMatchObject({
      kind: 'refund',
      refundId: refundReq.refundId,
      gatewayRefundReference: first.gatewayRefundReference,
      gatewayReference: orderId,
      status: 'succeeded',
      amount: 20_000,
    });

    // The same key for a different body is a bug on our side: permanent, and nothing new is refunded.
    expect(await adapter.refund({ ...refundReq, amount: 10_000 }, ctx)).toMatchObject({
      status: 'failed_permanent',
      errorCode: 'idempotency_conflict',
    });
    expect(simulator.refunds.size).toBe(1);
    // More than what is left to refund.
    expect(await adapter.refund({ ...refundReq, refundId: `rf2_${req.attemptId}`, amount: 40_000 }, ctx)).toMatchObject(
      { status: 'failed_permanent', errorCode: 'invalid_request' },
    );
  });

  it('a failed refund is failed_permanent and arrives as refund.failed', async () => {
    simulator.refundOutcome = 'manual';
    const { req, orderId } = await createdOrder();
    simulator.completePayment(orderId, 'captured');
    const refundReq = {
      refundId: `rf_${req.attemptId}`,
      paymentId: req.paymentId,
      attemptId: req.attemptId,
      gatewayReference: orderId,
      amount: 50_000,
      currency: 'INR',
    };
    const created = await adapter.refund(refundReq, ctx);
    expect(created).toMatchObject({ status: 'pending' });
    simulator.settleRefund(created.gatewayRefundReference ?? '', 'failed');
    expect(
      await adapter.getRefundStatus(
        { ...refundReq, gatewayRefundReference: created.gatewayRefundReference ?? null },
        ctx,
      ),
    ).toMatchObject({ status: 'failed_permanent', errorCode: 'refund_failed' });
    const failed = await waitFor(() =>
      receiver.received.find((w) => w.rawBody.includes('"refund.failed"') && w.rawBody.includes(refundReq.refundId)),
    );
    expect(adapter.parseWebhook(failed, ctx)).toMatchObject({
      kind: 'refund',
      status: 'failed',
      refundId: refundReq.refundId,
    });
  });

  it('a refund on an unpaid order is refused without calling the refund endpoint', async () => {
    const { req, orderId } = await createdOrder();
    const result = await adapter.refund(
      {
        refundId: `rf_${req.attemptId}`,
        paymentId: req.paymentId,
        attemptId: req.attemptId,
        gatewayReference: orderId,
        amount: 100,
        currency: 'INR',
      },
      ctx,
    );
    expect(result).toMatchObject({ status: 'failed_permanent', errorCode: 'not_captured' });
    expect(simulator.requests.some((r) => r.path.endsWith('/refund'))).toBe(false);
  });

  it('accepted but the answer was lost → unknown; the status query by receipt finds it → succeeded', async () => {
    simulator.inject({ timeoutAfterAccept: true, match: /^POST \/v1\/orders$/ });
    const req = paymentRequest();
    const created = await adapter.createPayment(req, { ...ctx, timeoutMs: 1000 });
    expect(created).toMatchObject({ status: 'unknown', errorCode: 'gateway_timeout' });
    const [order] = [...simulator.orders.values()];
    expect(order?.receipt).toBe(req.attemptId);

    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: null }, ctx)).toMatchObject({
      status: 'pending',
      gatewayReference: order?.id,
    });
    simulator.completePayment(order?.id ?? '', 'captured');
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: null }, ctx)).toMatchObject({
      status: 'succeeded',
      gatewayReference: order?.id,
      amount: req.amount,
    });
  });

  it('a connection reset after the request was handled → unknown', async () => {
    simulator.inject({ resetAfterAccept: true });
    expect(await adapter.createPayment(paymentRequest(), ctx)).toMatchObject({
      status: 'unknown',
      errorCode: 'gateway_connection_lost',
    });
    expect(simulator.orders.size).toBe(1);
  });

  it.each([500, 503, 429] as const)('HTTP %s on create → failed_retryable (failover is safe)', async (status) => {
    simulator.inject({ status });
    const created = await adapter.createPayment(paymentRequest(), ctx);
    expect(created).toMatchObject({
      status: 'failed_retryable',
      errorCode: status === 429 ? 'gateway_rate_limited' : 'gateway_server_error',
    });
    expect(simulator.orders.size).toBe(0);
    // The fault was used up: the next call goes through.
    expect(await adapter.createPayment(paymentRequest(), ctx)).toMatchObject({ status: 'pending' });
  });

  it('HTTP 500 on the refund call → unknown (reconcile with the same key), then the resend refunds once', async () => {
    const { req, orderId } = await createdOrder();
    simulator.completePayment(orderId, 'captured');
    const refundReq = {
      refundId: `rf_${req.attemptId}`,
      paymentId: req.paymentId,
      attemptId: req.attemptId,
      gatewayReference: orderId,
      amount: 50_000,
      currency: 'INR',
    };
    simulator.inject({ status: 500, match: /\/refund$/ });
    expect(await adapter.refund(refundReq, ctx)).toMatchObject({
      status: 'unknown',
      errorCode: 'gateway_server_error',
    });
    expect(await adapter.getRefundStatus({ ...refundReq, gatewayRefundReference: null }, ctx)).toMatchObject({
      status: 'not_found',
    });
    expect(await adapter.refund(refundReq, ctx)).toMatchObject({
      gatewayRefundReference: expect.stringMatching(/^rfnd_/),
    });
    expect(simulator.refunds.size).toBe(1);
  });

  it('a replay while the first refund is still in flight → 409 → unknown, and only one refund exists', async () => {
    const { req, orderId } = await createdOrder();
    simulator.completePayment(orderId, 'captured');
    const refundReq = {
      refundId: `rf_${req.attemptId}`,
      paymentId: req.paymentId,
      attemptId: req.attemptId,
      gatewayReference: orderId,
      amount: 50_000,
      currency: 'INR',
    };
    simulator.inject({ latencyMs: 1000, match: /\/refund$/ });
    const slow = adapter.refund(refundReq, ctx);
    await waitFor(() => (simulator.requests.some((r) => r.path.endsWith('/refund')) ? true : undefined));
    expect(await adapter.refund(refundReq, ctx)).toMatchObject({ status: 'unknown', errorCode: 'request_in_progress' });
    expect(await slow).toMatchObject({ gatewayRefundReference: expect.stringMatching(/^rfnd_/) });
    expect(simulator.refunds.size).toBe(1);
  });

  it('an HTML error page from a proxy is classified, never thrown', async () => {
    simulator.inject({ htmlBody: true, status: 502 });
    expect(await adapter.createPayment(paymentRequest(), ctx)).toMatchObject({
      status: 'failed_retryable',
      errorCode: 'gateway_server_error',
    });
    simulator.inject({ htmlBody: true, status: 502 });
    const req = paymentRequest();
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: null }, ctx)).toMatchObject({
      status: 'unknown',
      errorCode: 'gateway_server_error',
    });
  });

  it('bad credentials → failed_permanent gateway_auth_failed; status unknown; health check down', async () => {
    const bad = { ...ctx, credentials: { keyId: simulator.keyId, keySecret: 'wrong_secret_000000000000' } };
    expect(await adapter.createPayment(paymentRequest(), bad)).toMatchObject({
      status: 'failed_permanent',
      errorCode: 'gateway_auth_failed',
    });
    expect(await adapter.getPaymentStatus({ ...paymentRequest(), gatewayReference: null }, bad)).toMatchObject({
      status: 'unknown',
      errorCode: 'gateway_auth_failed',
    });
    expect(await adapter.healthCheck(bad)).toMatchObject({ ok: false, errorClass: 'auth_failed' });
    expect(await adapter.healthCheck(ctx)).toMatchObject({ ok: true });
  });

  it('an unreachable gateway → failed_retryable on create, unknown on reads, down in the health check', async () => {
    await simulator.stop();
    const down = { ...ctx, config: { baseUrl: ctx.config['baseUrl'] } };
    expect(await adapter.createPayment(paymentRequest(), down)).toMatchObject({
      status: 'failed_retryable',
      errorCode: 'gateway_unavailable',
    });
    expect(
      await adapter.getPaymentStatus({ ...paymentRequest(), gatewayReference: 'order_AAAAAAAAAAAAAA' }, down),
    ).toMatchObject({ status: 'unknown', errorCode: 'gateway_unavailable' });
    expect(await adapter.healthCheck(down)).toMatchObject({ ok: false, errorClass: 'gateway_unavailable' });
    simulator = new RazorpaySimulator(); // afterEach stops a fresh, never-started one
  });

  it('an amount below INR 1.00 is refused by Razorpay → failed_permanent', async () => {
    expect(await adapter.createPayment(paymentRequest({ amount: 99 }), ctx)).toMatchObject({
      status: 'failed_permanent',
      errorCode: 'invalid_request',
    });
  });

  it('a bad webhook signature does not verify', async () => {
    const { orderId } = await createdOrder();
    simulator.completePayment(orderId, 'captured');
    const webhook = await waitFor(() => receiver.events('payment.captured', orderId)[0]);
    expect(adapter.verifyWebhook({ ...webhook, rawBody: webhook.rawBody.replace('50000', '50001') }, ctx)).toBe(false);
    expect(adapter.verifyWebhook(webhook, { ...ctx, webhookSecret: 'another_secret' })).toBe(false);
    expect(
      adapter.verifyWebhook(
        { headers: { ...webhook.headers, 'x-razorpay-signature': 'f'.repeat(64) }, rawBody: webhook.rawBody },
        ctx,
      ),
    ).toBe(false);
  });

  it('a duplicated webhook carries the same providerEventId', async () => {
    const { orderId } = await createdOrder();
    simulator.inject({ duplicateWebhook: true });
    simulator.completePayment(orderId, 'captured');
    await simulator.webhooksSettled();
    const copies = receiver.events('payment.captured', orderId);
    expect(copies).toHaveLength(2);
    const [a, b] = copies.map((w) => adapter.parseWebhook(w, ctx));
    expect(a && !isWebhookParseFailure(a) && a.providerEventId).toBeTruthy();
    expect(a).toEqual(b);
  });

  it('a webhook redelivered after a non-2xx answer keeps its event id', async () => {
    const { orderId } = await createdOrder();
    receiver.respondWith = 500;
    try {
      simulator.completePayment(orderId, 'captured');
      await simulator.webhooksSettled();
    } finally {
      receiver.respondWith = 200;
    }
    const copies = receiver.events('payment.captured', orderId);
    expect(copies.length).toBeGreaterThan(1);
    expect(new Set(copies.map((w) => w.headers['x-razorpay-event-id'])).size).toBe(1);
  });

  it('a late webhook does not delay the status query', async () => {
    const { req, orderId } = await createdOrder();
    simulator.inject({ lateWebhookMs: 1000 });
    simulator.completePayment(orderId, 'captured');
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
      status: 'succeeded',
    });
    expect(receiver.events('payment.captured', orderId)).toHaveLength(0);
    await waitFor(() => receiver.events('payment.captured', orderId)[0]);
  });

  it('sends payment.authorized first; the adapter acknowledges it without acting (captured is the success)', async () => {
    const { req, orderId } = await createdOrder();
    simulator.completePayment(orderId, 'authorized');
    const authorized = await waitFor(() => receiver.events('payment.authorized', orderId)[0]);
    expect(adapter.verifyWebhook(authorized, ctx)).toBe(true);
    expect(adapter.parseWebhook(authorized, ctx)).toEqual({
      error: 'unsupported_event',
      message: 'Event payment.authorized is not acted on',
      providerEventId: authorized.headers['x-razorpay-event-id'],
    });
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
      status: 'pending',
    });
  });

  it('out-of-order delivery: payment.captured before payment.authorized still ends succeeded, nothing regresses', async () => {
    const { req, orderId } = await createdOrder();
    simulator.inject({ outOfOrderWebhooks: true });
    simulator.completePayment(orderId, 'captured');
    await simulator.webhooksSettled();
    const order = receiver.received
      .map((w) => JSON.parse(w.rawBody) as { event: string; payload: { payment?: { entity: { order_id: string } } } })
      .filter((b) => b.payload.payment?.entity.order_id === orderId)
      .map((b) => b.event);
    expect(order).toEqual(['order.paid', 'payment.captured', 'payment.authorized']);
    const parsed = ['order.paid', 'payment.captured', 'payment.authorized'].map((name) => {
      const webhook = receiver.events(name, orderId)[0];
      expect(adapter.verifyWebhook(webhook, ctx)).toBe(true);
      return adapter.parseWebhook(webhook, ctx);
    });
    expect(parsed[0]).toMatchObject({ kind: 'payment', status: 'succeeded', attemptId: req.attemptId });
    expect(parsed[1]).toMatchObject({ kind: 'payment', status: 'succeeded', gatewayReference: orderId });
    // The late authorisation carries no status the platform could move a captured payment back to.
    expect(parsed[2]).toMatchObject({ error: 'unsupported_event' });
    expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
      status: 'succeeded',
    });
  });

  it('keeps its connections alive: a second payment flow opens no new connection', async () => {
    const flow = async () => {
      const { req, orderId } = await createdOrder();
      simulator.completePayment(orderId, 'captured');
      for (let i = 0; i < 3; i += 1) {
        expect(await adapter.getPaymentStatus({ ...req, gatewayReference: orderId }, ctx)).toMatchObject({
          status: 'succeeded',
        });
      }
      expect(await adapter.healthCheck(ctx)).toMatchObject({ ok: true });
    };
    await flow();
    // Back-to-back calls may open a second socket (undici frees one on its next turn); a warm pool needs none.
    const warm = simulator.connectionsOpened;
    expect(warm).toBeLessThanOrEqual(2);
    const before = simulator.requests.length;
    await flow();
    expect(simulator.requests.length - before).toBeGreaterThanOrEqual(5);
    expect(simulator.connectionsOpened).toBe(warm);
  });
});

describe('parseRazorpayWebhook (RazorpayAdapter.parseWebhook)', () => {
  const adapter = new RazorpayAdapter();
  const ctx = {} as GatewayContext;
  const payment = {
    id: 'pay_AAAAAAAAAAAAAA',
    entity: 'payment',
    amount: 1000,
    currency: 'INR',
    status: 'captured',
    order_id: 'order_BBBBBBBBBBBBBB',
    notes: [],
  };

  it('falls back to a stable hash of the body without X-Razorpay-Event-Id', () => {
    const rawBody = JSON.stringify({
      entity: 'event',
      event: 'payment.captured',
      payload: { payment: { entity: payment } },
    });
    const a = adapter.parseWebhook({ headers: {}, rawBody }, ctx);
    const b = adapter.parseWebhook({ headers: {}, rawBody }, ctx);
    expect(a).toMatchObject({ providerEventId: expect.stringMatching(/^sha256_[0-9a-f]{64}$/), status: 'succeeded' });
    expect(a).toEqual(b);
  });

  it('acknowledges events it does not act on, and refuses garbage', () => {
    const authorized = JSON.stringify({
      entity: 'event',
      event: 'payment.authorized',
      payload: { payment: { entity: payment } },
    });
    expect(adapter.parseWebhook({ headers: { 'x-razorpay-event-id': 'evt_1' }, rawBody: authorized }, ctx)).toEqual({
      error: 'unsupported_event',
      message: 'Event payment.authorized is not acted on',
      providerEventId: 'evt_1',
    });
    expect(adapter.parseWebhook({ headers: {}, rawBody: '<html>' }, ctx)).toMatchObject({ error: 'malformed' });
    expect(
      adapter.parseWebhook({ headers: {}, rawBody: '{"entity":"event","event":"payment.captured","payload":{}}' }, ctx),
    ).toMatchObject({ error: 'malformed' });
  });
});

describe('RazorpaySimulator rules', () => {
  const simulator = new RazorpaySimulator();
  let baseUrl = '';
  const auth = `Basic ${Buffer.from(`${simulator.keyId}:${simulator.keySecret}`).toString('base64')}`;

  beforeAll(async () => {
    baseUrl = await simulator.start();
  });

  afterAll(async () => {
    await simulator.stop();
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { error?: { code: string; description: string }; id?: string },
    };
  }

  it('accepts only exact Basic auth and answers 401 with the documented envelope', async () => {
    const lower = await fetch(`${baseUrl}/v1/orders`, { headers: { Authorization: auth.replace('Basic', 'basic') } });
    expect(lower.status).toBe(401);
    expect(await lower.json()).toEqual({
      error: {
        code: 'BAD_REQUEST_ERROR',
        description: 'The api key provided is invalid',
        source: 'NA',
        step: 'NA',
        reason: 'NA',
        metadata: {},
        field: null,
      },
    });
    expect((await fetch(`${baseUrl}/v1/orders`)).status).toBe(401);
  });

  it.each([
    [{ amount: 99, currency: 'INR' }, 'The amount must be at least INR 1.00'],
    [{ amount: 100.5, currency: 'INR' }, 'The amount must be an integer.'],
    [{ amount: 100, currency: 'INR', receipt: 'r'.repeat(41) }, 'The receipt may not be greater than 40 characters.'],
    [{ amount: 100, currency: 'INR', surprise: 1 }, 'surprise is/are not required and should not be sent'],
    [
      { amount: 100, notes: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])) },
      'Number of fields in notes should be less than or equal to 15',
    ],
  ])('refuses order %j', async (body, description) => {
    expect(await post('/v1/orders', body)).toEqual({
      status: 400,
      body: { error: expect.objectContaining({ code: 'BAD_REQUEST_ERROR', description }) },
    });
  });

  it('serialises empty notes as [] and enforces capture and refund rules', async () => {
    const order = await post('/v1/orders', { amount: 1000, currency: 'INR' });
    expect(order.body).toMatchObject({ status: 'created', notes: [] });
    const { razorpay_payment_id: paymentId } = simulator.completePayment(order.body.id ?? '', 'authorized');
    expect(
      (await post(`/v1/payments/${paymentId}/capture`, { amount: 999, currency: 'INR' })).body.error?.description,
    ).toBe('Capture amount must be equal to the amount authorized');
    expect((await post(`/v1/payments/${paymentId}/capture`, { amount: 1000, currency: 'INR' })).status).toBe(200);
    expect(
      (await post(`/v1/payments/${paymentId}/capture`, { amount: 1000, currency: 'INR' })).body.error?.description,
    ).toBe('This payment has already been captured');
    expect(
      (await post(`/v1/payments/${paymentId}/refund`, { amount: 100 }, { 'X-Refund-Idempotency': 'short' })).status,
    ).toBe(400);
    expect((await post(`/v1/payments/${paymentId}/refund`, { amount: 400 })).status).toBe(200);
    expect(simulator.payments.get(paymentId)).toMatchObject({
      status: 'captured',
      refund_status: 'partial',
      amount_refunded: 400,
    });
    expect((await post(`/v1/payments/${paymentId}/refund`, {})).status).toBe(200);
    expect(simulator.payments.get(paymentId)).toMatchObject({
      status: 'refunded',
      refund_status: 'full',
      amount_refunded: 1000,
    });
    expect((await post(`/v1/payments/${paymentId}/refund`, { amount: 100 })).body.error?.description).toBe(
      'The payment has been fully refunded already',
    );
    expect(simulator.orders.get(order.body.id ?? '')?.status).toBe('paid');
  });
});
