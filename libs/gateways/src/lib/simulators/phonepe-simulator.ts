import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  phonePeCallbackXVerify,
  phonePeChecksumEquals,
  phonePeWebhookAuthorization,
  phonePeXVerify,
} from '../phonepe/phonepe-signature';
import { simulatorBaseUrl, type SimulatorListenOptions } from './simulator-listen';

/**
 * A PhonePe PG stand-in on loopback (GATEWAY_APIS.md §4) serving v1 (`/pg/v1/*`, X-VERIFY) and v2 (OAuth +
 * Standard Checkout) at once, with in-memory state. `completePayment`/`completeRefund` (or `POST
 * /__control/complete`) play the customer / PhonePe's back office and send the callback the real one would.
 */

export type PhonePePaymentOutcome = 'success' | 'failure';
export type PhonePeRefundOutcome = 'success' | 'failure';

export interface PhonePeSimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  clientVersion?: string;
  merchantId?: string;
  saltKey?: string;
  saltIndex?: string;
  webhookUsername?: string;
  webhookPassword?: string;
  /** v2 webhook URL (set in PhonePe's dashboard); for v1 it overrides the callbackUrl of each request. */
  callbackUrl?: string;
  tokenTtlSeconds?: number;
  /** Duplicate merchantOrderId/merchantRefundId answers 400 (the real behaviour is UNCONFIRMED). */
  rejectDuplicateIds?: boolean;
  /** Epoch ms. */
  now?: () => number;
  /**
   * A callback answered non-2xx (or not at all) is sent again, the same bytes and headers, this many times with a
   * short backoff (default 2). GATEWAY_APIS.md §4 asks for redelivery; PhonePe's own schedule is not published.
   */
  callbackRedeliveries?: number;
}

export interface PhonePeFault {
  latencyMs?: number;
  /** Answer this status instead of handling (429 → TOO_MANY_REQUESTS body, 5xx → INTERNAL_SERVER_ERROR body). */
  status?: number;
  /** How many matching requests the fault applies to (default 1). */
  times?: number;
  /** Handle the request (state changes happen) but never answer. */
  timeoutAfterAccept?: boolean;
  /** Handle the request (state changes happen), then drop the connection without an answer. */
  resetAfterAccept?: boolean;
  /** Answer an HTML error page (with `status`, default 502). */
  htmlBody?: boolean;
  /** Send the next callbacks twice. */
  duplicateCallback?: boolean;
  /** Delay the next callbacks. */
  lateCallbackMs?: number;
  /** Expire every token issued so far, now (the adapter's cache does not know). */
  expireTokenNow?: boolean;
  /** Only requests whose "METHOD /path" matches; the OAuth endpoint is matched only when this says so. */
  match?: RegExp;
}

export interface PhonePeDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number | 'error';
}

interface Order {
  version: 'v1' | 'v2';
  merchantOrderId: string;
  orderId: string;
  amount: number;
  state: 'PENDING' | 'COMPLETED' | 'FAILED';
  expireAt: number;
  callbackUrl?: string;
  errorCode?: string;
  detailedErrorCode?: string;
  paymentDetails: { transactionId: string; paymentMode: string; timestamp: number; amount: number; state: string }[];
  refunded: number;
}

interface Refund {
  version: 'v1' | 'v2';
  merchantRefundId: string;
  refundId: string;
  originalMerchantOrderId: string;
  amount: number;
  state: 'PENDING' | 'CONFIRMED' | 'COMPLETED' | 'FAILED';
  callbackUrl?: string;
  timestamp: number;
}

interface Reply {
  status: number;
  body: unknown;
}

const ID_V2 = /^[A-Za-z0-9_-]{1,63}$/;
const ID_V1 = /^[A-Za-z0-9_-]+$/;

export class PhonePeSimulator {
  readonly options: Required<Omit<PhonePeSimulatorOptions, 'callbackUrl'>> & { callbackUrl?: string };
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private host: string | undefined;
  /** TCP connections accepted since start: what keep-alive tests count. */
  connectionsOpened = 0;
  private readonly orders = new Map<string, Order>();
  private readonly refunds = new Map<string, Refund>();
  private readonly tokens = new Map<string, number>(); // token → expires_at (epoch s)
  private faults: (PhonePeFault & { remaining: number })[] = [];
  private callbackFaults: { duplicateCallback?: boolean; lateCallbackMs?: number } = {};
  private readonly inFlight = new Set<Promise<void>>();
  /** Every callback attempt, in order. */
  readonly deliveries: PhonePeDelivery[] = [];
  /** Requests seen, as "METHOD /path". */
  readonly requests: string[] = [];

  constructor(options: PhonePeSimulatorOptions = {}) {
    this.options = {
      clientId: options.clientId ?? 'SIM_CLIENT',
      clientSecret: options.clientSecret ?? 'sim-client-secret',
      clientVersion: options.clientVersion ?? '1',
      merchantId: options.merchantId ?? 'PGTESTPAYUAT',
      saltKey: options.saltKey ?? '099eb0cd-02cf-4e2a-8aca-3e6c6aff0399',
      saltIndex: options.saltIndex ?? '1',
      webhookUsername: options.webhookUsername ?? 'lsp_webhook',
      webhookPassword: options.webhookPassword ?? 'hook1234pass',
      callbackUrl: options.callbackUrl,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      rejectDuplicateIds: options.rejectDuplicateIds ?? true,
      now: options.now ?? Date.now,
      callbackRedeliveries: options.callbackRedeliveries ?? 2,
    };
  }

  async start(listen: SimulatorListenOptions = {}): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    server.on('connection', (socket) => {
      this.connectionsOpened += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.host = listen.host;
    return this.baseUrl;
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('PhonePeSimulator is not started');
    return simulatorBaseUrl(this.server, this.host);
  }

  async stop(): Promise<void> {
    await this.callbacksSettled();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setCallbackUrl(url: string): void {
    this.options.callbackUrl = url;
  }

  inject(fault: PhonePeFault): void {
    if (fault.expireTokenNow) {
      const now = this.nowSec();
      for (const token of this.tokens.keys()) this.tokens.set(token, now - 1);
    }
    if (fault.duplicateCallback !== undefined || fault.lateCallbackMs !== undefined) {
      this.callbackFaults = { duplicateCallback: fault.duplicateCallback, lateCallbackMs: fault.lateCallbackMs };
    }
    if (
      fault.latencyMs !== undefined ||
      fault.status !== undefined ||
      fault.timeoutAfterAccept ||
      fault.resetAfterAccept ||
      fault.htmlBody
    ) {
      this.faults.push({ ...fault, remaining: fault.times ?? 1 });
    }
  }

  clearFaults(): void {
    this.faults = [];
    this.callbackFaults = {};
  }

  async callbacksSettled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Token requests served (successful or not). */
  get tokenRequests(): number {
    return this.requests.filter((r) => r === 'POST /v1/oauth/token').length;
  }

  orderState(merchantOrderId: string): Order['state'] | undefined {
    return this.orders.get(merchantOrderId)?.state;
  }

  /** Plays the customer finishing checkout, then sends the terminal callback; resolves once it is delivered. */
  async completePayment(merchantOrderId: string, outcome: PhonePePaymentOutcome): Promise<void> {
    const order = this.orders.get(merchantOrderId);
    if (!order) throw new Error(`PhonePeSimulator: no order ${merchantOrderId}`);
    if (order.state !== 'PENDING') throw new Error(`PhonePeSimulator: order ${merchantOrderId} is ${order.state}`);
    const state = outcome === 'success' ? 'COMPLETED' : 'FAILED';
    order.state = state;
    if (state === 'FAILED') {
      order.errorCode = 'INSUFFICIENT_BALANCE';
      order.detailedErrorCode = 'Z9';
    }
    order.paymentDetails.push({
      transactionId: `OM${randomBytes(8).toString('hex').toUpperCase()}`,
      paymentMode: 'UPI_QR',
      timestamp: this.options.now(),
      amount: order.amount,
      state,
    });
    await this.deliver(order.version === 'v1' ? this.v1Callback(order) : this.v2PaymentWebhook(order));
  }

  /** PhonePe settling a refund: PENDING → CONFIRMED → COMPLETED/FAILED, then the callback. */
  async completeRefund(merchantRefundId: string, outcome: PhonePeRefundOutcome): Promise<void> {
    const refund = this.refunds.get(merchantRefundId);
    if (!refund) throw new Error(`PhonePeSimulator: no refund ${merchantRefundId}`);
    refund.state = 'CONFIRMED';
    refund.state = outcome === 'success' ? 'COMPLETED' : 'FAILED';
    if (refund.state === 'FAILED') {
      const order = this.orders.get(refund.originalMerchantOrderId);
      if (order) order.refunded -= refund.amount;
    }
    await this.deliver(refund.version === 'v1' ? this.v1RefundCallback(refund) : this.v2RefundWebhook(refund));
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    const request = `${method} ${url.pathname}`;
    this.requests.push(request);
    const fault = this.takeFault(request);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.htmlBody) {
      res.writeHead(fault.status ?? 502, { 'Content-Type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    if (fault?.status) {
      return send(res, faultReply(fault.status));
    }
    let reply: Reply;
    try {
      reply = this.route(method, url, req, body);
    } catch {
      reply = fail(400, 'BAD_REQUEST', 'Invalid request');
    }
    if (fault?.timeoutAfterAccept) return; // handled, never answered
    if (fault?.resetAfterAccept) {
      req.socket.destroy();
      return;
    }
    send(res, reply);
  }

  private takeFault(request: string): PhonePeFault | undefined {
    const isToken = request === 'POST /v1/oauth/token';
    const fault = this.faults.find((f) => f.remaining > 0 && (f.match ? f.match.test(request) : !isToken));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  private route(method: string, url: URL, req: IncomingMessage, body: string): Reply {
    const path = url.pathname;
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/oauth/token') return this.token(body);
    if (method === 'POST' && path === '/__control/complete') return this.control(body);
    if (path.startsWith('/pg/v1/')) {
      if (method === 'POST' && path === '/pg/v1/pay') return this.v1Pay(req, body);
      if (method === 'POST' && path === '/pg/v1/refund') return this.v1Refund(req, body);
      if (method === 'GET' && (m = path.match(/^\/pg\/v1\/status\/([^/]+)\/([^/]+)$/))) {
        return this.v1Status(req, path, decodeURIComponent(m[1]), decodeURIComponent(m[2]));
      }
      return fail(404, 'NOT_FOUND', 'No such endpoint');
    }
    if (!this.authorised(req)) return fail(401, 'UNAUTHORIZED', 'Unauthorized');
    const json = parseJson(body);
    if (method === 'POST' && path === '/checkout/v2/pay') return this.v2Pay(json);
    if (method === 'GET' && (m = path.match(/^\/checkout\/v2\/order\/([^/]+)\/status$/))) {
      const order = this.orders.get(decodeURIComponent(m[1]));
      return order ? { status: 200, body: this.v2Order(order) } : orderNotFound();
    }
    if (method === 'POST' && path === '/payments/v2/refund') return this.v2Refund(json);
    if (method === 'GET' && (m = path.match(/^\/payments\/v2\/refund\/([^/]+)\/status$/))) {
      const refund = this.refunds.get(decodeURIComponent(m[1]));
      return refund ? { status: 200, body: this.v2RefundBody(refund) } : fail(400, 'REFUND_NOT_FOUND', 'No refund');
    }
    return fail(404, 'NOT_FOUND', 'No such endpoint');
  }

  private nowSec(): number {
    return Math.floor(this.options.now() / 1000);
  }

  private token(body: string): Reply {
    const form = new URLSearchParams(body);
    const o = this.options;
    if (
      form.get('grant_type') !== 'client_credentials' ||
      form.get('client_id') !== o.clientId ||
      form.get('client_secret') !== o.clientSecret ||
      form.get('client_version') !== o.clientVersion
    ) {
      return fail(401, 'AUTHORIZATION_FAILED', 'Client credentials are invalid');
    }
    const token = randomBytes(24).toString('hex');
    const issuedAt = this.nowSec();
    const expiresAt = issuedAt + o.tokenTtlSeconds;
    this.tokens.set(token, expiresAt);
    return {
      status: 200,
      body: {
        access_token: token,
        encrypted_access_token: token,
        refresh_token: randomBytes(8).toString('hex'),
        expires_in: o.tokenTtlSeconds,
        issued_at: issuedAt,
        expires_at: expiresAt,
        session_expires_at: expiresAt,
        token_type: 'O-Bearer',
      },
    };
  }

  private authorised(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (!header?.startsWith('O-Bearer ')) return false;
    const expiresAt = this.tokens.get(header.slice('O-Bearer '.length));
    return expiresAt !== undefined && this.nowSec() < expiresAt;
  }

  private control(body: string): Reply {
    const json = parseJson(body) as { merchantOrderId?: unknown; outcome?: unknown } | undefined;
    const id = json?.merchantOrderId;
    const outcome = json?.outcome;
    if (typeof id !== 'string' || (outcome !== 'success' && outcome !== 'failure')) {
      return fail(400, 'BAD_REQUEST', 'merchantOrderId and outcome (success|failure) required');
    }
    if (this.orders.get(id)?.state !== 'PENDING') return fail(400, 'BAD_REQUEST', 'No pending order');
    void this.completePayment(id, outcome);
    return { status: 200, body: { ok: true } };
  }

  private amountProblem(amount: unknown): string | undefined {
    if (typeof amount !== 'number' || !Number.isInteger(amount)) return 'amount must be an integer (paise)';
    if (amount < 100) return 'amount must be at least 100 paise';
    return undefined;
  }

  private v2Pay(json: unknown): Reply {
    const b = (json ?? {}) as Record<string, unknown>;
    const id = b['merchantOrderId'];
    if (typeof id !== 'string' || !ID_V2.test(id)) return fail(400, 'BAD_REQUEST', 'merchantOrderId is invalid');
    const problem = this.amountProblem(b['amount']);
    if (problem) return fail(400, 'BAD_REQUEST', problem);
    const flow = b['paymentFlow'] as { type?: unknown; merchantUrls?: { redirectUrl?: unknown } } | undefined;
    if (flow?.type !== 'PG_CHECKOUT' || typeof flow.merchantUrls?.redirectUrl !== 'string') {
      return fail(400, 'BAD_REQUEST', 'paymentFlow.merchantUrls.redirectUrl is required');
    }
    if (this.orders.has(id) && this.options.rejectDuplicateIds) {
      return fail(400, 'BAD_REQUEST', 'Duplicate merchantOrderId');
    }
    const order = this.newOrder('v2', id, b['amount'] as number);
    return {
      status: 200,
      body: {
        orderId: order.orderId,
        state: order.state,
        expireAt: order.expireAt,
        redirectUrl: this.checkoutUrl(order),
      },
    };
  }

  private newOrder(version: 'v1' | 'v2', merchantOrderId: string, amount: number, callbackUrl?: string): Order {
    const order: Order = {
      version,
      merchantOrderId,
      orderId: `OMO${randomBytes(8).toString('hex').toUpperCase()}`,
      amount,
      state: 'PENDING',
      expireAt: this.options.now() + 20 * 60_000,
      callbackUrl,
      paymentDetails: [],
      refunded: 0,
    };
    this.orders.set(merchantOrderId, order);
    return order;
  }

  private checkoutUrl(order: Order): string {
    return `${this.baseUrl}/checkout/pay/${encodeURIComponent(order.orderId)}`;
  }

  private v2Order(order: Order): Record<string, unknown> {
    return {
      merchantOrderId: order.merchantOrderId,
      merchantId: this.options.merchantId,
      orderId: order.orderId,
      state: order.state,
      amount: order.amount,
      expireAt: order.expireAt,
      ...(order.errorCode ? { errorCode: order.errorCode, detailedErrorCode: order.detailedErrorCode } : {}),
      paymentDetails: order.paymentDetails,
    };
  }

  private refundProblem(originalId: unknown, refundId: unknown, amount: unknown, v1: boolean): Reply | undefined {
    if (typeof refundId !== 'string' || !(v1 ? ID_V1.test(refundId) && refundId.length < 35 : ID_V2.test(refundId))) {
      return fail(400, 'BAD_REQUEST', 'refund id is invalid');
    }
    const problem = this.amountProblem(amount);
    if (problem) return fail(400, 'BAD_REQUEST', problem);
    const order = typeof originalId === 'string' ? this.orders.get(originalId) : undefined;
    if (!order) return v1 ? fail(400, 'TRANSACTION_NOT_FOUND', 'No transaction') : orderNotFound();
    if (order.state !== 'COMPLETED') return fail(400, 'BAD_REQUEST', 'Refund allowed only on a COMPLETED order');
    if (this.refunds.has(refundId) && this.options.rejectDuplicateIds) {
      return fail(400, 'BAD_REQUEST', 'Duplicate merchantRefundId');
    }
    if (order.refunded + (amount as number) > order.amount) {
      return fail(400, 'BAD_REQUEST', 'Refund amount exceeds the order amount');
    }
    return undefined;
  }

  private newRefund(version: 'v1' | 'v2', id: string, original: string, amount: number, cb?: string): Refund {
    const refund: Refund = {
      version,
      merchantRefundId: id,
      refundId: `OMR${randomBytes(8).toString('hex').toUpperCase()}`,
      originalMerchantOrderId: original,
      amount,
      state: 'PENDING',
      callbackUrl: cb,
      timestamp: this.options.now(),
    };
    this.refunds.set(id, refund);
    const order = this.orders.get(original);
    if (order) order.refunded += amount;
    return refund;
  }

  private v2Refund(json: unknown): Reply {
    const b = (json ?? {}) as Record<string, unknown>;
    const invalid = this.refundProblem(b['originalMerchantOrderId'], b['merchantRefundId'], b['amount'], false);
    if (invalid) return invalid;
    const refund = this.newRefund(
      'v2',
      b['merchantRefundId'] as string,
      b['originalMerchantOrderId'] as string,
      b['amount'] as number,
    );
    return { status: 200, body: { refundId: refund.refundId, amount: refund.amount, state: refund.state } };
  }

  private v2RefundBody(refund: Refund): Record<string, unknown> {
    return {
      merchantId: this.options.merchantId,
      merchantRefundId: refund.merchantRefundId,
      originalMerchantOrderId: refund.originalMerchantOrderId,
      amount: refund.amount,
      state: refund.state,
      timestamp: refund.timestamp,
      refundId: refund.refundId,
      paymentDetails: [],
    };
  }

  // ---- v1 ----

  private v1Decode(req: IncomingMessage, body: string, path: string): Record<string, unknown> | Reply {
    const request = (parseJson(body) as { request?: unknown } | undefined)?.request;
    if (typeof request !== 'string') return fail(400, 'BAD_REQUEST', 'request is required');
    const expected = phonePeXVerify(request, path, this.options.saltKey, this.options.saltIndex);
    const header = req.headers['x-verify'];
    if (typeof header !== 'string' || !phonePeChecksumEquals(expected, header)) {
      return fail(401, 'AUTHORIZATION_FAILED', 'X-VERIFY header is invalid');
    }
    const payload = parseJson(Buffer.from(request, 'base64').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return fail(400, 'BAD_REQUEST', 'payload is not JSON');
    const p = payload as Record<string, unknown>;
    if (p['merchantId'] !== this.options.merchantId)
      return fail(400, 'KEY_NOT_CONFIGURED', 'Key not found for the merchant');
    return p;
  }

  private v1Pay(req: IncomingMessage, body: string): Reply {
    const p = this.v1Decode(req, body, '/pg/v1/pay');
    if (isReply(p)) return p;
    const id = p['merchantTransactionId'];
    const user = p['merchantUserId'];
    if (typeof id !== 'string' || id.length >= 35 || !ID_V1.test(id)) {
      return fail(400, 'BAD_REQUEST', 'merchantTransactionId is invalid');
    }
    if (typeof user !== 'string' || user.length >= 36 || !ID_V1.test(user)) {
      return fail(400, 'BAD_REQUEST', 'merchantUserId is invalid');
    }
    const problem = this.amountProblem(p['amount']);
    if (problem) return fail(400, 'BAD_REQUEST', problem);
    if ((p['paymentInstrument'] as { type?: unknown } | undefined)?.type !== 'PAY_PAGE') {
      return fail(400, 'BAD_REQUEST', 'paymentInstrument.type must be PAY_PAGE');
    }
    if (this.orders.has(id) && this.options.rejectDuplicateIds)
      return fail(400, 'BAD_REQUEST', 'Duplicate transaction');
    const cb = typeof p['callbackUrl'] === 'string' ? p['callbackUrl'] : undefined;
    const order = this.newOrder('v1', id, p['amount'] as number, cb);
    return {
      status: 200,
      body: {
        success: true,
        code: 'PAYMENT_INITIATED',
        message: 'Payment initiated',
        data: {
          merchantId: this.options.merchantId,
          merchantTransactionId: id,
          instrumentResponse: { type: 'PAY_PAGE', redirectInfo: { url: this.checkoutUrl(order), method: 'GET' } },
        },
      },
    };
  }

  private v1Refund(req: IncomingMessage, body: string): Reply {
    const p = this.v1Decode(req, body, '/pg/v1/refund');
    if (isReply(p)) return p;
    const invalid = this.refundProblem(p['originalTransactionId'], p['merchantTransactionId'], p['amount'], true);
    if (invalid) return invalid;
    const cb = typeof p['callbackUrl'] === 'string' ? p['callbackUrl'] : undefined;
    const refund = this.newRefund(
      'v1',
      p['merchantTransactionId'] as string,
      p['originalTransactionId'] as string,
      p['amount'] as number,
      cb,
    );
    return { status: 200, body: this.v1RefundBody(refund) };
  }

  private v1Status(req: IncomingMessage, path: string, merchantId: string, id: string): Reply {
    const expected = phonePeXVerify('', path, this.options.saltKey, this.options.saltIndex);
    const header = req.headers['x-verify'];
    if (typeof header !== 'string' || !phonePeChecksumEquals(expected, header)) {
      return fail(401, 'AUTHORIZATION_FAILED', 'X-VERIFY header is invalid');
    }
    if (req.headers['x-merchant-id'] !== merchantId || merchantId !== this.options.merchantId) {
      return fail(400, 'KEY_NOT_CONFIGURED', 'Key not found for the merchant');
    }
    const order = this.orders.get(id);
    if (order) return { status: 200, body: this.v1PaymentBody(order) };
    const refund = this.refunds.get(id);
    if (refund) return { status: 200, body: this.v1RefundBody(refund) };
    return fail(404, 'TRANSACTION_NOT_FOUND', 'No transaction found');
  }

  private v1PaymentBody(order: Order): Record<string, unknown> {
    const code =
      order.state === 'COMPLETED' ? 'PAYMENT_SUCCESS' : order.state === 'FAILED' ? 'PAYMENT_ERROR' : 'PAYMENT_PENDING';
    const last = order.paymentDetails[order.paymentDetails.length - 1];
    return {
      success: order.state === 'COMPLETED',
      code,
      message: code,
      data: {
        merchantId: this.options.merchantId,
        merchantTransactionId: order.merchantOrderId,
        transactionId: last?.transactionId ?? null,
        amount: order.amount,
        state: order.state,
        responseCode: order.state === 'FAILED' ? (order.detailedErrorCode ?? 'PAYMENT_ERROR') : 'SUCCESS',
        paymentInstrument: last ? { type: 'UPI' } : null,
      },
    };
  }

  private v1RefundBody(refund: Refund): Record<string, unknown> {
    const state = refund.state === 'CONFIRMED' ? 'PENDING' : refund.state;
    const code = state === 'COMPLETED' ? 'PAYMENT_SUCCESS' : state === 'FAILED' ? 'PAYMENT_ERROR' : 'PAYMENT_PENDING';
    return {
      success: state !== 'FAILED',
      code,
      message: code,
      data: {
        merchantId: this.options.merchantId,
        merchantTransactionId: refund.merchantRefundId,
        transactionId: refund.refundId,
        amount: refund.amount,
        state,
        responseCode: state === 'FAILED' ? 'REFUND_FAILED' : 'SUCCESS',
      },
    };
  }

  // ---- callbacks ----

  private v1Callback(order: Order): PhonePeDelivery {
    return this.v1Signed(this.options.callbackUrl ?? order.callbackUrl, this.v1PaymentBody(order));
  }

  private v1RefundCallback(refund: Refund): PhonePeDelivery {
    return this.v1Signed(this.options.callbackUrl ?? refund.callbackUrl, this.v1RefundBody(refund));
  }

  private v1Signed(url: string | undefined, response: unknown): PhonePeDelivery {
    const base64 = Buffer.from(JSON.stringify(response), 'utf8').toString('base64');
    return {
      url: url ?? '',
      headers: {
        'Content-Type': 'application/json',
        'X-VERIFY': phonePeCallbackXVerify(base64, this.options.saltKey, this.options.saltIndex),
      },
      body: JSON.stringify({ response: base64 }),
      status: 'error',
    };
  }

  private v2Webhook(event: string, payload: unknown): PhonePeDelivery {
    return {
      url: this.options.callbackUrl ?? '',
      headers: {
        'Content-Type': 'application/json',
        Authorization: phonePeWebhookAuthorization(this.options.webhookUsername, this.options.webhookPassword),
      },
      body: JSON.stringify({ event, type: event.toUpperCase().replace(/\./g, '_'), payload }),
      status: 'error',
    };
  }

  private v2PaymentWebhook(order: Order): PhonePeDelivery {
    const event = order.state === 'COMPLETED' ? 'checkout.order.completed' : 'checkout.order.failed';
    return this.v2Webhook(event, this.v2Order(order));
  }

  private v2RefundWebhook(refund: Refund): PhonePeDelivery {
    const event = refund.state === 'COMPLETED' ? 'pg.refund.completed' : 'pg.refund.failed';
    return this.v2Webhook(event, this.v2RefundBody(refund));
  }

  /** At-least-once: optionally late and/or twice (identical bytes). Never throws. */
  private deliver(delivery: PhonePeDelivery): Promise<void> {
    const faults = this.callbackFaults;
    this.callbackFaults = {};
    const copies = faults.duplicateCallback ? 2 : 1;
    const run = (async () => {
      if (faults.lateCallbackMs) await sleep(faults.lateCallbackMs);
      for (let i = 0; i < copies; i += 1) {
        // At least once: the same bytes until a 2xx or the redeliveries run out.
        for (let attempt = 0; attempt <= this.options.callbackRedeliveries; attempt += 1) {
          const record = { ...delivery };
          this.deliveries.push(record);
          if (!record.url) break;
          try {
            const res = await fetch(record.url, {
              method: 'POST',
              headers: record.headers,
              body: record.body,
              signal: AbortSignal.timeout(5000),
            });
            await res.text();
            record.status = res.status;
          } catch {
            record.status = 'error';
          }
          if (typeof record.status === 'number' && record.status >= 200 && record.status < 300) break;
          if (attempt < this.options.callbackRedeliveries) await sleep(20 * 2 ** attempt);
        }
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }
}

function fail(status: number, code: string, message: string): Reply {
  return { status, body: { success: false, code, message, data: {} } };
}

function faultReply(status: number): Reply {
  if (status === 429) return fail(429, 'TOO_MANY_REQUESTS', 'Too many requests. Please try again.');
  if (status === 401) return fail(401, 'UNAUTHORIZED', 'Unauthorized');
  if (status >= 500) return fail(status, 'INTERNAL_SERVER_ERROR', 'Something went wrong');
  return fail(status, 'BAD_REQUEST', 'Bad request');
}

function orderNotFound(): Reply {
  return fail(400, 'MERCHANT_ORDER_MAPPING_NOT_FOUND', 'No entry found for Merchant');
}

function isReply(value: unknown): value is Reply {
  return (
    typeof value === 'object' && value !== null && 'status' in value && 'body' in value && !('merchantId' in value)
  );
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}
