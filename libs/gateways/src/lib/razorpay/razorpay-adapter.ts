import { createHash } from 'node:crypto';
import { boundedCall, describeError } from '../bounded-call';
import type {
  CreatePaymentOutcome,
  CreatePaymentRequest,
  CreatePaymentResult,
  GatewayAdapter,
  GatewayContext,
  GatewayWebhookEvent,
  HealthCheckResult,
  ParseWebhookResult,
  PaymentStatusQuery,
  PaymentStatusResult,
  RefundRequest,
  RefundResult,
  RefundStatusQuery,
  RefundStatusResult,
  WebhookRequest,
} from '../gateway-adapter';
import { httpRequest, type HttpOutcome } from '../http-client';
import { headerValue } from '../webhook-signature';
import {
  classifyRazorpayFailure,
  razorpayAdapterError,
  razorpayTimeout,
  razorpayUnexpectedBody,
  type RazorpayFailure,
  type RazorpayOperation,
} from './razorpay-errors';
import {
  type RazorpayOrder,
  type RazorpayPayment,
  type RazorpayRefund,
  razorpayPaymentClass,
  razorpayPaymentError,
  razorpayPaymentStatus,
  razorpayRefundStatus,
} from './razorpay-statuses';
import { RAZORPAY_EVENT_ID_HEADER, RAZORPAY_IDEMPOTENCY_HEADER, verifyRazorpayWebhook } from './razorpay-signature';

export const RAZORPAY_DEFAULT_BASE_URL = 'https://api.razorpay.com';

type Call<T> = { ok: true; value: T } | { ok: false; failure: RazorpayFailure };

/**
 * Razorpay over its REST API (GATEWAY_APIS.md §1), stateless per call.
 *
 * - `createPayment` creates an order (receipt = our attemptId, so a lost answer is found again by receipt) and
 *   answers `pending` with a redirect to our own checkout page, which must load Razorpay's Checkout JS widget for
 *   that order (Razorpay has no hosted redirect page for orders). The page is `config.checkoutUrl` with
 *   `{orderId}` replaced, else `${publicBaseUrl}/razorpay/checkout/{orderId}`.
 * - Payments are created in the browser; we learn about them from webhooks or from the order's payments list.
 *   Orders are created with `payment.capture: "automatic"`, so `captured` is the success state.
 * - Refunds go against the order's captured payment, with `X-Refund-Idempotency: <refundId>` and
 *   `receipt: <refundId>`, so a resend after an unknown outcome never refunds twice and a lost answer is found
 *   again in the payment's refund list.
 */
export class RazorpayAdapter implements GatewayAdapter {
  readonly provider = 'razorpay' as const;

  createPayment(req: CreatePaymentRequest, ctx: GatewayContext): Promise<CreatePaymentResult> {
    return boundedCall<CreatePaymentOutcome>(
      ctx.timeoutMs,
      async (signal) => {
        const invalid = invalidPaymentRequest(req);
        if (invalid) return { status: 'failed_permanent', errorCode: 'invalid_request', errorMessage: invalid };
        const body = {
          amount: req.amount,
          currency: req.currency,
          receipt: req.attemptId,
          notes: { paymentId: req.paymentId, attemptId: req.attemptId },
          payment: { capture: 'automatic' },
        };
        const order = await call(ctx, signal, 'create', 'POST', '/v1/orders', body, isOrder);
        if (!order.ok) return writeFailure(order.failure);
        return {
          status: 'pending',
          gatewayReference: order.value.id,
          nextAction: { type: 'redirect', url: checkoutUrl(ctx, order.value.id) },
        };
      },
      {
        timeout: () => unknownFrom(razorpayTimeout()),
        error: (e) => unknownFrom(razorpayAdapterError(describeError(e))),
      },
    );
  }

  getPaymentStatus(query: PaymentStatusQuery, ctx: GatewayContext): Promise<PaymentStatusResult> {
    return boundedCall<Omit<PaymentStatusResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        const order = await findOrder(ctx, signal, query.gatewayReference, query.attemptId);
        if (!order.ok) return readFailure(order.failure);
        if (order.value === null) return { status: 'not_found' };
        const payments = await listOrderPayments(ctx, signal, order.value.id);
        if (!payments.ok) return readFailure(payments.failure);
        return razorpayPaymentStatus(order.value, payments.value);
      },
      {
        timeout: () => unknownFrom(razorpayTimeout()),
        error: (e) => unknownFrom(razorpayAdapterError(describeError(e))),
      },
    );
  }

  refund(req: RefundRequest, ctx: GatewayContext): Promise<RefundResult> {
    return boundedCall<Omit<RefundResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        if (!isIdempotencyKey(req.refundId)) {
          return permanentFrom('invalid_request', 'refundId must be 10-40 characters of [A-Za-z0-9_-]');
        }
        // Nothing is sent until the captured payment is known, so a failed lookup is safe to resend.
        const payment = await capturedPayment(ctx, signal, req.gatewayReference);
        if (!payment.ok) return writeFailure({ ...payment.failure, class: retryableUnlessPermanent(payment.failure) });
        if (payment.value === null) return permanentFrom('not_captured', 'The order has no captured payment');
        const refund = await call(
          ctx,
          signal,
          'refund',
          'POST',
          `/v1/payments/${encodeURIComponent(payment.value.id)}/refund`,
          { amount: req.amount, receipt: req.refundId, notes: { refundId: req.refundId, paymentId: req.paymentId } },
          isRefund,
          { [RAZORPAY_IDEMPOTENCY_HEADER]: req.refundId },
        );
        if (!refund.ok) return writeFailure(refund.failure);
        return razorpayRefundStatus(refund.value);
      },
      {
        timeout: () => unknownFrom(razorpayTimeout()),
        error: (e) => unknownFrom(razorpayAdapterError(describeError(e))),
      },
    );
  }

  getRefundStatus(query: RefundStatusQuery, ctx: GatewayContext): Promise<RefundStatusResult> {
    return boundedCall<Omit<RefundStatusResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        if (query.gatewayRefundReference !== null) {
          const refund = await call(
            ctx,
            signal,
            'read',
            'GET',
            `/v1/refunds/${encodeURIComponent(query.gatewayRefundReference)}`,
            undefined,
            isRefund,
          );
          if (!refund.ok) return readFailure(refund.failure);
          return razorpayRefundStatus(refund.value);
        }
        const payment = await capturedPayment(ctx, signal, query.gatewayReference);
        if (!payment.ok) return readFailure(payment.failure);
        if (payment.value === null) return { status: 'not_found' };
        const refunds = await call(
          ctx,
          signal,
          'read',
          'GET',
          `/v1/payments/${encodeURIComponent(payment.value.id)}/refunds?count=100`,
          undefined,
          isCollectionOf(isRefund),
        );
        if (!refunds.ok) return readFailure(refunds.failure);
        const ours = refunds.value.find(
          (r) => r.receipt === query.refundId || noteValue(r.notes, 'refundId') === query.refundId,
        );
        return ours ? razorpayRefundStatus(ours) : { status: 'not_found' };
      },
      {
        timeout: () => unknownFrom(razorpayTimeout()),
        error: (e) => unknownFrom(razorpayAdapterError(describeError(e))),
      },
    );
  }

  verifyWebhook(req: WebhookRequest, ctx: GatewayContext): boolean {
    return verifyRazorpayWebhook(req, ctx.webhookSecret);
  }

  parseWebhook(req: WebhookRequest, _ctx: GatewayContext): ParseWebhookResult {
    return parseRazorpayWebhook(req);
  }

  healthCheck(ctx: GatewayContext): Promise<HealthCheckResult> {
    return boundedCall<Omit<HealthCheckResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        // Harmless and authenticated: proves reachability and that the keys are accepted.
        const outcome = await send(ctx, signal, 'GET', '/v1/orders?count=1');
        if (outcome.kind === 'network_error') {
          return { ok: false, errorClass: outcome.requestSent ? 'connection_lost' : 'gateway_unavailable' };
        }
        if (outcome.status === 401) return { ok: false, errorClass: 'auth_failed' };
        if (outcome.status !== 200) return { ok: false, errorClass: `http_${outcome.status}` };
        return outcome.json === undefined ? { ok: false, errorClass: 'invalid_response' } : { ok: true };
      },
      {
        timeout: () => ({ ok: false, errorClass: 'timeout' }),
        error: () => ({ ok: false, errorClass: 'adapter_error' }),
      },
    );
  }
}

/** Parses the §1.7 envelope; `providerEventId` is the `X-Razorpay-Event-Id` header (stable across redeliveries). */
export function parseRazorpayWebhook(req: WebhookRequest): ParseWebhookResult {
  let envelope: unknown;
  try {
    envelope = JSON.parse(req.rawBody) as unknown;
  } catch {
    return { error: 'malformed', message: 'The body is not JSON' };
  }
  if (!isObject(envelope) || envelope['entity'] !== 'event' || typeof envelope['event'] !== 'string') {
    return { error: 'malformed', message: 'Not a Razorpay event envelope' };
  }
  // The header is documented as unique per event and identical on redelivery. Without it, fall back to a hash of
  // the body: redeliveries resend the same bytes, so the hash is stable too.
  const providerEventId =
    headerValue(req.headers, RAZORPAY_EVENT_ID_HEADER) ??
    `sha256_${createHash('sha256').update(req.rawBody).digest('hex')}`;
  const event = envelope['event'];
  const payload = isObject(envelope['payload']) ? envelope['payload'] : {};
  const payment = entityOf(payload, 'payment', isPayment);
  const order = entityOf(payload, 'order', isOrder);
  const refund = entityOf(payload, 'refund', isRefund);
  const malformed = {
    error: 'malformed' as const,
    message: `${event} without the entities it must carry`,
    providerEventId,
  };

  switch (event) {
    case 'payment.captured':
    case 'payment.failed': {
      if (!payment) return malformed;
      const failed = event === 'payment.failed';
      const result: GatewayWebhookEvent = {
        providerEventId,
        kind: 'payment',
        attemptId: order?.receipt ?? noteValue(payment.notes, 'attemptId'),
        gatewayReference: payment.order_id ?? undefined,
        status: failed ? 'failed' : 'succeeded',
        amount: payment.amount,
        currency: payment.currency,
      };
      return failed ? { ...result, ...razorpayPaymentError(payment) } : result;
    }
    case 'order.paid':
      if (!order) return malformed;
      return {
        providerEventId,
        kind: 'payment',
        attemptId: order.receipt ?? undefined,
        gatewayReference: order.id,
        status: 'succeeded',
        amount: payment?.amount ?? order.amount_paid ?? order.amount,
        currency: payment?.currency ?? order.currency,
      };
    case 'refund.processed':
    case 'refund.failed':
      if (!refund) return malformed;
      return {
        providerEventId,
        kind: 'refund',
        refundId: refund.receipt ?? noteValue(refund.notes, 'refundId'),
        gatewayRefundReference: refund.id,
        gatewayReference: payment?.order_id ?? undefined,
        status: event === 'refund.processed' ? 'succeeded' : 'failed',
        ...(event === 'refund.failed'
          ? { errorCode: 'refund_failed', errorMessage: 'Razorpay failed the refund' }
          : {}),
        amount: refund.amount,
        currency: refund.currency,
      };
    default:
      return { error: 'unsupported_event', message: `Event ${event} is not acted on`, providerEventId };
  }
}

// ---------------------------------------------------------------------------------------------------------------

function baseUrl(ctx: GatewayContext): string {
  const configured = (ctx.config ?? {})['baseUrl'];
  return (typeof configured === 'string' && configured !== '' ? configured : RAZORPAY_DEFAULT_BASE_URL).replace(
    /\/+$/,
    '',
  );
}

function checkoutUrl(ctx: GatewayContext, orderId: string): string {
  const configured = (ctx.config ?? {})['checkoutUrl'];
  if (typeof configured === 'string' && configured.includes('{orderId}')) {
    return configured.replace('{orderId}', encodeURIComponent(orderId));
  }
  return `${ctx.publicBaseUrl.replace(/\/+$/, '')}/razorpay/checkout/${encodeURIComponent(orderId)}`;
}

function authorization(ctx: GatewayContext): string {
  const keyId = (ctx.credentials ?? {})['keyId'] ?? '';
  const keySecret = (ctx.credentials ?? {})['keySecret'] ?? '';
  return `Basic ${Buffer.from(`${keyId}:${keySecret}`, 'utf8').toString('base64')}`;
}

function send(
  ctx: GatewayContext,
  signal: AbortSignal,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<HttpOutcome> {
  const headers: Record<string, string> = {
    Authorization: authorization(ctx),
    Accept: 'application/json',
    ...extraHeaders,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return httpRequest({
    url: `${baseUrl(ctx)}${path}`,
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
}

async function call<T>(
  ctx: GatewayContext,
  signal: AbortSignal,
  op: RazorpayOperation,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  guard: (value: unknown) => value is T,
  extraHeaders?: Record<string, string>,
): Promise<Call<T>> {
  const outcome = await send(ctx, signal, method, path, body, extraHeaders);
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
    if (guard(outcome.json)) return { ok: true, value: outcome.json };
    if (guard(itemsOf(outcome.json))) return { ok: true, value: itemsOf(outcome.json) as T };
    return { ok: false, failure: razorpayUnexpectedBody(outcome.status) };
  }
  return { ok: false, failure: classifyRazorpayFailure(outcome, op) };
}

/** By order id when we have it; otherwise by receipt (= attemptId), for a create call whose answer was lost. */
async function findOrder(
  ctx: GatewayContext,
  signal: AbortSignal,
  orderId: string | null,
  attemptId: string,
): Promise<Call<RazorpayOrder | null>> {
  if (orderId !== null) {
    const order = await call(
      ctx,
      signal,
      'read',
      'GET',
      `/v1/orders/${encodeURIComponent(orderId)}`,
      undefined,
      isOrder,
    );
    if (!order.ok) return order.failure.errorCode === 'not_found' ? { ok: true, value: null } : order;
    // An order made for another attempt is not this attempt's.
    return { ok: true, value: order.value.receipt === attemptId ? order.value : null };
  }
  const orders = await call(
    ctx,
    signal,
    'read',
    'GET',
    `/v1/orders?receipt=${encodeURIComponent(attemptId)}&count=10`,
    undefined,
    isCollectionOf(isOrder),
  );
  if (!orders.ok) return orders;
  const ours = orders.value.filter((o) => o.receipt === attemptId);
  return { ok: true, value: ours[0] ?? null };
}

function listOrderPayments(
  ctx: GatewayContext,
  signal: AbortSignal,
  orderId: string,
): Promise<Call<RazorpayPayment[]>> {
  return call(
    ctx,
    signal,
    'read',
    'GET',
    `/v1/orders/${encodeURIComponent(orderId)}/payments`,
    undefined,
    isCollectionOf(isPayment),
  );
}

async function capturedPayment(
  ctx: GatewayContext,
  signal: AbortSignal,
  orderId: string,
): Promise<Call<RazorpayPayment | null>> {
  const payments = await listOrderPayments(ctx, signal, orderId);
  if (!payments.ok) return payments;
  return { ok: true, value: payments.value.find((p) => razorpayPaymentClass(p.status) === 'captured') ?? null };
}

function writeFailure(failure: RazorpayFailure) {
  switch (failure.class) {
    case 'retryable':
      return { status: 'failed_retryable' as const, errorCode: failure.errorCode, errorMessage: failure.errorMessage };
    case 'permanent':
      return { status: 'failed_permanent' as const, errorCode: failure.errorCode, errorMessage: failure.errorMessage };
    case 'unknown':
      return unknownFrom(failure);
  }
}

/** A failed read answers `unknown` (ask again later), except that a missing object is `not_found`. */
function readFailure(failure: RazorpayFailure) {
  if (failure.errorCode === 'not_found') return { status: 'not_found' as const };
  return unknownFrom(failure);
}

/** A lookup done before the refund was sent: nothing was initiated, whatever happened to the lookup. */
function retryableUnlessPermanent(failure: RazorpayFailure): RazorpayFailure['class'] {
  return failure.class === 'permanent' ? 'permanent' : 'retryable';
}

function unknownFrom(failure: RazorpayFailure) {
  return { status: 'unknown' as const, errorCode: failure.errorCode, errorMessage: failure.errorMessage };
}

function permanentFrom(errorCode: string, errorMessage: string) {
  return { status: 'failed_permanent' as const, errorCode, errorMessage };
}

function isIdempotencyKey(value: string): boolean {
  return /^[A-Za-z0-9_-]{10,40}$/.test(value);
}

function invalidPaymentRequest(req: CreatePaymentRequest): string | null {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(req.attemptId))
    return 'attemptId must be 1-40 characters of [A-Za-z0-9_-] (Razorpay receipt)';
  if (!Number.isSafeInteger(req.amount) || req.amount <= 0) return 'amount must be a positive integer in minor units';
  if (!/^[A-Z]{3}$/.test(req.currency)) return 'currency must be an upper-case ISO 4217 code';
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Notes are `{}` or, when empty, `[]` (§1.2). */
function noteValue(notes: unknown, key: string): string | undefined {
  if (!isObject(notes)) return undefined;
  const value = notes[key];
  return typeof value === 'string' ? value : undefined;
}

function itemsOf(json: unknown): unknown {
  return isObject(json) && json['entity'] === 'collection' ? json['items'] : undefined;
}

function entityOf<T>(payload: Record<string, unknown>, name: string, guard: (v: unknown) => v is T): T | undefined {
  const wrapper = payload[name];
  if (!isObject(wrapper)) return undefined;
  return guard(wrapper['entity']) ? wrapper['entity'] : undefined;
}

function isCollectionOf<T>(guard: (value: unknown) => value is T): (value: unknown) => value is T[] {
  return (value: unknown): value is T[] => Array.isArray(value) && value.every(guard);
}

function isOrder(value: unknown): value is RazorpayOrder {
  return (
    isObject(value) &&
    value['entity'] === 'order' &&
    typeof value['id'] === 'string' &&
    typeof value['amount'] === 'number' &&
    typeof value['currency'] === 'string' &&
    typeof value['status'] === 'string'
  );
}

function isPayment(value: unknown): value is RazorpayPayment {
  return (
    isObject(value) &&
    value['entity'] === 'payment' &&
    typeof value['id'] === 'string' &&
    typeof value['amount'] === 'number' &&
    typeof value['currency'] === 'string' &&
    typeof value['status'] === 'string'
  );
}

function isRefund(value: unknown): value is RazorpayRefund {
  return (
    isObject(value) &&
    value['entity'] === 'refund' &&
    typeof value['id'] === 'string' &&
    typeof value['amount'] === 'number' &&
    typeof value['status'] === 'string'
  );
}
