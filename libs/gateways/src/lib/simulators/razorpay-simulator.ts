import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hmacSha256Hex } from '../webhook-signature';
import { simulatorBaseUrl, type SimulatorListenOptions } from './simulator-listen';

/**
 * A local stand-in for api.razorpay.com (GATEWAY_APIS.md §1 and §4), for contract and end-to-end tests. A real
 * HTTP server on loopback; all state is in memory and dies with it.
 *
 * Served: `POST /v1/orders`, `GET /v1/orders[?receipt=]`, `GET /v1/orders/:id`, `GET /v1/orders/:id/payments`,
 * `GET /v1/payments/:id`, `POST /v1/payments/:id/capture`, `POST /v1/payments/:id/refund` (with
 * `X-Refund-Idempotency`), `GET /v1/payments/:id/refunds`, `GET /v1/refunds/:id`.
 *
 * Test hooks (the browser's part, which has no API): `completePayment` (or `POST /__control/complete`) plays the
 * customer finishing Checkout, `settleRefund` moves a pending refund on, `inject` queues faults for the next
 * requests.
 */

export interface RazorpaySimulatorOptions {
  keyId?: string;
  keySecret?: string;
  webhookSecret?: string;
  /** Where signed webhooks are POSTed; none are sent without it. */
  webhookUrl?: string;
  /** What a new refund does after it is created `pending`: settle at once (default `processed`) or wait for `settleRefund`. */
  refundOutcome?: 'processed' | 'failed' | 'manual';
  /** Non-2xx webhook answers are redelivered this many times (real Razorpay: for 24 h with backoff). */
  webhookRedeliveries?: number;
}

export interface RazorpayFault {
  /** Delay before the request is handled. */
  latencyMs?: number;
  /** Answer with this status and Razorpay's error body instead of handling the request. */
  status?: 429 | 500 | 502 | 503 | 504;
  /** Handle the request (state changes happen) and then never answer: "accepted, answer lost". */
  timeoutAfterAccept?: boolean;
  /** Answer with an HTML error page (status `status` or 502) instead of handling the request. */
  htmlBody?: boolean;
  /** Drop the connection without an answer, after handling the request. */
  resetAfterAccept?: boolean;
  /** Only requests whose `METHOD /path` matches (default: every request). */
  match?: RegExp;
  /** How many matching requests the fault applies to (default 1). */
  times?: number;
  /** Webhook faults, applied to the next `completePayment`/refund settlement: send each event twice. */
  duplicateWebhook?: boolean;
  /** Webhook faults: delay each delivery. */
  lateWebhookMs?: number;
  /**
   * Webhook faults, for the next customer completion or late authorisation only: its events are sent newest first,
   * one after the other (`order.paid`, `payment.captured`, then `payment.authorized`), as §1.7 allows.
   */
  outOfOrderWebhooks?: boolean;
}

export type RazorpayCheckoutOutcome =
  | 'captured'
  | 'authorized'
  | { failed: { errorCode?: string; errorReason?: string; errorDescription?: string } }
  | 'failed';

export interface SimulatedOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  offer_id: null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: Record<string, string> | [];
  created_at: number;
}

export interface SimulatedPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string;
  invoice_id: null;
  international: boolean;
  method: string;
  amount_refunded: number;
  refund_status: null | 'partial' | 'full';
  captured: boolean;
  description: string | null;
  email: string;
  contact: string;
  notes: Record<string, string> | [];
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  created_at: number;
}

export interface SimulatedRefund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  notes: Record<string, string> | [];
  receipt: string | null;
  acquirer_data: { arn: string | null };
  created_at: number;
  batch_id: null;
  status: 'pending' | 'processed' | 'failed';
  speed_requested: string;
  speed_processed: string;
}

export interface DeliveredWebhook {
  eventId: string;
  event: string;
  rawBody: string;
  status: number | 'network_error';
}

interface Reply {
  status: number;
  body: unknown;
}

interface IdempotencyRecord {
  fingerprint: string;
  refundId: string | null;
}

const ORDER_FIELDS = new Set([
  'amount',
  'currency',
  'receipt',
  'notes',
  'partial_payment',
  'payment',
  'first_payment_min_amount',
]);
const REFUND_FIELDS = new Set(['amount', 'speed', 'notes', 'receipt']);

export class RazorpaySimulator {
  readonly keyId: string;
  readonly keySecret: string;
  readonly webhookSecret: string;
  webhookUrl: string | undefined;
  refundOutcome: 'processed' | 'failed' | 'manual';
  readonly orders = new Map<string, SimulatedOrder>();
  readonly payments = new Map<string, SimulatedPayment>();
  readonly refunds = new Map<string, SimulatedRefund>();
  readonly webhooks: DeliveredWebhook[] = [];
  /** Every request as received: `METHOD /path`. */
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[] = [];

  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private faults: (RazorpayFault & { remaining: number })[] = [];
  private webhookFaults: Pick<RazorpayFault, 'duplicateWebhook' | 'lateWebhookMs'> = {};
  private outOfOrderNext = false;
  /** While set, emitted events wait here to be sent in reverse (see `outOfOrderWebhooks`). */
  private held: (() => Promise<void>)[] | undefined;
  private readonly webhookRedeliveries: number;
  private readonly sockets = new Set<Socket>();
  private host: string | undefined;
  /** TCP connections accepted since start: what keep-alive tests count. */
  connectionsOpened = 0;
  private readonly deliveries = new Set<Promise<void>>();
  private server: Server | undefined;

  constructor(options: RazorpaySimulatorOptions = {}) {
    this.keyId = options.keyId ?? 'rzp_test_simulator0001';
    this.keySecret = options.keySecret ?? 'sim_secret_0123456789abcd';
    this.webhookSecret = options.webhookSecret ?? 'sim_webhook_secret';
    this.webhookUrl = options.webhookUrl;
    this.refundOutcome = options.refundOutcome ?? 'processed';
    this.webhookRedeliveries = options.webhookRedeliveries ?? 2;
  }

  /** Listens (default: 127.0.0.1, a free port); resolves with the base URL to configure as `config.baseUrl`. */
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
    if (!this.server) throw new Error('RazorpaySimulator is not started');
    return simulatorBaseUrl(this.server, this.host);
  }

  async stop(): Promise<void> {
    await this.webhooksSettled();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues a fault for the next matching requests (and webhook faults for the next deliveries). */
  inject(fault: RazorpayFault): void {
    if (fault.duplicateWebhook !== undefined || fault.lateWebhookMs !== undefined) {
      this.webhookFaults = { duplicateWebhook: fault.duplicateWebhook, lateWebhookMs: fault.lateWebhookMs };
    }
    if (fault.outOfOrderWebhooks) this.outOfOrderNext = true;
    const requestFault =
      fault.latencyMs !== undefined ||
      fault.status !== undefined ||
      fault.timeoutAfterAccept ||
      fault.htmlBody ||
      fault.resetAfterAccept;
    if (requestFault) this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
    this.webhookFaults = {};
    this.outOfOrderNext = false;
  }

  /** Resolves when every webhook delivery started so far has finished (including redeliveries). */
  async webhooksSettled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  /**
   * Plays the customer finishing Checkout on `orderId`: creates a payment (`created`), then authorises and
   * (auto-)captures it, only authorises it, or fails it; moves the order on and sends the webhooks Razorpay
   * would. Returns what Checkout hands the browser, including the checkout signature.
   */
  completePayment(
    orderId: string,
    outcome: RazorpayCheckoutOutcome = 'captured',
  ): { razorpay_payment_id: string; razorpay_order_id: string; razorpay_signature: string } {
    return this.oneGo(() => this.complete(orderId, outcome));
  }

  private complete(
    orderId: string,
    outcome: RazorpayCheckoutOutcome,
  ): { razorpay_payment_id: string; razorpay_order_id: string; razorpay_signature: string } {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`No order ${orderId}`);
    if (order.status === 'paid') throw new Error(`Order ${orderId} is already paid`);
    const inFlight = [...this.payments.values()].some((p) => p.order_id === orderId && p.status === 'authorized');
    if (inFlight) throw new Error(`Order ${orderId} has an authorized payment; no new payment is accepted`);
    const payment: SimulatedPayment = {
      id: newRazorpayId('pay'),
      entity: 'payment',
      amount: order.amount,
      currency: order.currency,
      status: 'created',
      order_id: order.id,
      invoice_id: null,
      international: false,
      method: 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured: false,
      description: null,
      email: 'customer@example.com',
      contact: '+919999999999',
      notes: [],
      fee: null,
      tax: null,
      error_code: null,
      error_description: null,
      error_source: null,
      error_step: null,
      error_reason: null,
      created_at: nowSeconds(),
    };
    this.payments.set(payment.id, payment);
    order.attempts += 1;
    order.status = 'attempted';

    if (outcome === 'failed' || typeof outcome === 'object') {
      const detail = typeof outcome === 'object' ? outcome.failed : {};
      Object.assign(payment, {
        status: 'failed',
        error_code: detail.errorCode ?? 'BAD_REQUEST_ERROR',
        error_description: detail.errorDescription ?? 'Payment processing cancelled by user',
        error_source: 'customer',
        error_step: 'payment_authentication',
        error_reason: detail.errorReason ?? 'payment_cancelled',
      });
      this.emit('payment.failed', { payment: snapshot(payment) });
    } else {
      payment.status = 'authorized';
      this.emit('payment.authorized', { payment: snapshot(payment) });
      if (outcome === 'captured') this.capture(payment);
    }
    return {
      razorpay_payment_id: payment.id,
      razorpay_order_id: order.id,
      razorpay_signature: hmacSha256Hex(`${order.id}|${payment.id}`, this.keySecret),
    };
  }

  /** The bank confirms a failed payment later (§1.4 `failed` → `authorized`); auto-capture follows. */
  lateAuthorize(paymentId: string): void {
    const payment = this.payments.get(paymentId);
    if (!payment || payment.status !== 'failed') throw new Error(`Payment ${paymentId} is not failed`);
    this.oneGo(() => {
      payment.status = 'authorized';
      this.emit('payment.authorized', { payment: snapshot(payment) });
      this.capture(payment);
    });
  }

  /** Runs one customer-visible step; with `outOfOrderWebhooks` pending, sends its events newest first, in turn. */
  private oneGo<T>(step: () => T): T {
    if (!this.outOfOrderNext) return step();
    this.outOfOrderNext = false;
    const held: (() => Promise<void>)[] = [];
    this.held = held;
    try {
      return step();
    } finally {
      this.held = undefined;
      this.track(
        (async () => {
          for (const send of held.reverse()) await send();
        })(),
      );
    }
  }

  private track(delivery: Promise<void>): void {
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  /** Moves a pending refund to its final state and sends the matching webhook. */
  settleRefund(refundId: string, outcome: 'processed' | 'failed'): void {
    const refund = this.refunds.get(refundId);
    if (!refund || refund.status !== 'pending') throw new Error(`Refund ${refundId} is not pending`);
    const payment = this.payments.get(refund.payment_id);
    if (!payment) throw new Error(`Refund ${refundId} has no payment`);
    refund.status = outcome;
    if (outcome === 'failed') {
      // The money goes back to the payment's refundable balance.
      payment.amount_refunded -= refund.amount;
      payment.refund_status = payment.amount_refunded === 0 ? null : 'partial';
      if (payment.status === 'refunded') payment.status = 'captured';
    } else {
      refund.acquirer_data = { arn: `ARN${randomBytes(6).toString('hex')}` };
    }
    this.emit(`refund.${outcome}`, { refund: snapshot(refund), payment: snapshot(payment) });
  }

  private capture(payment: SimulatedPayment): void {
    const order = this.orders.get(payment.order_id);
    if (!order) return;
    payment.status = 'captured';
    payment.captured = true;
    payment.fee = Math.round(payment.amount * 0.02);
    payment.tax = Math.round((payment.fee ?? 0) * 0.18);
    order.status = 'paid';
    order.amount_paid = payment.amount;
    order.amount_due = 0;
    this.emit('payment.captured', { payment: snapshot(payment) });
    this.emit('order.paid', { payment: snapshot(payment), order: snapshot(order) });
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname + url.search, headers: req.headers, body });

    const fault = this.takeFault(`${method} ${url.pathname}`);
    const latencyMs = fault?.latencyMs ?? 0;
    const isRefund = method === 'POST' && /^\/v1\/payments\/[^/]+\/refund$/.test(url.pathname);
    // A refund's latency falls between recording its idempotency key and creating it, so that a replay sent
    // meanwhile meets the documented "still in progress" 409; any other request is delayed before handling.
    if (latencyMs > 0 && !isRefund) await sleep(latencyMs);
    if (fault?.htmlBody) {
      res.writeHead(fault.status ?? 502, { 'Content-Type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    if (fault?.status) {
      const reply = fault.status === 429 ? tooManyRequests() : serverError(fault.status);
      return send(res, reply);
    }

    const reply = await this.route(method, url, req, body, isRefund ? latencyMs : 0);
    if (fault?.timeoutAfterAccept) return; // handled, never answered; the socket dies with stop() or the client
    if (fault?.resetAfterAccept) {
      req.socket.destroy();
      return;
    }
    send(res, reply);
  }

  private takeFault(request: string): RazorpayFault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.match || f.match.test(request)));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  private async route(method: string, url: URL, req: IncomingMessage, rawBody: string, holdMs: number): Promise<Reply> {
    if (method === 'POST' && url.pathname === '/__control/complete') return this.control(rawBody);
    if (!this.authorised(req.headers.authorization)) {
      return error(401, 'The api key provided is invalid');
    }
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'v1') return error(404, 'The requested URL was not found on the server.');
    let body: Record<string, unknown> = {};
    if (method === 'POST' && rawBody.length > 0) {
      try {
        const parsed = JSON.parse(rawBody) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          return error(400, 'The request body is invalid');
        body = parsed as Record<string, unknown>;
      } catch {
        return error(400, 'The request body is invalid');
      }
    }
    const [, resource, id, sub] = parts;
    const key = `${method} ${resource ?? ''}${id ? '/:id' : ''}${sub ? `/${sub}` : ''}`;
    switch (key) {
      case 'POST orders':
        return this.createOrder(body);
      case 'GET orders':
        return this.listOrders(url);
      case 'GET orders/:id':
        return this.withOrder(id, (order) => ({ status: 200, body: order }));
      case 'GET orders/:id/payments':
        return this.withOrder(id, (order) => ({
          status: 200,
          body: collection([...this.payments.values()].filter((p) => p.order_id === order.id)),
        }));
      case 'GET payments/:id':
        return this.withPayment(id, (payment) => ({ status: 200, body: payment }));
      case 'POST payments/:id/capture':
        return this.withPayment(id, (payment) => this.captureCall(payment, body));
      case 'POST payments/:id/refund':
        return this.withPaymentAsync(id, (payment) =>
          this.refundCall(payment, body, rawBody, req.headers['x-refund-idempotency'], holdMs),
        );
      case 'GET payments/:id/refunds':
        return this.withPayment(id, (payment) => ({
          status: 200,
          body: collection([...this.refunds.values()].filter((r) => r.payment_id === payment.id)),
        }));
      case 'GET refunds/:id': {
        const refund = id ? this.refunds.get(id) : undefined;
        return refund ? { status: 200, body: refund } : error(400, 'The id provided does not exist', 'id');
      }
      default:
        return error(404, 'The requested URL was not found on the server.');
    }
  }

  /**
   * `completePayment` over HTTP, for a simulator run from `scripts/simulators.mjs` where no test holds the object:
   * `{"orderId": "order_…", "outcome": "captured" | "authorized" | "failed"}`. Not a Razorpay endpoint.
   */
  private control(rawBody: string): Reply {
    let json: { orderId?: unknown; outcome?: unknown } | undefined;
    try {
      json = JSON.parse(rawBody) as typeof json;
    } catch {
      json = undefined;
    }
    const orderId = json?.orderId;
    const outcome = json?.outcome;
    if (typeof orderId !== 'string' || (outcome !== 'captured' && outcome !== 'authorized' && outcome !== 'failed')) {
      return error(400, 'orderId and outcome (captured|authorized|failed) are required');
    }
    try {
      return { status: 200, body: this.completePayment(orderId, outcome) };
    } catch (e) {
      return error(400, e instanceof Error ? e.message : 'The order cannot be completed', 'orderId');
    }
  }

  /** Exactly `Basic base64(key_id:key_secret)`: other schemes, spellings or quoting are refused (§1.1). */
  private authorised(header: string | undefined): boolean {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    return decoded === `${this.keyId}:${this.keySecret}`;
  }

  private createOrder(body: Record<string, unknown>): Reply {
    const unknownField = Object.keys(body).find((k) => !ORDER_FIELDS.has(k));
    if (unknownField) return error(400, `${unknownField} is/are not required and should not be sent`, unknownField);
    const amountProblem = amountError(body['amount']);
    if (amountProblem) return error(400, amountProblem, 'amount');
    const currency = body['currency'] ?? 'INR';
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
      return error(400, 'The currency is invalid', 'currency');
    const receipt = body['receipt'];
    if (receipt !== undefined && (typeof receipt !== 'string' || receipt.length > 40)) {
      return error(400, 'The receipt may not be greater than 40 characters.', 'receipt');
    }
    const notes = notesOf(body['notes']);
    if (typeof notes === 'string') return error(400, notes, 'notes');
    const amount = body['amount'] as number;
    const order: SimulatedOrder = {
      id: newRazorpayId('order'),
      entity: 'order',
      amount,
      amount_paid: 0,
      amount_due: amount,
      currency,
      receipt: typeof receipt === 'string' ? receipt : null,
      offer_id: null,
      status: 'created',
      attempts: 0,
      notes,
      created_at: nowSeconds(),
    };
    this.orders.set(order.id, order);
    return { status: 200, body: order };
  }

  private listOrders(url: URL): Reply {
    const receipt = url.searchParams.get('receipt');
    const count = Math.min(Number(url.searchParams.get('count') ?? 10) || 10, 100);
    const skip = Number(url.searchParams.get('skip') ?? 0) || 0;
    const orders = [...this.orders.values()]
      .filter((o) => receipt === null || o.receipt === receipt)
      .reverse() // newest first, like the API
      .slice(skip, skip + count);
    return { status: 200, body: collection(orders) };
  }

  private captureCall(payment: SimulatedPayment, body: Record<string, unknown>): Reply {
    const amountProblem = amountError(body['amount']);
    if (amountProblem) return error(400, amountProblem, 'amount');
    if (payment.status === 'captured' || payment.status === 'refunded') {
      return error(400, 'This payment has already been captured');
    }
    if (payment.status !== 'authorized') return error(400, 'Only payments which have been authorized can be captured');
    if (body['amount'] !== payment.amount)
      return error(400, 'Capture amount must be equal to the amount authorized', 'amount');
    this.capture(payment);
    return { status: 200, body: payment };
  }

  private async refundCall(
    payment: SimulatedPayment,
    body: Record<string, unknown>,
    rawBody: string,
    keyHeader: string | string[] | undefined,
    holdMs: number,
  ): Promise<Reply> {
    // §1.6: the key is optional; when present it must be 10+ of [A-Za-z0-9_-].
    let idempotencyKey: string | undefined;
    if (keyHeader !== undefined) {
      if (typeof keyHeader !== 'string' || !/^[A-Za-z0-9_-]{10,}$/.test(keyHeader)) {
        return error(400, 'The idempotency key is invalid');
      }
      idempotencyKey = keyHeader;
      const fingerprint = createHash('sha256').update(`${payment.id}\n${rawBody}`).digest('hex');
      const seen = this.idempotency.get(idempotencyKey);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          return error(409, 'Different request with the same idempotency key has already been processed.');
        }
        if (seen.refundId === null) return error(409, 'Request with the same idempotency key is still in progress.');
        return { status: 200, body: this.refunds.get(seen.refundId) };
      }
      // Recorded before the work, so a replay arriving meanwhile sees "in flight".
      this.idempotency.set(idempotencyKey, { fingerprint, refundId: null });
    }
    if (holdMs > 0) await sleep(holdMs);
    const reply = this.createRefund(payment, body);
    if (idempotencyKey !== undefined) {
      if (reply.status === 200) {
        const record = this.idempotency.get(idempotencyKey);
        if (record) record.refundId = (reply.body as SimulatedRefund).id;
      } else {
        this.idempotency.delete(idempotencyKey); // a refused request may be sent again with the same key
      }
    }
    return reply;
  }

  private createRefund(payment: SimulatedPayment, body: Record<string, unknown>): Reply {
    const unknownField = Object.keys(body).find((k) => !REFUND_FIELDS.has(k));
    if (unknownField) return error(400, `${unknownField} is/are not required and should not be sent`, unknownField);
    if (payment.status === 'refunded') return error(400, 'The payment has been fully refunded already');
    if (payment.status !== 'captured') return error(400, 'Only captured payments can be refunded');
    const refundable = payment.amount - payment.amount_refunded;
    const amount = body['amount'] ?? refundable;
    const amountProblem = amountError(amount);
    if (amountProblem) return error(400, amountProblem, 'amount');
    if ((amount as number) > refundable) {
      return error(400, 'The refund amount provided is greater than amount captured', 'amount');
    }
    const notes = notesOf(body['notes']);
    if (typeof notes === 'string') return error(400, notes, 'notes');
    const receipt = body['receipt'];
    const refund: SimulatedRefund = {
      id: newRazorpayId('rfnd'),
      entity: 'refund',
      amount: amount as number,
      currency: payment.currency,
      payment_id: payment.id,
      notes,
      receipt: typeof receipt === 'string' ? receipt : null,
      acquirer_data: { arn: null },
      created_at: nowSeconds(),
      batch_id: null,
      status: 'pending',
      speed_requested: typeof body['speed'] === 'string' ? body['speed'] : 'normal',
      speed_processed: 'normal',
    };
    this.refunds.set(refund.id, refund);
    payment.amount_refunded += refund.amount;
    payment.refund_status = payment.amount_refunded === payment.amount ? 'full' : 'partial';
    // Only a full refund moves the payment to `refunded`; a partial one leaves it `captured` (§1.4).
    if (payment.amount_refunded === payment.amount) payment.status = 'refunded';
    this.emit('refund.created', { refund: snapshot(refund), payment: snapshot(payment) });
    const answer = snapshot(refund);
    const outcome = this.refundOutcome;
    if (outcome !== 'manual') setImmediate(() => this.settleRefund(refund.id, outcome));
    return { status: 200, body: answer };
  }

  private withOrder(id: string | undefined, then: (order: SimulatedOrder) => Reply): Reply {
    const order = id ? this.orders.get(id) : undefined;
    return order ? then(order) : error(400, 'The id provided does not exist', 'id');
  }

  private async withPaymentAsync(
    id: string | undefined,
    then: (payment: SimulatedPayment) => Promise<Reply>,
  ): Promise<Reply> {
    const payment = id ? this.payments.get(id) : undefined;
    return payment ? then(payment) : error(400, 'The id provided does not exist', 'id');
  }

  private withPayment(id: string | undefined, then: (payment: SimulatedPayment) => Reply): Reply {
    const payment = id ? this.payments.get(id) : undefined;
    return payment ? then(payment) : error(400, 'The id provided does not exist', 'id');
  }

  // ---- webhooks --------------------------------------------------------------------------------------------------

  private emit(event: string, entities: Record<string, object>): void {
    const url = this.webhookUrl;
    if (!url) return;
    const payload: Record<string, { entity: object }> = {};
    for (const [name, entity] of Object.entries(entities)) payload[name] = { entity };
    const rawBody = JSON.stringify({
      entity: 'event',
      account_id: 'acc_Simulator00001',
      event,
      contains: Object.keys(entities),
      payload,
      created_at: nowSeconds(),
    });
    const eventId = `evt_${randomBytes(7).toString('hex')}`;
    const { duplicateWebhook, lateWebhookMs } = this.webhookFaults;
    const copies = duplicateWebhook ? 2 : 1;
    for (let i = 0; i < copies; i += 1) {
      const send = () => this.deliver(url, event, eventId, rawBody, lateWebhookMs ?? 0);
      if (this.held) this.held.push(send);
      else this.track(send());
    }
  }

  /** At least once: the same bytes and event id until a 2xx, or the redeliveries run out. */
  private async deliver(url: string, event: string, eventId: string, rawBody: string, delayMs: number): Promise<void> {
    if (delayMs > 0) await sleep(delayMs);
    const headers = {
      'Content-Type': 'application/json',
      'X-Razorpay-Signature': hmacSha256Hex(rawBody, this.webhookSecret),
      'X-Razorpay-Event-Id': eventId,
      'User-Agent': 'Razorpay-Webhook/v1 (simulator)',
    };
    for (let attempt = 0; attempt <= this.webhookRedeliveries; attempt += 1) {
      let status: number | 'network_error';
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body: rawBody,
          signal: AbortSignal.timeout(5000), // Razorpay's 5 s answer limit
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 'network_error';
      }
      this.webhooks.push({ eventId, event, rawBody, status });
      if (typeof status === 'number' && status >= 200 && status < 300) return;
      await sleep(20 * 2 ** attempt);
    }
  }
}

// ---- helpers -------------------------------------------------------------------------------------------------------

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A prefix plus 14 case-sensitive alphanumerics, like Razorpay's ids (§1.2). */
export function newRazorpayId(prefix: 'order' | 'pay' | 'rfnd'): string {
  const bytes = randomBytes(14);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return `${prefix}_${id}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function snapshot<T extends object>(entity: T): T {
  return JSON.parse(JSON.stringify(entity)) as T;
}

function collection(items: unknown[]): { entity: 'collection'; count: number; items: unknown[] } {
  return { entity: 'collection', count: items.length, items };
}

function amountError(amount: unknown): string | null {
  if (typeof amount !== 'number' || !Number.isInteger(amount)) return 'The amount must be an integer.';
  if (amount < 100) return 'The amount must be at least INR 1.00';
  return null;
}

/** At most 15 pairs of at most 256 characters; empty notes are serialised as `[]`, as Razorpay does. */
function notesOf(notes: unknown): Record<string, string> | [] | string {
  if (notes === undefined || (Array.isArray(notes) && notes.length === 0)) return [];
  if (typeof notes !== 'object' || notes === null || Array.isArray(notes)) return 'The notes field must be an object';
  const entries = Object.entries(notes as Record<string, unknown>);
  if (entries.length > 15) return 'Number of fields in notes should be less than or equal to 15';
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    const text = typeof value === 'string' ? value : String(value);
    if (text.length > 256) return 'Notes values may not be greater than 256 characters';
    out[key] = text;
  }
  return entries.length === 0 ? [] : out;
}

function error(status: number, description: string, field: string | null = null): Reply {
  return {
    status,
    body: {
      error: { code: 'BAD_REQUEST_ERROR', description, source: 'NA', step: 'NA', reason: 'NA', metadata: {}, field },
    },
  };
}

function serverError(status: number): Reply {
  return {
    status,
    body: {
      error: {
        code: status === 502 || status === 504 ? 'GATEWAY_ERROR' : 'SERVER_ERROR',
        description: 'The server encountered an error. The incident has been reported to admins.',
        source: 'NA',
        step: 'NA',
        reason: 'NA',
        metadata: {},
      },
    },
  };
}

/** The 429 body shape is UNCONFIRMED (§1.8); this uses the common envelope. */
function tooManyRequests(): Reply {
  return {
    status: 429,
    body: {
      error: {
        code: 'BAD_REQUEST_ERROR',
        description: 'Too many requests',
        source: 'NA',
        step: 'NA',
        reason: 'NA',
        metadata: {},
      },
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}
