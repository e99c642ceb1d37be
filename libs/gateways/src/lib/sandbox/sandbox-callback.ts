import type { ParseWebhookResult } from '../gateway-adapter';
import { hmacSha256Hex } from '../webhook-signature';
import { SANDBOX_ERROR_MESSAGES } from './sandbox-scenarios';

/** Sent as written; Node lowercases it on receipt and `verifyWebhook` looks it up case-insensitively. */
export const SANDBOX_SIGNATURE_HEADER = 'X-Sandbox-Signature';

/** The body of a sandbox outcome callback (`X-Sandbox-Signature` = hex HMAC-SHA256 of these exact bytes). */
export interface SandboxCallbackBody {
  /** `sbxevt_<attemptId>_<succeeded|failed>`: one event per attempt outcome, stable on redelivery. */
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  attemptId: string;
  gatewayReference: string;
  amount: number;
  currency: string;
  errorCode?: string;
}

const ATTEMPT_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const REFERENCE_PREFIX = 'sbx_';

/** The sandbox's id for an attempt is derived from ours, so a status query by attempt id is deterministic. */
export function sandboxReference(attemptId: string): string {
  return `${REFERENCE_PREFIX}${attemptId}`;
}

export function sandboxRefundReference(refundId: string): string {
  return `sbxrfnd_${refundId}`;
}

/** The attempt id inside a sandbox reference (e.g. to serve `/sandbox/checkout/<reference>`), or null. */
export function attemptIdFromSandboxReference(reference: string): string | null {
  if (!reference.startsWith(REFERENCE_PREFIX)) return null;
  const attemptId = reference.slice(REFERENCE_PREFIX.length);
  return isSandboxAttemptId(attemptId) ? attemptId : null;
}

export function isSandboxAttemptId(value: unknown): value is string {
  return typeof value === 'string' && ATTEMPT_ID_RE.test(value);
}

export function buildSandboxCallback(
  outcome: { status: 'succeeded' } | { status: 'failed'; errorCode: string },
  attempt: { attemptId: string; amount: number; currency: string },
): SandboxCallbackBody {
  const body: SandboxCallbackBody = {
    id: `sbxevt_${attempt.attemptId}_${outcome.status}`,
    type: outcome.status === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
    attemptId: attempt.attemptId,
    gatewayReference: sandboxReference(attempt.attemptId),
    amount: attempt.amount,
    currency: attempt.currency,
  };
  if (outcome.status === 'failed') body.errorCode = outcome.errorCode;
  return body;
}

export function signSandboxCallback(rawBody: string, webhookSecret: string): string {
  return hmacSha256Hex(rawBody, webhookSecret);
}

/** Parses a callback body the sandbox sent; anything else is `malformed`. Does not check the signature. */
export function parseSandboxCallback(rawBody: string): ParseWebhookResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return malformed('body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return malformed('body is not an object');
  const body = parsed as Record<string, unknown>;
  const { id, type, attemptId, gatewayReference, amount, currency, errorCode } = body;

  if (typeof type !== 'string') return malformed('type is missing');
  if (type !== 'payment.succeeded' && type !== 'payment.failed') {
    return {
      error: 'unsupported_event',
      message: `event type ${JSON.stringify(type.slice(0, 64))} is not handled`,
      ...(typeof id === 'string' ? { providerEventId: id.slice(0, 200) } : {}),
    };
  }
  const status = type === 'payment.succeeded' ? 'succeeded' : 'failed';
  if (!isSandboxAttemptId(attemptId)) return malformed('attemptId is missing or malformed');
  if (id !== `sbxevt_${attemptId}_${status}`) return malformed('id does not match attemptId and type');
  if (gatewayReference !== sandboxReference(attemptId)) return malformed('gatewayReference does not match attemptId');
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    return malformed('amount must be a positive integer');
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return malformed('currency must be ISO 4217');
  if (status === 'failed' && (typeof errorCode !== 'string' || !/^[a-z0-9_]{1,64}$/.test(errorCode))) {
    return malformed('a failure needs an errorCode');
  }
  if (status === 'succeeded' && errorCode !== undefined) return malformed('a success carries no errorCode');

  return {
    providerEventId: id,
    kind: 'payment',
    attemptId,
    gatewayReference,
    status,
    amount,
    currency,
    ...(status === 'failed' && typeof errorCode === 'string'
      ? { errorCode, errorMessage: errorMessageFor(errorCode) }
      : {}),
  };
}

function errorMessageFor(code: string): string {
  return Object.prototype.hasOwnProperty.call(SANDBOX_ERROR_MESSAGES, code)
    ? SANDBOX_ERROR_MESSAGES[code as keyof typeof SANDBOX_ERROR_MESSAGES]
    : 'The sandbox gateway reported a failure.';
}

function malformed(message: string): ParseWebhookResult {
  return { error: 'malformed', message };
}
