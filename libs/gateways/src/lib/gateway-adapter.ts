/**
 * The contract every payment gateway adapter (sandbox, Razorpay, PhonePe) implements. Adapters arrive with the
 * payments issue; this file fixes the shape routing and retries will depend on.
 *
 * Outcome classes decide routing: only `failed_retryable` (the gateway certainly did not accept the payment)
 * may fail over to the next gateway; `unknown` (sent, no answer) must be resolved by a status query, never by
 * trying elsewhere, or the customer could be charged twice.
 */
export type AttemptOutcome = 'succeeded' | 'failed_permanent' | 'failed_retryable' | 'unknown';

export type GatewayProvider = 'sandbox' | 'razorpay' | 'phonepe';
