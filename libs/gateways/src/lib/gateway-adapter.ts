/**
 * The contract every payment gateway adapter (sandbox, Razorpay, PhonePe) implements.
 *
 * Outcome classes decide routing: only `failed_retryable` (the gateway certainly did not accept the payment)
 * may fail over to the next gateway; `unknown` (sent, no answer) must be resolved by a status query, never by
 * trying elsewhere, or the customer could be charged twice.
 *
 * Every method is bounded by `GatewayContext.timeoutMs` and never throws for gateway misbehaviour: garbage
 * bodies, 5xx, resets and timeouts all come back as typed results. A throw from an adapter is a bug in the
 * adapter, not a gateway condition.
 */

// Local until '@lsp/domain' exports them; the two definitions must stay identical.
export type AttemptStatus = 'pending' | 'succeeded' | 'failed_permanent' | 'failed_retryable' | 'unknown';
export type AttemptOutcome = Exclude<AttemptStatus, 'pending'>;

export const GATEWAY_PROVIDERS = ['sandbox', 'razorpay', 'phonepe'] as const;
export type GatewayProvider = (typeof GATEWAY_PROVIDERS)[number];

export const GATEWAY_PAYMENT_METHODS = ['upi', 'card', 'netbanking', 'wallet'] as const;
export type GatewayPaymentMethod = (typeof GATEWAY_PAYMENT_METHODS)[number];

/** Everything an adapter needs about one configured gateway, passed on every call (adapters hold no tenant state). */
export interface GatewayContext {
  /** The gateway's `code`, as in `POST /api/v1/webhooks/gateways/:code`. */
  code: string;
  provider: GatewayProvider;
  /** The gateway row's `config` (not secret): base URLs, sandbox drill switches, etc. */
  config: Record<string, unknown>;
  /** Decrypted credentials (API keys, salts); never logged. */
  credentials: Record<string, string>;
  /** Key for verifying (and, for the sandbox, signing) gateway webhooks. */
  webhookSecret: string;
  /** Upper bound for one call, including any retries inside the adapter. */
  timeoutMs: number;
  /** Absolute URL of our `POST /api/v1/webhooks/gateways/:code` for this gateway. */
  callbackUrl: string;
  /** Public origin of the API (no trailing slash), for checkout redirects. */
  publicBaseUrl: string;
}

export interface NextAction {
  type: 'redirect';
  url: string;
}

export interface CreatePaymentRequest {
  paymentId: string;
  /** Our attempt id: the gateway-side order/transaction id, so a lost answer can be looked up by it. */
  attemptId: string;
  /** 1-based over the whole payment, across gateways and retries. */
  attemptNumber: number;
  /** Integer in the currency's minor unit. */
  amount: number;
  currency: string;
  method: GatewayPaymentMethod;
  description?: string;
  customer?: { email?: string; phone?: string };
  returnUrl?: string;
  metadata?: Record<string, string>;
}

export type CreatePaymentOutcome =
  /** Accepted; the customer finishes at `nextAction` (if any) and the result arrives by webhook or status query. */
  | { status: 'pending'; gatewayReference: string; nextAction?: NextAction }
  | { status: 'succeeded'; gatewayReference: string }
  /** `failed_retryable` promises the gateway did not accept the payment: failover is safe. */
  | {
      status: 'failed_permanent' | 'failed_retryable';
      errorCode: string;
      errorMessage: string;
      gatewayReference?: string;
    }
  /** The request may have been accepted: resolve by `getPaymentStatus`, never by failover. */
  | { status: 'unknown'; errorCode: string; errorMessage: string };

export type CreatePaymentResult = CreatePaymentOutcome & { latencyMs: number };

export interface PaymentStatusQuery {
  attemptId: string;
  /**
   * As in `CreatePaymentRequest`. Optional because real gateways do not need it; the sandbox uses it to answer
   * `not_found` for an attempt it refused (`52` on attempt 1) and assumes an accepted attempt without it.
   */
  attemptNumber?: number;
  /** Null when the create call's answer was lost: the adapter then looks the attempt up by `attemptId`. */
  gatewayReference: string | null;
  amount: number;
  currency: string;
}

export interface PaymentStatusResult {
  /**
   * - `pending`: accepted, the customer has not finished;
   * - `succeeded`: captured; `amount`/`currency` as the gateway reports them (check them against ours);
   * - `failed_permanent`: final failure, with `errorCode`/`errorMessage`;
   * - `not_found`: the gateway has no record of the attempt, i.e. never accepted it (right after a create call
   *   some gateways lag; only trust it for an attempt older than a few seconds);
   * - `unknown`: the query itself failed (timeout, 5xx, garbage), with `errorCode`/`errorMessage`: ask again later.
   */
  status: 'pending' | 'succeeded' | 'failed_permanent' | 'not_found' | 'unknown';
  gatewayReference?: string;
  errorCode?: string;
  errorMessage?: string;
  amount?: number;
  currency?: string;
  latencyMs: number;
}

export interface RefundRequest {
  /** Our refund id: doubles as the gateway-side idempotency key / merchant refund id. */
  refundId: string;
  paymentId: string;
  /** The succeeded attempt the refund goes against (the gateway-side order id of Razorpay/PhonePe adapters). */
  attemptId: string;
  gatewayReference: string;
  amount: number;
  currency: string;
}

export interface RefundResult {
  /**
   * `failed_retryable`: certainly not initiated, sending again is safe. `unknown`: may have been initiated —
   * resolve by `getRefundStatus` before sending it again (with the same `refundId`).
   */
  status: 'pending' | 'succeeded' | 'failed_permanent' | 'failed_retryable' | 'unknown';
  gatewayRefundReference?: string;
  errorCode?: string;
  errorMessage?: string;
  latencyMs: number;
}

/**
 * The original refund request plus what we learnt so far: a null reference means "look it up by refundId"
 * (Razorpay lists the payment's refunds, PhonePe queries by merchant refund id, the sandbox derives it).
 */
export interface RefundStatusQuery extends RefundRequest {
  gatewayRefundReference: string | null;
}

export interface RefundStatusResult {
  /** As `RefundResult`, except that `not_found` (never initiated: sending it again is safe) replaces `failed_retryable`. */
  status: 'pending' | 'succeeded' | 'failed_permanent' | 'not_found' | 'unknown';
  gatewayRefundReference?: string;
  errorCode?: string;
  errorMessage?: string;
  latencyMs: number;
}

/** An incoming webhook exactly as received: the raw bytes are what providers sign. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface GatewayWebhookEvent {
  /** Unique per event and identical on redelivery: the deduplication key (with the gateway id). */
  providerEventId: string;
  kind: 'payment' | 'refund';
  attemptId?: string;
  gatewayReference?: string;
  refundId?: string;
  gatewayRefundReference?: string;
  status: 'succeeded' | 'failed';
  errorCode?: string;
  errorMessage?: string;
  amount?: number;
  currency?: string;
  /**
   * True when the provider authenticates the sender but signs no body (PhonePe v2 webhooks): state and amount
   * must be confirmed by a status query before acting on the event.
   */
  requiresStatusConfirmation?: boolean;
}

/** Tell it from an event with `'error' in result` (or `isWebhookParseFailure`). */
export interface WebhookParseFailure {
  /**
   * `malformed`: not a body this provider sends (answer 400). `unsupported_event`: a well-formed event we do not
   * act on, e.g. Razorpay `payment.authorized` (acknowledge with 2xx so the provider stops redelivering).
   */
  error: 'malformed' | 'unsupported_event';
  message: string;
  providerEventId?: string;
}

export type ParseWebhookResult = GatewayWebhookEvent | WebhookParseFailure;

export function isWebhookParseFailure(result: ParseWebhookResult): result is WebhookParseFailure {
  return 'error' in result;
}

export interface HealthCheckResult {
  ok: boolean;
  latencyMs: number;
  /** Why not ok, as a short class (`timeout`, `gateway_unavailable`, `http_503`, ...), never a secret. */
  errorClass?: string;
}

export interface GatewayAdapter {
  readonly provider: GatewayProvider;
  createPayment(req: CreatePaymentRequest, ctx: GatewayContext): Promise<CreatePaymentResult>;
  getPaymentStatus(query: PaymentStatusQuery, ctx: GatewayContext): Promise<PaymentStatusResult>;
  refund(req: RefundRequest, ctx: GatewayContext): Promise<RefundResult>;
  getRefundStatus(query: RefundStatusQuery, ctx: GatewayContext): Promise<RefundStatusResult>;
  /** Authenticity only, in constant time; call before `parseWebhook` and answer 401 when false. */
  verifyWebhook(req: WebhookRequest, ctx: GatewayContext): boolean;
  parseWebhook(req: WebhookRequest, ctx: GatewayContext): ParseWebhookResult;
  healthCheck(ctx: GatewayContext): Promise<HealthCheckResult>;
}

// Compile-time guard: every status an adapter reports for an attempt is a persisted attempt status.
type AssertSubset<T extends U, U> = T;
type _CreateStatusIsAttemptStatus = AssertSubset<CreatePaymentOutcome['status'], AttemptStatus>;
