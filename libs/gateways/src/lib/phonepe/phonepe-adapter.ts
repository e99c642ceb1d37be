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
  classifyPhonePeFailure,
  phonePeAdapterError,
  phonePeBodyCode,
  phonePeState,
  phonePeTimeout,
  type PhonePeFailure,
} from './phonepe-errors';
import {
  PHONEPE_MERCHANT_ID_HEADER,
  PHONEPE_X_VERIFY_HEADER,
  phonePeCallbackXVerify,
  phonePeChecksumEquals,
  phonePeWebhookAuthorization,
  phonePeXVerify,
  sha256Hex,
} from './phonepe-signature';

export const PHONEPE_SANDBOX_BASE_URL = 'https://api-preprod.phonepe.com/apis/pg-sandbox';
export const PHONEPE_V2_PROD_BASE_URL = 'https://api.phonepe.com/apis/pg';
export const PHONEPE_V2_PROD_OAUTH_URL = 'https://api.phonepe.com/apis/identity-manager';
export const PHONEPE_V1_PROD_BASE_URL = 'https://api.phonepe.com/apis/hermes';

export type PhonePeMode = 'v1' | 'v2';

/** A parsed PhonePe event. See `requiresStatusConfirmation`. */
export type PhonePeWebhookEvent = GatewayWebhookEvent & {
  /**
   * True for v2 webhooks: PhonePe authenticates the sender (Authorization = SHA256(user:pass)) but signs no body,
   * so whoever knows the static header can forge state and amount. The receiver must confirm state and amount by
   * `getPaymentStatus`/`getRefundStatus` before acting. False for v1 callbacks, whose body is checksummed.
   */
  requiresStatusConfirmation: boolean;
};

export interface PhonePeAdapterOptions {
  /** Epoch milliseconds; injectable so token half-life refresh is testable. */
  now?: () => number;
}

interface CachedToken {
  accessToken: string;
  issuedAt: number; // epoch seconds, as PhonePe reports them
  expiresAt: number;
}

type Call<T> = { ok: true; value: T } | { ok: false; failure: PhonePeFailure };

interface Resolved {
  mode: PhonePeMode;
  baseUrl: string;
  oauthBaseUrl: string;
}

/**
 * PhonePe PG (GATEWAY_APIS.md §2). `ctx.config.mode` selects v2 (OAuth, Standard Checkout; the default) or v1
 * (X-VERIFY salt checksum). `ctx.config.baseUrl` / `oauthBaseUrl` override the hosts; `config.environment:
 * 'production'` picks the production hosts, otherwise sandbox (UAT).
 *
 * Credentials — v2: `clientId`, `clientSecret`, `clientVersion`; webhooks are authenticated with
 * `webhookUsername`/`webhookPassword` when present, else `ctx.webhookSecret` as "username:password".
 * v1: `merchantId`, `saltKey`, `saltIndex`.
 *
 * Our attemptId is PhonePe's merchantOrderId (v1 merchantTransactionId), and our refundId its merchantRefundId
 * (v1 refund merchantTransactionId), so every lost answer is found again by a status call on our own id.
 *
 * v2 tokens are cached in this instance (one per process, per gateway code), refreshed at half-life like the
 * official SDKs, forced fresh once after a 401; a failed refresh keeps using a still-valid cached token.
 */
export class PhonePeAdapter implements GatewayAdapter {
  readonly provider = 'phonepe' as const;
  private readonly now: () => number;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(options: PhonePeAdapterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  createPayment(req: CreatePaymentRequest, ctx: GatewayContext): Promise<CreatePaymentResult> {
    return boundedCall<CreatePaymentOutcome>(
      ctx.timeoutMs,
      async (signal) => {
        const invalid = invalidPayment(req, resolve(ctx).mode);
        if (invalid) return { status: 'failed_permanent', errorCode: 'invalid_request', errorMessage: invalid };
        const redirectUrl = req.returnUrl ?? `${ctx.publicBaseUrl}/payments/${encodeURIComponent(req.paymentId)}`;
        if (resolve(ctx).mode === 'v1') {
          const payload = {
            merchantId: ctx.credentials['merchantId'],
            merchantTransactionId: req.attemptId,
            merchantUserId: userIdFor(req.paymentId),
            amount: req.amount,
            redirectUrl,
            redirectMode: 'REDIRECT',
            callbackUrl: ctx.callbackUrl,
            ...(req.customer?.phone ? { mobileNumber: req.customer.phone } : {}),
            paymentInstrument: { type: 'PAY_PAGE' },
          };
          const res = await this.v1Post(ctx, signal, '/pg/v1/pay', payload);
          if (!res.ok) return writeFailure(res.failure, 'create');
          const url = v1RedirectUrl(res.value);
          if (!url) return writeFailure(unexpected(res.value), 'create');
          return { status: 'pending', gatewayReference: req.attemptId, nextAction: { type: 'redirect', url } };
        }
        const body = {
          merchantOrderId: req.attemptId,
          amount: req.amount,
          metaInfo: { udf1: req.paymentId },
          paymentFlow: {
            type: 'PG_CHECKOUT',
            ...(req.description ? { message: req.description.slice(0, 200) } : {}),
            merchantUrls: { redirectUrl },
          },
        };
        const res = await this.v2Call(ctx, signal, 'POST', '/checkout/v2/pay', body);
        if (!res.ok) return writeFailure(res.failure, 'create');
        const json = res.value.json as Record<string, unknown> | undefined;
        const orderId = json?.['orderId'];
        const url = json?.['redirectUrl'];
        if (typeof orderId !== 'string' || typeof url !== 'string') {
          return writeFailure(unexpected(res.value), 'create');
        }
        return { status: 'pending', gatewayReference: orderId, nextAction: { type: 'redirect', url } };
      },
      {
        timeout: () => writeFailure(phonePeTimeout(), 'create'),
        error: (e) => writeFailure(phonePeAdapterError(describeError(e)), 'create'),
      },
    );
  }

  getPaymentStatus(query: PaymentStatusQuery, ctx: GatewayContext): Promise<PaymentStatusResult> {
    return boundedCall<Omit<PaymentStatusResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        if (resolve(ctx).mode === 'v1') {
          const res = await this.v1Status(ctx, signal, query.attemptId);
          if (!res.ok) return readFailure(res.failure);
          const data = v1Data(res.value);
          const state = phonePeState(data?.['state']);
          if (!data || !state) return readFailure(unexpected(res.value));
          return statusOf(
            state,
            stringOr(data['transactionId'], query.gatewayReference ?? query.attemptId),
            data['amount'],
            stringOr(data['responseCode'], stringOr(phonePeBodyCode(res.value.json).code, 'PAYMENT_FAILED')),
          );
        }
        const path = `/checkout/v2/order/${encodeURIComponent(query.attemptId)}/status?details=false`;
        const res = await this.v2Call(ctx, signal, 'GET', path);
        if (!res.ok) return readFailure(res.failure);
        const json = res.value.json as Record<string, unknown> | undefined;
        const state = phonePeState(json?.['state']);
        if (!json || !state) return readFailure(unexpected(res.value));
        return statusOf(
          state,
          stringOr(json['orderId'], query.gatewayReference ?? query.attemptId),
          json['amount'],
          stringOr(json['detailedErrorCode'], stringOr(json['errorCode'], 'PAYMENT_FAILED')),
        );
      },
      {
        timeout: () => readFailure(phonePeTimeout()),
        error: (e) => readFailure(phonePeAdapterError(describeError(e))),
      },
    );
  }

  refund(req: RefundRequest, ctx: GatewayContext): Promise<RefundResult> {
    return boundedCall<Omit<RefundResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        if (!Number.isInteger(req.amount) || req.amount < 100) {
          return { status: 'failed_permanent', errorCode: 'invalid_request', errorMessage: 'amount: integer ≥ 100' };
        }
        if (resolve(ctx).mode === 'v1') {
          const payload = {
            merchantId: ctx.credentials['merchantId'],
            originalTransactionId: req.attemptId,
            merchantTransactionId: req.refundId,
            amount: req.amount,
            callbackUrl: ctx.callbackUrl,
          };
          const res = await this.v1Post(ctx, signal, '/pg/v1/refund', payload);
          // v1 answers a new refund with success:true and code PAYMENT_PENDING.
          if (!res.ok) return writeFailure(res.failure, 'refund');
          const data = v1Data(res.value);
          const state = phonePeState(data?.['state']) ?? 'pending';
          return refundStatusOf(state, stringOr(data?.['transactionId'], req.refundId), 'REFUND_FAILED');
        }
        const body = { merchantRefundId: req.refundId, originalMerchantOrderId: req.attemptId, amount: req.amount };
        const res = await this.v2Call(ctx, signal, 'POST', '/payments/v2/refund', body);
        if (!res.ok) return writeFailure(res.failure, 'refund');
        const json = res.value.json as Record<string, unknown> | undefined;
        const state = phonePeState(json?.['state']);
        if (!json || typeof json['refundId'] !== 'string' || !state) {
          return writeFailure(unexpected(res.value), 'refund');
        }
        return refundStatusOf(state, json['refundId'], stringOr(json['errorCode'], 'REFUND_FAILED'));
      },
      {
        timeout: () => writeFailure(phonePeTimeout(), 'refund'),
        error: (e) => writeFailure(phonePeAdapterError(describeError(e)), 'refund'),
      },
    );
  }

  getRefundStatus(query: RefundStatusQuery, ctx: GatewayContext): Promise<RefundStatusResult> {
    return boundedCall<Omit<RefundStatusResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        if (resolve(ctx).mode === 'v1') {
          const res = await this.v1Status(ctx, signal, query.refundId);
          if (!res.ok) return readFailure(res.failure);
          const data = v1Data(res.value);
          const state = phonePeState(data?.['state']);
          if (!data || !state) return readFailure(unexpected(res.value));
          return refundStatusOf(
            state,
            stringOr(data['transactionId'], query.gatewayRefundReference ?? query.refundId),
            stringOr(data['responseCode'], 'REFUND_FAILED'),
          );
        }
        const res = await this.v2Call(
          ctx,
          signal,
          'GET',
          `/payments/v2/refund/${encodeURIComponent(query.refundId)}/status`,
        );
        if (!res.ok) return readFailure(res.failure);
        const json = res.value.json as Record<string, unknown> | undefined;
        const state = phonePeState(json?.['state']);
        if (!json || !state) return readFailure(unexpected(res.value));
        return refundStatusOf(
          state,
          stringOr(json['refundId'], query.gatewayRefundReference ?? query.refundId),
          stringOr(json['detailedErrorCode'], stringOr(json['errorCode'], 'REFUND_FAILED')),
        );
      },
      {
        timeout: () => readFailure(phonePeTimeout()),
        error: (e) => readFailure(phonePeAdapterError(describeError(e))),
      },
    );
  }

  verifyWebhook(req: WebhookRequest, ctx: GatewayContext): boolean {
    if (resolve(ctx).mode === 'v1') {
      const base64 = v1CallbackBase64(req.rawBody);
      const saltKey = ctx.credentials['saltKey'];
      const saltIndex = ctx.credentials['saltIndex'];
      if (base64 === undefined || !saltKey || !saltIndex) return false;
      return phonePeChecksumEquals(
        phonePeCallbackXVerify(base64, saltKey, saltIndex),
        headerValue(req.headers, PHONEPE_X_VERIFY_HEADER),
      );
    }
    const expected = webhookAuthorization(ctx);
    return expected !== undefined && phonePeChecksumEquals(expected, headerValue(req.headers, 'authorization'));
  }

  parseWebhook(req: WebhookRequest, ctx: GatewayContext): ParseWebhookResult {
    return resolve(ctx).mode === 'v1' ? parseV1Callback(req.rawBody) : parseV2Webhook(req.rawBody);
  }

  async healthCheck(ctx: GatewayContext): Promise<HealthCheckResult> {
    const result = await boundedCall<Omit<HealthCheckResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        if (resolve(ctx).mode === 'v1') {
          // No auth-only endpoint in v1: a status query for an id that cannot exist proves reachability and
          // the checksum (TRANSACTION_NOT_FOUND is healthy, AUTHORIZATION_FAILED is not).
          const res = await this.v1Status(ctx, signal, 'healthcheck-probe');
          if (res.ok) return { ok: true };
          return res.failure.row.read === 'not_found' ? { ok: true } : { ok: false, errorClass: res.failure.errorCode };
        }
        const token = await this.fetchToken(ctx, signal);
        return token.ok ? { ok: true } : { ok: false, errorClass: token.failure.errorCode };
      },
      {
        timeout: () => ({ ok: false, errorClass: 'timeout' }),
        error: () => ({ ok: false, errorClass: 'adapter_error' }),
      },
    );
    return result;
  }

  // ---- v2 transport ----

  private async token(ctx: GatewayContext, signal: AbortSignal, force: boolean): Promise<Call<string>> {
    const key = tokenKey(ctx);
    const cached = this.tokens.get(key);
    const nowSec = this.now() / 1000;
    const fresh = cached && nowSec < cached.issuedAt + (cached.expiresAt - cached.issuedAt) / 2;
    if (cached && fresh && !force) return { ok: true, value: cached.accessToken };
    const fetched = await this.fetchToken(ctx, signal);
    if (fetched.ok) return fetched;
    // As the SDK does: a failed refresh keeps using a token that has not expired yet (never after a 401).
    if (cached && !force && nowSec < cached.expiresAt) return { ok: true, value: cached.accessToken };
    return fetched;
  }

  private async fetchToken(ctx: GatewayContext, signal: AbortSignal): Promise<Call<string>> {
    const form = new URLSearchParams({
      client_id: ctx.credentials['clientId'] ?? '',
      client_secret: ctx.credentials['clientSecret'] ?? '',
      client_version: ctx.credentials['clientVersion'] ?? '1',
      grant_type: 'client_credentials',
    });
    const outcome = await httpRequest({
      url: `${resolve(ctx).oauthBaseUrl}/v1/oauth/token`,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      signal,
    });
    if (outcome.kind !== 'response' || outcome.status < 200 || outcome.status >= 300) {
      const failure = classifyPhonePeFailure(outcome);
      // Nothing was sent to the PG API yet: a token failure is never "unknown" for the call it guards.
      const row = {
        ...failure.row,
        create: failure.row.create === 'unknown' ? 'failed_retryable' : failure.row.create,
      };
      const refundRow = { ...row, refund: row.refund === 'unknown' ? 'failed_retryable' : row.refund } as const;
      const errorCode =
        outcome.kind === 'response' && (outcome.status === 400 || outcome.status === 401)
          ? 'gateway_auth_failed'
          : failure.errorCode;
      return { ok: false, failure: { ...failure, errorCode, row: refundRow } };
    }
    const json = outcome.json as Record<string, unknown> | undefined;
    const accessToken = json?.['access_token'];
    const expiresAt = json?.['expires_at'];
    const issuedAt = json?.['issued_at'] ?? Math.floor(this.now() / 1000);
    if (typeof accessToken !== 'string' || typeof expiresAt !== 'number' || typeof issuedAt !== 'number') {
      const failure = unexpected(outcome);
      return {
        ok: false,
        failure: { ...failure, row: { ...failure.row, create: 'failed_retryable', refund: 'failed_retryable' } },
      };
    }
    this.tokens.set(tokenKey(ctx), { accessToken, issuedAt, expiresAt });
    return { ok: true, value: accessToken };
  }

  /** One PG call with `O-Bearer`; a 401 forces one token refresh and one retry (§2.2, §3). */
  private async v2Call(
    ctx: GatewayContext,
    signal: AbortSignal,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Call<Extract<HttpOutcome, { kind: 'response' }>>> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const token = await this.token(ctx, signal, attempt > 0);
      if (!token.ok) return token;
      const outcome = await httpRequest({
        url: `${resolve(ctx).baseUrl}${path}`,
        method,
        headers: {
          Authorization: `O-Bearer ${token.value}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'x-source-version': 'V2',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      if (outcome.kind === 'response' && outcome.status === 401 && attempt === 0) continue;
      if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
        return { ok: true, value: outcome };
      }
      return { ok: false, failure: classifyPhonePeFailure(outcome) };
    }
    /* c8 ignore next */
    throw new Error('unreachable');
  }

  // ---- v1 transport ----

  private async v1Post(
    ctx: GatewayContext,
    signal: AbortSignal,
    path: string,
    payload: unknown,
  ): Promise<Call<Extract<HttpOutcome, { kind: 'response' }>>> {
    const base64 = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
    const outcome = await httpRequest({
      url: `${resolve(ctx).baseUrl}${path}`,
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        [PHONEPE_X_VERIFY_HEADER]: phonePeXVerify(
          base64,
          path,
          ctx.credentials['saltKey'] ?? '',
          ctx.credentials['saltIndex'] ?? '',
        ),
      },
      body: JSON.stringify({ request: base64 }),
      signal,
    });
    return v1Result(outcome);
  }

  private async v1Status(
    ctx: GatewayContext,
    signal: AbortSignal,
    merchantTransactionId: string,
  ): Promise<Call<Extract<HttpOutcome, { kind: 'response' }>>> {
    const merchantId = ctx.credentials['merchantId'] ?? '';
    const path = `/pg/v1/status/${encodeURIComponent(merchantId)}/${encodeURIComponent(merchantTransactionId)}`;
    const outcome = await httpRequest({
      url: `${resolve(ctx).baseUrl}${path}`,
      method: 'GET',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        [PHONEPE_X_VERIFY_HEADER]: phonePeXVerify(
          '',
          path,
          ctx.credentials['saltKey'] ?? '',
          ctx.credentials['saltIndex'] ?? '',
        ),
        [PHONEPE_MERCHANT_ID_HEADER]: merchantId,
      },
      signal,
    });
    return v1Result(outcome);
  }
}

// ---- helpers ----

function resolve(ctx: GatewayContext): Resolved {
  const mode: PhonePeMode = ctx.config['mode'] === 'v1' ? 'v1' : 'v2';
  const production = ctx.config['environment'] === 'production';
  const configured = typeof ctx.config['baseUrl'] === 'string' ? ctx.config['baseUrl'].replace(/\/+$/, '') : undefined;
  const defaultBase =
    mode === 'v1'
      ? production
        ? PHONEPE_V1_PROD_BASE_URL
        : PHONEPE_SANDBOX_BASE_URL
      : production
        ? PHONEPE_V2_PROD_BASE_URL
        : PHONEPE_SANDBOX_BASE_URL;
  const baseUrl = configured ?? defaultBase;
  const oauth =
    typeof ctx.config['oauthBaseUrl'] === 'string'
      ? ctx.config['oauthBaseUrl'].replace(/\/+$/, '')
      : (configured ?? (production ? PHONEPE_V2_PROD_OAUTH_URL : PHONEPE_SANDBOX_BASE_URL));
  return { mode, baseUrl, oauthBaseUrl: oauth };
}

function tokenKey(ctx: GatewayContext): string {
  // Per gateway code; the client id is part of the key so rotated credentials never reuse an old token.
  return `${ctx.code}\u0000${ctx.credentials['clientId'] ?? ''}`;
}

const V1_ID = /^[A-Za-z0-9_-]+$/;
const V2_ID = /^[A-Za-z0-9_-]{1,63}$/;

function invalidPayment(req: CreatePaymentRequest, mode: PhonePeMode): string | undefined {
  if (req.currency !== 'INR') return 'PhonePe only takes INR';
  if (!Number.isInteger(req.amount) || req.amount < 100) return 'amount must be an integer of at least 100 paise';
  if (mode === 'v1') {
    if (req.attemptId.length >= 35 || !V1_ID.test(req.attemptId)) {
      return 'attemptId must be under 35 characters of [A-Za-z0-9_-] for PhonePe v1';
    }
  } else if (!V2_ID.test(req.attemptId)) {
    return 'attemptId must be at most 63 characters of [A-Za-z0-9_-] for PhonePe';
  }
  return undefined;
}

function userIdFor(paymentId: string): string {
  return paymentId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 35) || 'user';
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

function unexpected(outcome: Extract<HttpOutcome, { kind: 'response' }>): PhonePeFailure {
  return {
    row: { create: 'unknown', refund: 'unknown', read: 'unknown' },
    errorCode: 'gateway_invalid_response',
    errorMessage: `PhonePe answered HTTP ${outcome.status} with an unexpected body`,
  };
}

function writeFailure(failure: PhonePeFailure, op: 'create' | 'refund'): CreatePaymentOutcome {
  const status = failure.row[op];
  return status === 'unknown'
    ? { status, errorCode: failure.errorCode, errorMessage: failure.errorMessage }
    : { status, errorCode: failure.errorCode, errorMessage: failure.errorMessage };
}

function readFailure(failure: PhonePeFailure): {
  status: 'not_found' | 'unknown';
  errorCode: string;
  errorMessage: string;
} {
  return { status: failure.row.read, errorCode: failure.errorCode, errorMessage: failure.errorMessage };
}

function statusOf(
  state: 'pending' | 'succeeded' | 'failed',
  gatewayReference: string,
  amount: unknown,
  errorCode: string,
): Omit<PaymentStatusResult, 'latencyMs'> {
  const amt = typeof amount === 'number' ? { amount, currency: 'INR' } : {};
  if (state === 'succeeded') return { status: 'succeeded', gatewayReference, ...amt };
  if (state === 'pending') return { status: 'pending', gatewayReference };
  return { status: 'failed_permanent', gatewayReference, errorCode, errorMessage: `PhonePe: ${errorCode}` };
}

function refundStatusOf(
  state: 'pending' | 'succeeded' | 'failed',
  gatewayRefundReference: string,
  errorCode: string,
): Omit<RefundStatusResult, 'latencyMs'> & Omit<RefundResult, 'latencyMs'> {
  if (state === 'failed') {
    return { status: 'failed_permanent', gatewayRefundReference, errorCode, errorMessage: `PhonePe: ${errorCode}` };
  }
  return { status: state, gatewayRefundReference };
}

/** v1 decides on `success`/`code` in the body whatever the HTTP status (§2.1). */
function v1Result(outcome: HttpOutcome): Call<Extract<HttpOutcome, { kind: 'response' }>> {
  if (outcome.kind !== 'response') return { ok: false, failure: classifyPhonePeFailure(outcome) };
  const json = outcome.json as Record<string, unknown> | undefined;
  if (json && json['success'] === true && outcome.status >= 200 && outcome.status < 300) {
    return { ok: true, value: outcome };
  }
  // A v1 status query for a PENDING/FAILED transaction answers success:false with a state in `data`.
  if (json && outcome.status >= 200 && outcome.status < 300 && phonePeState(v1Data(outcome)?.['state'])) {
    return { ok: true, value: outcome };
  }
  if (json && typeof json['code'] === 'string') return { ok: false, failure: classifyPhonePeFailure(outcome) };
  if (outcome.status >= 200 && outcome.status < 300) return { ok: false, failure: unexpected(outcome) };
  return { ok: false, failure: classifyPhonePeFailure(outcome) };
}

function v1Data(outcome: Extract<HttpOutcome, { kind: 'response' }>): Record<string, unknown> | undefined {
  const data = (outcome.json as Record<string, unknown> | undefined)?.['data'];
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
}

function v1RedirectUrl(outcome: Extract<HttpOutcome, { kind: 'response' }>): string | undefined {
  const url = (v1Data(outcome)?.['instrumentResponse'] as { redirectInfo?: { url?: unknown } } | undefined)
    ?.redirectInfo?.url;
  return typeof url === 'string' ? url : undefined;
}

function webhookAuthorization(ctx: GatewayContext): string | undefined {
  const user = ctx.credentials['webhookUsername'];
  const pass = ctx.credentials['webhookPassword'];
  if (user && pass) return phonePeWebhookAuthorization(user, pass);
  const sep = ctx.webhookSecret.indexOf(':');
  if (sep <= 0 || sep === ctx.webhookSecret.length - 1) return undefined;
  return phonePeWebhookAuthorization(ctx.webhookSecret.slice(0, sep), ctx.webhookSecret.slice(sep + 1));
}

function v1CallbackBase64(rawBody: string): string | undefined {
  try {
    const body = JSON.parse(rawBody) as unknown;
    const response = (body as { response?: unknown } | null)?.response;
    return typeof response === 'string' && response.length > 0 ? response : undefined;
  } catch {
    return undefined;
  }
}

const V2_PAYMENT_EVENTS: Record<string, 'succeeded' | 'failed'> = {
  'checkout.order.completed': 'succeeded',
  'checkout.order.failed': 'failed',
};
const V2_REFUND_EVENTS: Record<string, 'succeeded' | 'failed'> = {
  'pg.refund.completed': 'succeeded',
  'pg.refund.failed': 'failed',
};

/**
 * v2 body `{event, type, payload}`. Nothing here is authenticated beyond the static header, so the event only
 * tells us *which* id to look at: `requiresStatusConfirmation` is always true. The event id is derived from
 * (event, id, state), stable across redeliveries, since PhonePe sends none.
 */
export function parseV2Webhook(rawBody: string): ParseWebhookResult {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { error: 'malformed', message: 'PhonePe webhook body is not JSON' };
  }
  if (typeof body !== 'object' || body === null) return { error: 'malformed', message: 'not an object' };
  const { event, payload } = body as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string' || typeof payload !== 'object' || payload === null) {
    return { error: 'malformed', message: 'PhonePe webhook without event/payload' };
  }
  const p = payload as Record<string, unknown>;
  const state = typeof p['state'] === 'string' ? p['state'] : '';
  const isRefund = event.startsWith('pg.refund.');
  const id = isRefund ? p['merchantRefundId'] : p['merchantOrderId'];
  if (typeof id !== 'string' || id.length === 0) return { error: 'malformed', message: 'PhonePe webhook without id' };
  const providerEventId = `phonepe_${sha256Hex(`${event}|${id}|${state}`).slice(0, 40)}`;
  // payload.state is the truth (§2.2); the event name only says which kind of entity it is.
  const mapped = phonePeState(state);
  const known = isRefund ? V2_REFUND_EVENTS[event] : V2_PAYMENT_EVENTS[event];
  if (!known || !mapped || mapped === 'pending') {
    return {
      error: 'unsupported_event',
      message: `PhonePe event ${event} (${state}) is not acted on`,
      providerEventId,
    };
  }
  const amount = typeof p['amount'] === 'number' ? { amount: p['amount'], currency: 'INR' } : {};
  const errorCode = typeof p['errorCode'] === 'string' ? p['errorCode'] : undefined;
  const result: PhonePeWebhookEvent = isRefund
    ? {
        providerEventId,
        kind: 'refund',
        refundId: id,
        attemptId: typeof p['originalMerchantOrderId'] === 'string' ? p['originalMerchantOrderId'] : undefined,
        gatewayRefundReference: typeof p['refundId'] === 'string' ? p['refundId'] : undefined,
        status: mapped,
        ...amount,
        ...(mapped === 'failed' && errorCode ? { errorCode, errorMessage: `PhonePe: ${errorCode}` } : {}),
        requiresStatusConfirmation: true,
      }
    : {
        providerEventId,
        kind: 'payment',
        attemptId: id,
        gatewayReference: typeof p['orderId'] === 'string' ? p['orderId'] : undefined,
        status: mapped,
        ...amount,
        ...(mapped === 'failed' && errorCode ? { errorCode, errorMessage: `PhonePe: ${errorCode}` } : {}),
        requiresStatusConfirmation: true,
      };
  return result;
}

/** v1 `{"response": base64(status-shaped JSON)}`, checksummed as a whole, so it can be acted on directly. */
export function parseV1Callback(rawBody: string): ParseWebhookResult {
  const base64 = v1CallbackBase64(rawBody);
  if (base64 === undefined) return { error: 'malformed', message: 'PhonePe v1 callback without response' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    return { error: 'malformed', message: 'PhonePe v1 callback response is not base64 JSON' };
  }
  const data = (decoded as { data?: unknown } | null)?.data;
  const code = (decoded as { code?: unknown } | null)?.code;
  if (typeof data !== 'object' || data === null) return { error: 'malformed', message: 'no data' };
  const d = data as Record<string, unknown>;
  const id = d['merchantTransactionId'];
  if (typeof id !== 'string') return { error: 'malformed', message: 'no merchantTransactionId' };
  const providerEventId = `phonepe_${sha256Hex(base64).slice(0, 40)}`;
  const mapped = phonePeState(d['state']);
  if (!mapped || mapped === 'pending') {
    return { error: 'unsupported_event', message: 'PhonePe v1 callbacks are terminal only', providerEventId };
  }
  const errorCode =
    typeof d['responseCode'] === 'string' ? d['responseCode'] : typeof code === 'string' ? code : undefined;
  const event: PhonePeWebhookEvent = {
    providerEventId,
    kind: 'payment',
    attemptId: id,
    gatewayReference: typeof d['transactionId'] === 'string' ? d['transactionId'] : undefined,
    status: mapped,
    ...(typeof d['amount'] === 'number' ? { amount: d['amount'], currency: 'INR' } : {}),
    ...(mapped === 'failed' && errorCode ? { errorCode, errorMessage: `PhonePe: ${errorCode}` } : {}),
    requiresStatusConfirmation: false,
  };
  return event;
}
