import type { HttpOutcome } from '../http-client';

/**
 * How a PhonePe answer maps to our outcome classes (GATEWAY_APIS.md §2, §3), as tables so that every row has a
 * test (phonepe-errors.spec.ts).
 *
 * Per operation:
 * - `create`: `failed_retryable` (certainly not payable: failover is safe), `failed_permanent`, or `unknown`.
 *   A 5xx/INTERNAL_SERVER_ERROR on create is retryable, as in the Razorpay adapter: an order whose answer was lost
 *   never has its checkout URL shown to a customer, so it can never be paid.
 * - `refund`: a 5xx/INTERNAL_SERVER_ERROR/TIMED_OUT/PAYMENT_PENDING may have initiated the refund: `unknown`,
 *   resolved by the refund status call before any resend (§2.1 Refund, §3).
 * - `read`: only "no such id" is `not_found`; every other failure of a status query is `unknown` (ask again) — a
 *   refused status query says nothing about the payment, so it must never read as a failed payment.
 */
export type PhonePeOperation = 'create' | 'refund' | 'read';
export type PhonePeWriteClass = 'failed_retryable' | 'failed_permanent' | 'unknown';
export type PhonePeReadClass = 'not_found' | 'unknown';

export interface PhonePeCodeRow {
  create: PhonePeWriteClass;
  refund: PhonePeWriteClass;
  read: PhonePeReadClass;
}

/** Provider `code` values in error bodies (v1 `code`, v2 `code`/`errorCode`). */
export const PHONEPE_CODE_TABLE: Readonly<Record<string, PhonePeCodeRow>> = {
  INTERNAL_SERVER_ERROR: { create: 'failed_retryable', refund: 'unknown', read: 'unknown' },
  TOO_MANY_REQUESTS: { create: 'failed_retryable', refund: 'failed_retryable', read: 'unknown' },
  PAYMENT_PENDING: { create: 'unknown', refund: 'unknown', read: 'unknown' },
  TIMED_OUT: { create: 'unknown', refund: 'unknown', read: 'unknown' },
  BAD_REQUEST: { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' },
  AUTHORIZATION_FAILED: { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' },
  KEY_NOT_CONFIGURED: { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' },
  REVERSAL_WINDOW_EXCEEDED: { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' },
  PAYMENT_ERROR: { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' },
  PAYMENT_DECLINED: { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' },
  TRANSACTION_NOT_FOUND: { create: 'failed_permanent', refund: 'failed_permanent', read: 'not_found' },
  MERCHANT_ORDER_MAPPING_NOT_FOUND: { create: 'failed_permanent', refund: 'failed_permanent', read: 'not_found' },
};

/** HTTP statuses, used when the body carries no code we know. 401 reaches here only after the one refresh. */
export function phonePeHttpRow(status: number): PhonePeCodeRow {
  if (status === 429) return { create: 'failed_retryable', refund: 'failed_retryable', read: 'unknown' };
  if (status >= 500) return { create: 'failed_retryable', refund: 'unknown', read: 'unknown' };
  if (status === 404) return { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' };
  if (status >= 400) return { create: 'failed_permanent', refund: 'failed_permanent', read: 'unknown' };
  // 2xx with an unexpected body, 1xx/3xx: something answered, we cannot tell what it did.
  return { create: 'unknown', refund: 'unknown', read: 'unknown' };
}

export type PhonePeState = 'pending' | 'succeeded' | 'failed';

/** Order/transaction/refund `state` strings. EXPIRED (seen only in an SDK test) is a final failure. */
export const PHONEPE_STATE_TABLE: Readonly<Record<string, PhonePeState>> = {
  PENDING: 'pending',
  CONFIRMED: 'pending', // v2 refund accepted by PhonePe, not yet settled
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  EXPIRED: 'failed',
};

export function phonePeState(state: unknown): PhonePeState | undefined {
  return typeof state === 'string' && Object.prototype.hasOwnProperty.call(PHONEPE_STATE_TABLE, state)
    ? PHONEPE_STATE_TABLE[state]
    : undefined;
}

export interface PhonePeFailure {
  row: PhonePeCodeRow;
  errorCode: string;
  errorMessage: string;
}

export function phonePeBodyCode(json: unknown): { code?: string; message?: string } {
  if (typeof json !== 'object' || json === null) return {};
  const b = json as Record<string, unknown>;
  const code =
    typeof b['code'] === 'string' ? b['code'] : typeof b['errorCode'] === 'string' ? b['errorCode'] : undefined;
  const message = typeof b['message'] === 'string' ? b['message'] : undefined;
  return { code, message };
}

const ALL_UNKNOWN: PhonePeCodeRow = { create: 'unknown', refund: 'unknown', read: 'unknown' };

export function phonePeTimeout(): PhonePeFailure {
  return { row: ALL_UNKNOWN, errorCode: 'gateway_timeout', errorMessage: 'No answer from PhonePe in time' };
}

export function phonePeAdapterError(message: string): PhonePeFailure {
  return { row: ALL_UNKNOWN, errorCode: 'adapter_error', errorMessage: message.slice(0, 500) };
}

/**
 * Classifies anything that is not the success body we expected: network errors, error bodies (by `code` first —
 * v1 decides on the body, not the HTTP status), then the HTTP status; HTML, empty or garbage bodies included.
 */
export function classifyPhonePeFailure(outcome: HttpOutcome): PhonePeFailure {
  if (outcome.kind === 'network_error') {
    return outcome.requestSent
      ? {
          row: { create: 'unknown', refund: 'unknown', read: 'unknown' },
          errorCode: 'gateway_connection_lost',
          errorMessage: `Connection to PhonePe failed after the request was sent (${outcome.code})`,
        }
      : {
          row: { create: 'failed_retryable', refund: 'failed_retryable', read: 'unknown' },
          errorCode: 'gateway_unavailable',
          errorMessage: `Could not reach PhonePe (${outcome.code})`,
        };
  }
  const { code, message } = phonePeBodyCode(outcome.json);
  const detail = message ?? (outcome.json === undefined ? 'non-JSON body' : 'no message');
  const errorMessage = `PhonePe HTTP ${outcome.status}${code ? ` ${code}` : ''}: ${detail}`.slice(0, 500);
  if (code !== undefined && Object.prototype.hasOwnProperty.call(PHONEPE_CODE_TABLE, code)) {
    return { row: PHONEPE_CODE_TABLE[code], errorCode: code, errorMessage };
  }
  const errorCode =
    outcome.status === 429
      ? 'gateway_rate_limited'
      : outcome.status >= 500
        ? 'gateway_server_error'
        : outcome.status === 401
          ? 'gateway_auth_failed'
          : outcome.status >= 400
            ? (code ?? 'gateway_rejected')
            : 'gateway_invalid_response';
  return { row: phonePeHttpRow(outcome.status), errorCode, errorMessage };
}
