import type { HttpOutcome } from '../http-client';

/**
 * How a Razorpay call that did not produce the expected entity is classified (GATEWAY_APIS.md §3), as one table
 * so that every row has a test (razorpay-errors.spec.ts).
 *
 * - `retryable`: the gateway certainly did not act on the request; sending it again (or failing over) is safe.
 * - `unknown`: it may have acted; reconcile by a status query before anything else.
 * - `permanent`: it refused the request; sending the same request again cannot help.
 *
 * `op` matters for 5xx. An order (`create`) that a 5xx may or may not have created is harmless: no customer is
 * ever sent to its checkout, so it can never be paid, and failing over is safe. A refund (`refund`) that a 5xx may
 * have initiated moves money, so it is `unknown` and is resolved by `getRefundStatus` (and a resend reuses the same
 * `X-Refund-Idempotency` key), as §3 says for writes.
 */
export type RazorpayFailureClass = 'retryable' | 'unknown' | 'permanent';
export type RazorpayOperation = 'create' | 'refund' | 'read';

export interface RazorpayFailure {
  class: RazorpayFailureClass;
  errorCode: string;
  errorMessage: string;
}

export interface RazorpayErrorBody {
  code?: string;
  description?: string;
  field?: string | null;
  reason?: string | null;
}

export function razorpayErrorBody(json: unknown): RazorpayErrorBody | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  return {
    code: typeof e['code'] === 'string' ? e['code'] : undefined,
    description: typeof e['description'] === 'string' ? e['description'] : undefined,
    field: typeof e['field'] === 'string' ? e['field'] : null,
    reason: typeof e['reason'] === 'string' ? e['reason'] : null,
  };
}

const SERVER_SIDE_CODES = new Set(['SERVER_ERROR', 'GATEWAY_ERROR']);

/** The request timed out after it was sent (boundedCall's deadline). */
export function razorpayTimeout(): RazorpayFailure {
  return { class: 'unknown', errorCode: 'gateway_timeout', errorMessage: 'No answer from Razorpay in time' };
}

/** A failure inside the adapter itself (a bug): the request may have been sent. */
export function razorpayAdapterError(message: string): RazorpayFailure {
  return { class: 'unknown', errorCode: 'adapter_error', errorMessage: message };
}

/** The answer was 2xx but not the entity we asked for (HTML from a proxy, empty, wrong shape). */
export function razorpayUnexpectedBody(status: number): RazorpayFailure {
  return {
    class: 'unknown',
    errorCode: 'gateway_invalid_response',
    errorMessage: `Razorpay answered HTTP ${status} with an unexpected body`,
  };
}

/** Classifies a network error or a response whose status is not 2xx. */
export function classifyRazorpayFailure(outcome: HttpOutcome, op: RazorpayOperation): RazorpayFailure {
  if (outcome.kind === 'network_error') {
    return outcome.requestSent
      ? {
          class: 'unknown',
          errorCode: 'gateway_connection_lost',
          errorMessage: `Connection to Razorpay failed after the request was sent (${outcome.code})`,
        }
      : {
          class: 'retryable',
          errorCode: 'gateway_unavailable',
          errorMessage: `Could not reach Razorpay (${outcome.code})`,
        };
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return razorpayUnexpectedBody(status);
  const body = razorpayErrorBody(outcome.json);
  const description = body?.description ?? (outcome.json === undefined ? 'non-JSON body' : 'no description');
  const message = `Razorpay HTTP ${status}: ${description}`.slice(0, 500);

  if (status === 429) return { class: 'retryable', errorCode: 'gateway_rate_limited', errorMessage: message };
  // A SERVER_ERROR/GATEWAY_ERROR body is a server-side failure whatever the status (the Python SDK does the same).
  if (status >= 500 || (body?.code !== undefined && SERVER_SIDE_CODES.has(body.code))) {
    return {
      class: op === 'refund' ? 'unknown' : 'retryable',
      errorCode: 'gateway_server_error',
      errorMessage: message,
    };
  }
  if (status === 401 || /api (key|secret) provided is invalid/i.test(description))
    return { class: 'permanent', errorCode: 'gateway_auth_failed', errorMessage: message };
  if (status === 409) {
    // §1.6: a different body under the same key is our bug; the same key still in flight clears by itself.
    return /different request/i.test(description)
      ? { class: 'permanent', errorCode: 'idempotency_conflict', errorMessage: message }
      : { class: op === 'refund' ? 'unknown' : 'retryable', errorCode: 'request_in_progress', errorMessage: message };
  }
  if (status === 404 || /does not exist/i.test(description)) {
    return { class: 'permanent', errorCode: 'not_found', errorMessage: message };
  }
  if (status === 400 && body?.code === 'BAD_REQUEST_ERROR') {
    return { class: 'permanent', errorCode: 'invalid_request', errorMessage: message };
  }
  if (status >= 400) return { class: 'permanent', errorCode: 'gateway_rejected', errorMessage: message };
  // 1xx/3xx (redirects are not followed): something answered, but not Razorpay's API as we know it.
  return { class: 'unknown', errorCode: 'gateway_invalid_response', errorMessage: message };
}
