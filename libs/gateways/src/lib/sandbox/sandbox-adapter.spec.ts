import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId } from '@lsp/domain';
import { isWebhookParseFailure, type GatewayContext, type PaymentStatusResult } from '../gateway-adapter';
import { SandboxGatewayAdapter, type SandboxCallbackFailure, type SandboxCallbackSender } from './sandbox-adapter';
import { sandboxConfigProblems } from './sandbox-config';

interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A real HTTP receiver standing in for `POST /api/v1/webhooks/gateways/:code`. */
class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  respondWith = 200;
  private server!: Server;
  url = '';

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
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/webhooks/gateways/sbx`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  for(attemptId: string): ReceivedCallback[] {
    return this.received.filter((c) => (JSON.parse(c.rawBody) as { attemptId?: string }).attemptId === attemptId);
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5)); // poll interval, not a wait for the result
  }
}

const SECRET = 'whsec_sandbox_test_secret';

function context(receiver: CallbackReceiver, overrides: Partial<GatewayContext> = {}): GatewayContext {
  return {
    code: 'sbx',
    provider: 'sandbox',
    config: { callbackDelayMs: 5 },
    credentials: {},
    webhookSecret: SECRET,
    timeoutMs: 2000,
    callbackUrl: receiver.url,
    publicBaseUrl: 'https://pay.example.test/',
    ...overrides,
  };
}

function paymentRequest(amount: number, attemptNumber = 1) {
  return {
    paymentId: newId('payment'),
    attemptId: newId('attempt'),
    attemptNumber,
    amount,
    currency: 'INR',
    method: 'upi' as const,
  };
}

describe('SandboxGatewayAdapter', () => {
  const receiver = new CallbackReceiver();
  let adapter: SandboxGatewayAdapter;
  let callbackErrors: SandboxCallbackFailure[];

  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  beforeEach(() => {
    callbackErrors = [];
    adapter = new SandboxGatewayAdapter({ onCallbackError: (f) => callbackErrors.push(f) });
  });
  afterEach(() => adapter.whenCallbacksSettled());

  describe('the amount table (API.md §5), create → status query → callback', () => {
    type Row = {
      amount: number;
      attemptNumber: number;
      create: string;
      createError?: string;
      status: PaymentStatusResult['status'];
      statusError?: string;
      callback: 'succeeded' | 'failed' | null;
      callbackError?: string;
    };
    const rows: Row[] = [
      { amount: 10000, attemptNumber: 1, create: 'pending', status: 'succeeded', callback: 'succeeded' },
      { amount: 4949, attemptNumber: 1, create: 'pending', status: 'succeeded', callback: 'succeeded' },
      { amount: 1050, attemptNumber: 1, create: 'pending', status: 'succeeded', callback: 'succeeded' },
      { amount: 1099, attemptNumber: 3, create: 'pending', status: 'succeeded', callback: 'succeeded' },
      {
        amount: 10051,
        attemptNumber: 1,
        create: 'failed_permanent',
        createError: 'card_declined',
        status: 'failed_permanent',
        statusError: 'card_declined',
        callback: null,
      },
      {
        amount: 10052,
        attemptNumber: 1,
        create: 'failed_retryable',
        createError: 'gateway_unavailable',
        status: 'not_found',
        callback: null,
      },
      { amount: 10052, attemptNumber: 2, create: 'pending', status: 'succeeded', callback: 'succeeded' },
      { amount: 10053, attemptNumber: 1, create: 'pending', status: 'succeeded', callback: null },
      {
        amount: 10054,
        attemptNumber: 1,
        create: 'pending',
        status: 'failed_permanent',
        statusError: 'insufficient_funds',
        callback: 'failed',
        callbackError: 'insufficient_funds',
      },
      ...[1, 2, 4].map(
        (attemptNumber): Row => ({
          amount: 10055,
          attemptNumber,
          create: 'failed_retryable',
          createError: 'gateway_unavailable',
          status: 'not_found',
          callback: null,
        }),
      ),
      {
        amount: 10056,
        attemptNumber: 1,
        create: 'unknown',
        createError: 'gateway_timeout',
        status: 'succeeded',
        callback: null,
      },
    ];

    it.each(rows)(
      'amount $amount attempt $attemptNumber: create $create, status $status, callback $callback',
      async (row) => {
        const req = paymentRequest(row.amount, row.attemptNumber);
        const ctx = context(receiver);
        const reference = `sbx_${req.attemptId}`;

        const created = await adapter.createPayment(req, ctx);
        expect(created.status).toBe(row.create);
        expect(created.latencyMs).toBeGreaterThanOrEqual(0);
        if (created.status === 'pending') {
          expect(created.gatewayReference).toBe(reference);
          expect(created.nextAction).toEqual({
            type: 'redirect',
            url: `https://pay.example.test/sandbox/checkout/${reference}`,
          });
        } else if (created.status === 'succeeded') {
          throw new Error('the sandbox never captures synchronously');
        } else {
          expect(created.errorCode).toBe(row.createError);
          expect(created.errorMessage).toEqual(expect.any(String));
        }

        // The answer of a create call may be lost: query by attempt id (reference null) when there is none.
        const gatewayReference =
          created.status === 'pending' || created.status === 'failed_permanent'
            ? (created.gatewayReference ?? null)
            : null;
        const status = await adapter.getPaymentStatus(
          {
            attemptId: req.attemptId,
            attemptNumber: req.attemptNumber,
            gatewayReference,
            amount: req.amount,
            currency: 'INR',
          },
          // Another replica with no memory of the create call answers the same.
          context(receiver),
        );
        expect(status.status).toBe(row.status);
        if (status.status === 'succeeded') {
          expect(status).toMatchObject({ gatewayReference: reference, amount: req.amount, currency: 'INR' });
        }
        if (status.status === 'failed_permanent') expect(status.errorCode).toBe(row.statusError);

        if (row.callback === null) {
          await adapter.whenCallbacksSettled();
          expect(receiver.for(req.attemptId)).toEqual([]);
          return;
        }
        const [callback] = await waitFor(() => {
          const found = receiver.for(req.attemptId);
          return found.length > 0 ? found : undefined;
        });
        expect(callback.headers['x-sandbox-signature']).toMatch(/^[0-9a-f]{64}$/);
        expect(callback.headers['content-type']).toBe('application/json');
        const webhook = { headers: callback.headers, rawBody: callback.rawBody };
        expect(adapter.verifyWebhook(webhook, ctx)).toBe(true);
        expect(JSON.parse(callback.rawBody)).toEqual({
          id: `sbxevt_${req.attemptId}_${row.callback}`,
          type: `payment.${row.callback}`,
          attemptId: req.attemptId,
          gatewayReference: reference,
          amount: req.amount,
          currency: 'INR',
          ...(row.callbackError ? { errorCode: row.callbackError } : {}),
        });
        const parsed = adapter.parseWebhook(webhook, ctx);
        expect(isWebhookParseFailure(parsed)).toBe(false);
        expect(parsed).toEqual({
          providerEventId: `sbxevt_${req.attemptId}_${row.callback}`,
          kind: 'payment',
          attemptId: req.attemptId,
          gatewayReference: reference,
          status: row.callback,
          amount: req.amount,
          currency: 'INR',
          ...(row.callbackError ? { errorCode: row.callbackError, errorMessage: expect.any(String) } : {}),
        });
        await adapter.whenCallbacksSettled();
        expect(receiver.for(req.attemptId)).toHaveLength(1);
        expect(callbackErrors).toEqual([]);
      },
    );

    it('assumes an accepted attempt when the status query carries no attempt number', async () => {
      const query = { attemptId: newId('attempt'), gatewayReference: null, amount: 10052, currency: 'INR' };
      expect(await adapter.getPaymentStatus(query, context(receiver))).toMatchObject({ status: 'succeeded' });
      expect(await adapter.getPaymentStatus({ ...query, attemptNumber: 1 }, context(receiver))).toMatchObject({
        status: 'not_found',
      });
    });

    it('answers a status query for another attempt reference with not_found', async () => {
      const req = paymentRequest(10000);
      const status = await adapter.getPaymentStatus(
        {
          attemptId: req.attemptId,
          attemptNumber: 1,
          gatewayReference: 'sbx_att_other',
          amount: 10000,
          currency: 'INR',
        },
        context(receiver),
      );
      expect(status.status).toBe('not_found');
    });
  });

  describe('callbacks', () => {
    it('waits config.callbackDelayMs, falling back to the adapter default, before sending', async () => {
      const sent: { at: number; body: string; headers: Record<string, string> }[] = [];
      const send: SandboxCallbackSender = async (_url, body, headers) => {
        sent.push({ at: Date.now(), body, headers });
        return { status: 204 };
      };
      const local = new SandboxGatewayAdapter({ send, defaultCallbackDelayMs: 150 });

      const started = Date.now();
      const created = await local.createPayment(paymentRequest(10000), context(receiver, { config: {} }));
      expect(created.status).toBe('pending');
      expect(sent).toHaveLength(0);
      await local.whenCallbacksSettled();
      expect(sent).toHaveLength(1);
      expect(sent[0].at - started).toBeGreaterThanOrEqual(140);
      expect(sent[0].headers['X-Sandbox-Signature']).toMatch(/^[0-9a-f]{64}$/);

      await local.createPayment(paymentRequest(10000), context(receiver, { config: { callbackDelayMs: 0 } }));
      await local.whenCallbacksSettled();
      expect(sent).toHaveLength(2);
    });

    it('reports a receiver answering 500 through onCallbackError and does not retry', async () => {
      receiver.respondWith = 500;
      try {
        const req = paymentRequest(10000);
        await adapter.createPayment(req, context(receiver));
        await adapter.whenCallbacksSettled();
        expect(receiver.for(req.attemptId)).toHaveLength(1);
        expect(callbackErrors).toEqual([
          {
            attemptId: req.attemptId,
            eventId: `sbxevt_${req.attemptId}_succeeded`,
            url: receiver.url,
            reason: 'http_500',
          },
        ]);
      } finally {
        receiver.respondWith = 200;
      }
    });

    it('swallows an unreachable receiver and reports it', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      await adapter.createPayment(
        paymentRequest(10000),
        context(receiver, { callbackUrl: `http://127.0.0.1:${port}/x` }),
      );
      await adapter.whenCallbacksSettled();
      expect(callbackErrors).toHaveLength(1);
      expect(callbackErrors[0].reason).toContain('ECONNREFUSED');
    });

    it('gives up on a hanging receiver after the context timeout', async () => {
      const errors: SandboxCallbackFailure[] = [];
      const hanging = new SandboxGatewayAdapter({
        send: () => new Promise(() => undefined),
        onCallbackError: (f) => errors.push(f),
      });
      const started = Date.now();
      await hanging.createPayment(paymentRequest(10000), context(receiver, { timeoutMs: 100 }));
      await hanging.whenCallbacksSettled();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(errors.map((e) => e.reason)).toEqual(['timeout']);
    });

    it('survives a throwing onCallbackError hook', async () => {
      const local = new SandboxGatewayAdapter({
        send: async () => {
          throw new Error('boom');
        },
        onCallbackError: () => {
          throw new Error('observer failed');
        },
      });
      await local.createPayment(paymentRequest(10000), context(receiver));
      await expect(local.whenCallbacksSettled()).resolves.toBeUndefined();
    });
  });

  describe('drill switches', () => {
    it('mode down fails every call temporarily and reports unhealthy', async () => {
      const ctx = context(receiver, { config: { mode: 'down', callbackDelayMs: 0 } });
      const req = paymentRequest(10000);

      const created = await adapter.createPayment(req, ctx);
      expect(created).toMatchObject({ status: 'failed_retryable', errorCode: 'gateway_unavailable' });
      const status = await adapter.getPaymentStatus(
        { attemptId: req.attemptId, attemptNumber: 1, gatewayReference: null, amount: 10000, currency: 'INR' },
        ctx,
      );
      expect(status).toMatchObject({ status: 'unknown', errorCode: 'gateway_unavailable' });
      const refund = refundRequest(req.attemptId, 5000);
      expect(await adapter.refund(refund, ctx)).toMatchObject({ status: 'failed_retryable' });
      expect(await adapter.getRefundStatus({ ...refund, gatewayRefundReference: null }, ctx)).toMatchObject({
        status: 'unknown',
      });
      expect(await adapter.healthCheck(ctx)).toMatchObject({ ok: false, errorClass: 'gateway_unavailable' });

      await adapter.whenCallbacksSettled();
      expect(receiver.for(req.attemptId)).toEqual([]);
    });

    it('failureRate 1 refuses every create and refund before acceptance; 0 never does', async () => {
      const always = context(receiver, { config: { failureRate: 1, callbackDelayMs: 0 } });
      for (let i = 0; i < 5; i++) {
        const req = paymentRequest(10000);
        expect(await adapter.createPayment(req, always)).toMatchObject({
          status: 'failed_retryable',
          errorCode: 'gateway_unavailable',
        });
      }
      expect(await adapter.refund(refundRequest(newId('attempt'), 100), always)).toMatchObject({
        status: 'failed_retryable',
      });
      expect(await adapter.healthCheck(always)).toMatchObject({ ok: true });

      const never = context(receiver, { config: { failureRate: 0, callbackDelayMs: 0 } });
      for (let i = 0; i < 5; i++) {
        expect(await adapter.createPayment(paymentRequest(10000), never)).toMatchObject({ status: 'pending' });
      }
    });

    it('draws failureRate against the injected random source', async () => {
      let next = 0.3;
      const local = new SandboxGatewayAdapter({ random: () => next, send: async () => ({ status: 200 }) });
      const ctx = context(receiver, { config: { failureRate: 0.5, callbackDelayMs: 0 } });
      expect((await local.createPayment(paymentRequest(10000), ctx)).status).toBe('failed_retryable');
      next = 0.7;
      expect((await local.createPayment(paymentRequest(10000), ctx)).status).toBe('pending');
      await local.whenCallbacksSettled();
    });

    it('adds latencyMs to each call', async () => {
      const ctx = context(receiver, { config: { latencyMs: 40, callbackDelayMs: 0 } });
      const created = await adapter.createPayment(paymentRequest(10000), ctx);
      expect(created.status).toBe('pending');
      expect(created.latencyMs).toBeGreaterThanOrEqual(35);
      expect((await adapter.healthCheck(ctx)).latencyMs).toBeGreaterThanOrEqual(35);
    });

    it('a latency above the timeout ends in unknown (writes) or not ok, within the timeout', async () => {
      const ctx = context(receiver, { timeoutMs: 100, config: { latencyMs: 60_000, callbackDelayMs: 0 } });
      const req = paymentRequest(10000);

      let started = Date.now();
      const created = await adapter.createPayment(req, ctx);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(created).toMatchObject({ status: 'unknown', errorCode: 'gateway_timeout' });
      expect(created.latencyMs).toBeGreaterThanOrEqual(95);

      started = Date.now();
      const [status, refund, refundStatus, health] = await Promise.all([
        adapter.getPaymentStatus(
          { attemptId: req.attemptId, attemptNumber: 1, gatewayReference: null, amount: 10000, currency: 'INR' },
          ctx,
        ),
        adapter.refund(refundRequest(req.attemptId, 100), ctx),
        adapter.getRefundStatus({ ...refundRequest(req.attemptId, 100), gatewayRefundReference: null }, ctx),
        adapter.healthCheck(ctx),
      ]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(status).toMatchObject({ status: 'unknown', errorCode: 'gateway_timeout' });
      expect(refund).toMatchObject({ status: 'unknown', errorCode: 'gateway_timeout' });
      expect(refundStatus).toMatchObject({ status: 'unknown', errorCode: 'gateway_timeout' });
      expect(health).toMatchObject({ ok: false, errorClass: 'timeout' });

      // The timed-out create was aborted mid-flight: its status query settles it, no callback follows.
      await adapter.whenCallbacksSettled();
      expect(receiver.for(req.attemptId)).toEqual([]);
      expect(
        await adapter.getPaymentStatus(
          { attemptId: req.attemptId, attemptNumber: 1, gatewayReference: null, amount: 10000, currency: 'INR' },
          context(receiver),
        ),
      ).toMatchObject({ status: 'succeeded' });
    });

    it('validates config for the admin API', () => {
      expect(sandboxConfigProblems({})).toEqual([]);
      expect(sandboxConfigProblems({ mode: 'down', failureRate: 0.2, latencyMs: 50, callbackDelayMs: 0 })).toEqual([]);
      expect(sandboxConfigProblems({ mode: 'sideways', failureRate: 2, latencyMs: -1, colour: 'red' })).toHaveLength(4);
    });
  });

  describe('requests the sandbox rejects', () => {
    it.each([
      ['a zero amount', { amount: 0 }],
      ['a fractional amount', { amount: 10.5 }],
      ['a lower-case currency', { currency: 'inr' }],
      ['an attempt number of 0', { attemptNumber: 0 }],
      ['an unsafe attempt id', { attemptId: 'att_<script>' }],
    ])('refuses %s permanently', async (_label, override) => {
      const created = await adapter.createPayment({ ...paymentRequest(10000), ...override }, context(receiver));
      expect(created).toMatchObject({ status: 'failed_permanent', errorCode: 'invalid_request' });
    });
  });

  describe('refunds', () => {
    it('succeed synchronously, and the status query agrees', async () => {
      const ctx = context(receiver);
      const req = refundRequest(newId('attempt'), 2500);
      const refund = await adapter.refund(req, ctx);
      expect(refund).toMatchObject({ status: 'succeeded', gatewayRefundReference: `sbxrfnd_${req.refundId}` });
      expect(await adapter.getRefundStatus({ ...req, gatewayRefundReference: null }, ctx)).toMatchObject({
        status: 'succeeded',
        gatewayRefundReference: `sbxrfnd_${req.refundId}`,
      });
    });

    it('are declined when the refund amount ends in 51', async () => {
      const ctx = context(receiver);
      const req = refundRequest(newId('attempt'), 1051);
      expect(await adapter.refund(req, ctx)).toMatchObject({
        status: 'failed_permanent',
        errorCode: 'refund_declined',
      });
      expect(
        await adapter.getRefundStatus({ ...req, gatewayRefundReference: `sbxrfnd_${req.refundId}` }, ctx),
      ).toMatchObject({ status: 'failed_permanent', errorCode: 'refund_declined' });
    });

    it('accept a refund that names only the payment reference', async () => {
      const req = { ...refundRequest(newId('attempt'), 100), attemptId: '' };
      expect(await adapter.refund(req, context(receiver))).toMatchObject({ status: 'succeeded' });
      const foreign = { ...req, gatewayReference: 'pay_not_sandbox' };
      expect(await adapter.refund(foreign, context(receiver))).toMatchObject({ errorCode: 'not_found' });
    });

    it('refuse a payment reference the sandbox never issued', async () => {
      const ctx = context(receiver);
      const req = { ...refundRequest(newId('attempt'), 100), gatewayReference: 'sbx_att_someone_else' };
      expect(await adapter.refund(req, ctx)).toMatchObject({ status: 'failed_permanent', errorCode: 'not_found' });
      expect(await adapter.getRefundStatus({ ...req, gatewayRefundReference: 'sbxrfnd_other' }, ctx)).toMatchObject({
        status: 'not_found',
      });
    });
  });

  describe('webhook verification', () => {
    const ctx = (secret = SECRET) => ({ ...context(receiver), webhookSecret: secret });
    const rawBody = JSON.stringify({
      id: 'sbxevt_att_1_succeeded',
      type: 'payment.succeeded',
      attemptId: 'att_1',
      gatewayReference: 'sbx_att_1',
      amount: 100,
      currency: 'INR',
    });
    // Computed independently of the adapter's own signing code.
    const signature = () => createHmac('sha256', SECRET).update(rawBody).digest('hex');

    it('accepts the HMAC of the raw body under the webhook secret, whatever the header case', () => {
      expect(adapter.verifyWebhook({ headers: { 'x-sandbox-signature': signature() }, rawBody }, ctx())).toBe(true);
      expect(adapter.verifyWebhook({ headers: { 'X-Sandbox-Signature': signature() }, rawBody }, ctx())).toBe(true);
    });

    it.each([
      ['a missing signature', () => ({}), rawBody, SECRET],
      ['an empty signature', () => ({ 'x-sandbox-signature': '' }), rawBody, SECRET],
      ['a non-hex signature', () => ({ 'x-sandbox-signature': 'z'.repeat(64) }), rawBody, SECRET],
      ['a truncated signature', () => ({ 'x-sandbox-signature': signature().slice(0, 62) }), rawBody, SECRET],
      ['another secret', () => ({ 'x-sandbox-signature': signature() }), rawBody, 'another-secret'],
      ['an empty secret', () => ({ 'x-sandbox-signature': signature() }), rawBody, ''],
      ['a tampered body', () => ({ 'x-sandbox-signature': signature() }), rawBody.replace('100', '999'), SECRET],
      ['a re-serialised body', () => ({ 'x-sandbox-signature': signature() }), rawBody.replace(',', ', '), SECRET],
      ['two signature headers', () => ({ 'x-sandbox-signature': [signature(), 'f'.repeat(64)] }), rawBody, SECRET],
    ])('rejects %s', (_label, headers, body, secret) => {
      expect(adapter.verifyWebhook({ headers: headers(), rawBody: body }, ctx(secret))).toBe(false);
    });
  });

  describe('webhook parsing', () => {
    const valid = {
      id: 'sbxevt_att_1_failed',
      type: 'payment.failed',
      attemptId: 'att_1',
      gatewayReference: 'sbx_att_1',
      amount: 10054,
      currency: 'INR',
      errorCode: 'insufficient_funds',
    };
    const parse = (rawBody: string) => adapter.parseWebhook({ headers: {}, rawBody }, context(receiver));

    it.each([
      ['an empty body', ''],
      ['a non-JSON body', '<html>502 Bad Gateway</html>'],
      ['JSON null', 'null'],
      ['a JSON array', '[]'],
      ['an empty object', '{}'],
      ['a non-string type', JSON.stringify({ ...valid, type: 7 })],
      ['an id that does not match', JSON.stringify({ ...valid, id: 'sbxevt_att_2_failed' })],
      ['a foreign gateway reference', JSON.stringify({ ...valid, gatewayReference: 'sbx_att_2' })],
      ['a string amount', JSON.stringify({ ...valid, amount: '10054' })],
      ['a negative amount', JSON.stringify({ ...valid, amount: -1 })],
      ['a bad currency', JSON.stringify({ ...valid, currency: 'rupees' })],
      ['a failure without errorCode', JSON.stringify({ ...valid, errorCode: undefined })],
    ])('answers %s with a typed malformed error', (_label, rawBody) => {
      const parsed = parse(rawBody);
      expect(isWebhookParseFailure(parsed)).toBe(true);
      expect(parsed).toEqual({ error: 'malformed', message: expect.any(String) });
    });

    it('answers an event type it does not handle as unsupported, keeping the event id', () => {
      expect(parse(JSON.stringify({ ...valid, id: 'sbxevt_x', type: 'refund.processed' }))).toEqual({
        error: 'unsupported_event',
        message: expect.any(String),
        providerEventId: 'sbxevt_x',
      });
    });

    it('parses a failure callback', () => {
      expect(parse(JSON.stringify(valid))).toEqual({
        providerEventId: 'sbxevt_att_1_failed',
        kind: 'payment',
        attemptId: 'att_1',
        gatewayReference: 'sbx_att_1',
        status: 'failed',
        errorCode: 'insufficient_funds',
        errorMessage: expect.stringContaining('insufficient funds'),
        amount: 10054,
        currency: 'INR',
      });
    });
  });
});

function refundRequest(attemptId: string, amount: number) {
  return {
    refundId: newId('refund'),
    paymentId: newId('payment'),
    attemptId,
    gatewayReference: `sbx_${attemptId}`,
    amount,
    currency: 'INR',
  };
}
