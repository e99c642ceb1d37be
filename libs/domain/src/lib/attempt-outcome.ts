/**
 * How one gateway attempt ended, as far as the platform can tell:
 * - `succeeded`: the gateway captured the money;
 * - `failed_permanent`: declined or invalid — no other gateway will do better, the payment fails;
 * - `failed_retryable`: the gateway certainly did not accept the payment (connection refused, 5xx or 429 before
 *   acceptance, an explicit retryable error);
 * - `unknown`: the request was sent but no answer came (timeout, connection reset after sending). The gateway
 *   may have accepted it and may charge the customer; only its status query can tell.
 */
export const ATTEMPT_OUTCOMES = ['succeeded', 'failed_permanent', 'failed_retryable', 'unknown'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** `pending`: accepted by the gateway, waiting for the customer (redirect, UPI collect) and the callback. */
export const ATTEMPT_STATUSES = ['pending', ...ATTEMPT_OUTCOMES] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/**
 * Whether routing may try the next gateway after this outcome. Only `failed_retryable` qualifies: after `unknown`
 * the first gateway may still charge the customer, so a second attempt elsewhere could charge them twice — the
 * payment stays pending until a status query resolves it. After `succeeded` or `failed_permanent` there is
 * nothing to fail over from.
 */
export function mayFailOver(outcome: AttemptOutcome): boolean {
  return outcome === 'failed_retryable';
}

export function isAttemptOutcome(value: unknown): value is AttemptOutcome {
  return typeof value === 'string' && (ATTEMPT_OUTCOMES as readonly string[]).includes(value);
}

export function isAttemptStatus(value: unknown): value is AttemptStatus {
  return typeof value === 'string' && (ATTEMPT_STATUSES as readonly string[]).includes(value);
}
