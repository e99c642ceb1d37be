/** Tuning of the payments queue's processors. Production uses the defaults; tests shorten them. */
export interface PaymentWorkerOptions {
  /** Status checks of an attempt whose outcome stays unknown before the payment is flagged and alerted. */
  reviewAfterAttempts: number;
  /** Rows per scan query, keys per purge statement. */
  batchSize: number;
  /** Pages a single scan or purge run goes through at most; the rest waits for the next run. */
  maxPages: number;
  /** How long the workers' gateway directory serves gateways from memory. */
  gatewayCacheMs: number;
}

export const DEFAULT_PAYMENT_WORKER_OPTIONS: PaymentWorkerOptions = {
  // With STALE_PAYMENT_AFTER = 15 m the checks back off 15 m, 15 m, 30 m, 1 h, …: flagged after about 32 h.
  reviewAfterAttempts: 8,
  batchSize: 500,
  maxPages: 10,
  gatewayCacheMs: 2000,
};

export const PAYMENT_WORKER_OPTIONS = Symbol('PAYMENT_WORKER_OPTIONS');
