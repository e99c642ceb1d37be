import { abortableDelay, boundedCall, describeError, effectiveTimeoutMs } from '../bounded-call';
import {
  GATEWAY_PAYMENT_METHODS,
  type CreatePaymentOutcome,
  type CreatePaymentRequest,
  type CreatePaymentResult,
  type GatewayAdapter,
  type GatewayContext,
  type HealthCheckResult,
  type ParseWebhookResult,
  type PaymentStatusQuery,
  type PaymentStatusResult,
  type RefundRequest,
  type RefundResult,
  type RefundStatusQuery,
  type RefundStatusResult,
  type WebhookRequest,
} from '../gateway-adapter';
import { httpRequest } from '../http-client';
import { headerValue, verifyHmacSha256Hex } from '../webhook-signature';
import {
  SANDBOX_SIGNATURE_HEADER,
  attemptIdFromSandboxReference,
  buildSandboxCallback,
  isSandboxAttemptId,
  parseSandboxCallback,
  sandboxReference,
  sandboxRefundReference,
  signSandboxCallback,
  type SandboxCallbackBody,
} from './sandbox-callback';
import { DEFAULT_SANDBOX_CALLBACK_DELAY_MS, readSandboxConfig, type SandboxConfig } from './sandbox-config';
import {
  SANDBOX_ERROR_MESSAGES,
  sandboxRefundDeclined,
  sandboxScenario,
  type SandboxErrorCode,
} from './sandbox-scenarios';

/** Delivers one callback; resolves with the receiver's HTTP status, rejects on a network failure. */
export type SandboxCallbackSender = (
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<{ status: number }>;

export interface SandboxCallbackFailure {
  attemptId: string;
  eventId: string;
  url: string;
  /** `http_<status>`, `timeout`, or a short network error description. */
  reason: string;
}

export interface SandboxGatewayAdapterOptions {
  /** Defaults to an HTTP POST with Node's fetch. */
  send?: SandboxCallbackSender;
  /** A callback that could not be delivered (it is not retried: the stale-payment monitor reconciles). */
  onCallbackError?: (failure: SandboxCallbackFailure) => void;
  /** Used when `config.callbackDelayMs` is absent; the API passes `SANDBOX_CALLBACK_DELAY` here. */
  defaultCallbackDelayMs?: number;
  /** Source of randomness for `config.failureRate`, in [0, 1). */
  random?: () => number;
}

const defaultSender: SandboxCallbackSender = async (url, body, headers, signal) => {
  const outcome = await httpRequest({ url, method: 'POST', headers, body, signal });
  if (outcome.kind === 'network_error') throw new Error(`${outcome.code} ${outcome.message}`.trim());
  return { status: outcome.status };
};

/**
 * The `sandbox` provider (API.md §5): answers like a real gateway without leaving the process, except for the
 * outcome callback, which is POSTed to the platform's own webhook endpoint like any provider's.
 *
 * Stateless by design: answers derive from the amount, the attempt number and our ids only, so every replica
 * answers a status query identically. The one piece of process state is the timer of a pending callback; if the
 * process dies before it fires, the callback is lost, which real gateways also do and which the stale-payment
 * monitor resolves by status query.
 *
 * Sandbox-specific decisions:
 * - Amount ending `56` (accepted, answer lost) returns `unknown` at once instead of sleeping until the timeout:
 *   the platform sees exactly what a timeout produces, without tying up a worker. No callback follows (the
 *   customer never got a redirect); the status query answers succeeded.
 * - A status query answers as though the create call had been accepted: succeeded for captured amounts even
 *   before the callback is sent. Attempts refused before acceptance (`52` on attempt 1, `55`) are `not_found`.
 *   Random `failureRate` refusals are not remembered (stateless), so only attempts that ended `pending` or
 *   `unknown` should be queried — which is all the platform ever queries.
 * - Refunds complete synchronously (`succeeded`, reference `sbxrfnd_<refundId>`) unless the refund amount ends
 *   in `51` (`failed_permanent` `refund_declined`); no refund callback is sent.
 */
export class SandboxGatewayAdapter implements GatewayAdapter {
  readonly provider = 'sandbox' as const;

  private readonly send: SandboxCallbackSender;
  private readonly onCallbackError?: (failure: SandboxCallbackFailure) => void;
  private readonly defaultCallbackDelayMs: number;
  private readonly random: () => number;
  private readonly pendingCallbacks = new Set<Promise<void>>();

  constructor(options: SandboxGatewayAdapterOptions = {}) {
    this.send = options.send ?? defaultSender;
    this.onCallbackError = options.onCallbackError;
    this.defaultCallbackDelayMs = options.defaultCallbackDelayMs ?? DEFAULT_SANDBOX_CALLBACK_DELAY_MS;
    this.random = options.random ?? Math.random;
  }

  createPayment(req: CreatePaymentRequest, ctx: GatewayContext): Promise<CreatePaymentResult> {
    return boundedCall<CreatePaymentOutcome>(
      ctx.timeoutMs,
      async (signal) => {
        const config = this.config(ctx);
        // Like a refused connection: nothing reached the gateway.
        if (config.mode === 'down') return retryable('gateway_unavailable');
        await abortableDelay(config.latencyMs, signal);
        if (this.random() < config.failureRate) return retryable('gateway_unavailable');
        const invalid = invalidPaymentRequest(req);
        if (invalid) return { status: 'failed_permanent', errorCode: 'invalid_request', errorMessage: invalid };

        const gatewayReference = sandboxReference(req.attemptId);
        const redirect = {
          type: 'redirect' as const,
          url: `${trimSlash(ctx.publicBaseUrl)}/sandbox/checkout/${encodeURIComponent(gatewayReference)}`,
        };
        const scenario = sandboxScenario(req.amount);
        switch (scenario) {
          case 'card_declined':
            return { ...permanent('card_declined'), gatewayReference };
          case 'always_unavailable':
            return retryable('gateway_unavailable');
          case 'timeout_after_acceptance':
            return unknown('gateway_timeout');
          case 'pending_without_callback':
            return { status: 'pending', gatewayReference, nextAction: redirect };
          case 'insufficient_funds':
            this.scheduleCallback(
              ctx,
              config,
              signal,
              buildSandboxCallback({ status: 'failed', errorCode: 'insufficient_funds' }, req),
            );
            return { status: 'pending', gatewayReference, nextAction: redirect };
          case 'first_attempt_unavailable':
            if (req.attemptNumber === 1) return retryable('gateway_unavailable');
            break;
          case 'captured':
            break;
        }
        this.scheduleCallback(ctx, config, signal, buildSandboxCallback({ status: 'succeeded' }, req));
        return { status: 'pending', gatewayReference, nextAction: redirect };
      },
      // The request was on its way: the gateway may have accepted it.
      { timeout: () => unknown('gateway_timeout'), error: (error) => unknownFromError(error) },
    );
  }

  getPaymentStatus(query: PaymentStatusQuery, ctx: GatewayContext): Promise<PaymentStatusResult> {
    return boundedCall<Omit<PaymentStatusResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        const config = this.config(ctx);
        if (config.mode === 'down') return unknown('gateway_unavailable');
        await abortableDelay(config.latencyMs, signal);
        if (!isSandboxAttemptId(query.attemptId)) return { status: 'not_found' };
        const gatewayReference = sandboxReference(query.attemptId);
        if (query.gatewayReference !== null && query.gatewayReference !== gatewayReference) {
          return { status: 'not_found' };
        }
        const succeeded = {
          status: 'succeeded' as const,
          gatewayReference,
          amount: query.amount,
          currency: query.currency,
        };
        switch (sandboxScenario(query.amount)) {
          case 'card_declined':
            return { ...permanent('card_declined'), gatewayReference };
          case 'insufficient_funds':
            return { ...permanent('insufficient_funds'), gatewayReference };
          case 'always_unavailable':
            return { status: 'not_found' };
          case 'first_attempt_unavailable':
            // Without an attempt number assume an accepted (later) attempt: the refused first one ended
            // failed_retryable and is never queried.
            return query.attemptNumber === 1 ? { status: 'not_found' } : succeeded;
          case 'captured':
          case 'pending_without_callback':
          case 'timeout_after_acceptance':
            return succeeded;
        }
      },
      { timeout: () => unknown('gateway_timeout'), error: (error) => unknownFromError(error) },
    );
  }

  refund(req: RefundRequest, ctx: GatewayContext): Promise<RefundResult> {
    return boundedCall<Omit<RefundResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        const config = this.config(ctx);
        if (config.mode === 'down') return retryable('gateway_unavailable');
        await abortableDelay(config.latencyMs, signal);
        if (this.random() < config.failureRate) return retryable('gateway_unavailable');
        const invalid = invalidRefundRequest(req);
        if (invalid) return { status: 'failed_permanent', errorCode: 'invalid_request', errorMessage: invalid };
        if (!issuedReference(req.gatewayReference, req.attemptId)) return permanent('not_found');
        const gatewayRefundReference = sandboxRefundReference(req.refundId);
        return sandboxRefundDeclined(req.amount)
          ? { ...permanent('refund_declined'), gatewayRefundReference }
          : { status: 'succeeded', gatewayRefundReference };
      },
      { timeout: () => unknown('gateway_timeout'), error: (error) => unknownFromError(error) },
    );
  }

  getRefundStatus(query: RefundStatusQuery, ctx: GatewayContext): Promise<RefundStatusResult> {
    return boundedCall<Omit<RefundStatusResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        const config = this.config(ctx);
        if (config.mode === 'down') return unknown('gateway_unavailable');
        await abortableDelay(config.latencyMs, signal);
        const gatewayRefundReference = sandboxRefundReference(query.refundId);
        if (query.gatewayRefundReference !== null && query.gatewayRefundReference !== gatewayRefundReference) {
          return { status: 'not_found' };
        }
        if (!issuedReference(query.gatewayReference, query.attemptId)) return { status: 'not_found' };
        return sandboxRefundDeclined(query.amount)
          ? { ...permanent('refund_declined'), gatewayRefundReference }
          : { status: 'succeeded', gatewayRefundReference };
      },
      { timeout: () => unknown('gateway_timeout'), error: (error) => unknownFromError(error) },
    );
  }

  verifyWebhook(req: WebhookRequest, ctx: GatewayContext): boolean {
    return verifyHmacSha256Hex(req.rawBody, headerValue(req.headers, SANDBOX_SIGNATURE_HEADER), ctx.webhookSecret);
  }

  parseWebhook(req: WebhookRequest, _ctx: GatewayContext): ParseWebhookResult {
    return parseSandboxCallback(req.rawBody);
  }

  healthCheck(ctx: GatewayContext): Promise<HealthCheckResult> {
    return boundedCall<Omit<HealthCheckResult, 'latencyMs'>>(
      ctx.timeoutMs,
      async (signal) => {
        const config = this.config(ctx);
        if (config.mode === 'down') return { ok: false, errorClass: 'gateway_unavailable' };
        await abortableDelay(config.latencyMs, signal);
        return { ok: true };
      },
      {
        timeout: () => ({ ok: false, errorClass: 'timeout' }),
        error: () => ({ ok: false, errorClass: 'adapter_error' }),
      },
    );
  }

  /**
   * Resolves once every callback scheduled so far has been delivered or has failed (for graceful shutdown and
   * for tests that must prove a callback was not sent).
   */
  async whenCallbacksSettled(): Promise<void> {
    while (this.pendingCallbacks.size > 0) await Promise.all([...this.pendingCallbacks]);
  }

  private config(ctx: GatewayContext): SandboxConfig {
    return readSandboxConfig(ctx.config ?? {}, this.defaultCallbackDelayMs);
  }

  /** Fire-and-forget: never rejects, never delays the create call's answer. */
  private scheduleCallback(
    ctx: GatewayContext,
    config: SandboxConfig,
    signal: AbortSignal,
    body: SandboxCallbackBody,
  ): void {
    // A create call that already timed out answered `unknown`; its status query settles it instead.
    if (signal.aborted) return;
    const rawBody = JSON.stringify(body);
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'LightSpeedPay-Sandbox/1',
      [SANDBOX_SIGNATURE_HEADER]: signSandboxCallback(rawBody, ctx.webhookSecret),
    };
    const { callbackUrl, timeoutMs } = ctx;
    const delivery = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        void this.deliver(callbackUrl, rawBody, headers, body, timeoutMs).finally(resolve);
      }, config.callbackDelayMs);
      // A pending callback must not keep a process alive that is otherwise shutting down.
      timer.unref();
    });
    this.pendingCallbacks.add(delivery);
    void delivery.finally(() => this.pendingCallbacks.delete(delivery));
  }

  private async deliver(
    url: string,
    rawBody: string,
    headers: Record<string, string>,
    body: SandboxCallbackBody,
    timeoutMs: number,
  ): Promise<void> {
    const result = await boundedCall<{ reason: string | null }>(
      effectiveTimeoutMs(timeoutMs),
      async (signal) => {
        const { status } = await this.send(url, rawBody, headers, signal);
        return { reason: status >= 200 && status < 300 ? null : `http_${status}` };
      },
      { timeout: () => ({ reason: 'timeout' }), error: (error) => ({ reason: describeError(error) }) },
    );
    if (result.reason === null || !this.onCallbackError) return;
    try {
      this.onCallbackError({ attemptId: body.attemptId, eventId: body.id, url, reason: result.reason });
    } catch {
      // A failing observer must not turn a lost callback into an unhandled rejection.
    }
  }
}

function permanent(code: SandboxErrorCode) {
  return { status: 'failed_permanent' as const, errorCode: code, errorMessage: SANDBOX_ERROR_MESSAGES[code] };
}

function retryable(code: SandboxErrorCode) {
  return { status: 'failed_retryable' as const, errorCode: code, errorMessage: SANDBOX_ERROR_MESSAGES[code] };
}

function unknown(code: SandboxErrorCode) {
  return { status: 'unknown' as const, errorCode: code, errorMessage: SANDBOX_ERROR_MESSAGES[code] };
}

function unknownFromError(error: unknown) {
  return { status: 'unknown' as const, errorCode: 'adapter_error', errorMessage: describeError(error) };
}

/** A reference the sandbox issued, for `attemptId` when one is given (the refund path may not know it). */
function issuedReference(gatewayReference: string, attemptId: string): boolean {
  const issuedFor = attemptIdFromSandboxReference(gatewayReference);
  return issuedFor !== null && (attemptId === '' || issuedFor === attemptId);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function isMinorAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isCurrency(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
}

function invalidPaymentRequest(req: CreatePaymentRequest): string | null {
  if (!isSandboxAttemptId(req.attemptId)) return 'attemptId must be 1-64 characters of [A-Za-z0-9_-]';
  if (!Number.isSafeInteger(req.attemptNumber) || req.attemptNumber < 1) return 'attemptNumber must be >= 1';
  if (!isMinorAmount(req.amount)) return 'amount must be a positive integer in minor units';
  if (!isCurrency(req.currency)) return 'currency must be an upper-case ISO 4217 code';
  if (!(GATEWAY_PAYMENT_METHODS as readonly string[]).includes(req.method)) return 'method is not supported';
  return null;
}

function invalidRefundRequest(req: RefundRequest): string | null {
  if (!isSandboxAttemptId(req.refundId)) return 'refundId must be 1-64 characters of [A-Za-z0-9_-]';
  if (!isMinorAmount(req.amount)) return 'amount must be a positive integer in minor units';
  if (!isCurrency(req.currency)) return 'currency must be an upper-case ISO 4217 code';
  return null;
}
