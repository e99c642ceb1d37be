import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';

/** Where a paged scan resumes: the sort key of the last row, as PostgreSQL text (keeps microseconds). */
export interface ScanCursor {
  at: string;
  id: string;
}

export interface DueRetry {
  id: string;
  merchant_id: string;
  retry_count: number;
  cursor_at: string;
}

export interface DueCheck {
  id: string;
  merchant_id: string;
  reconcile_attempts: number;
  cursor_at: string;
}

export interface RecoveredPayment {
  id: string;
  merchant_id: string;
  /** `check`: it has an attempt in flight, the stale monitor asks the gateway; `retry`: none, it is routed again. */
  action: 'check' | 'retry';
}

/**
 * The workers' reads and writes of the payments schedule: which payments are due for a retry or a status check,
 * payments nothing is scheduled for, expired idempotency keys. Callers pass a platform-scoped transaction. The
 * state changes of a payment itself stay in libs/payments (PaymentProcessor), under the payment's row lock.
 */
export const paymentScansRepository = {
  /** Pending payments whose retry is due, oldest first (payments_retry_idx). */
  dueRetries(em: EntityManager, limit: number, after: ScanCursor | null): Promise<DueRetry[]> {
    return sql<DueRetry>(
      em,
      `SELECT id, merchant_id, retry_count, next_retry_at::text AS cursor_at FROM payments
        WHERE status = 'pending' AND next_retry_at <= now()
          AND ($1::timestamptz IS NULL OR (next_retry_at, id) > ($1::timestamptz, $2::text))
        ORDER BY next_retry_at, id LIMIT $3`,
      [after?.at ?? null, after?.id ?? null, limit],
    );
  },

  /** Pending payments whose status check is due, oldest first (payments_stale_idx). */
  dueChecks(em: EntityManager, limit: number, after: ScanCursor | null): Promise<DueCheck[]> {
    return sql<DueCheck>(
      em,
      `SELECT id, merchant_id, reconcile_attempts, stale_check_at::text AS cursor_at FROM payments
        WHERE status = 'pending' AND stale_check_at <= now()
          AND ($1::timestamptz IS NULL OR (stale_check_at, id) > ($1::timestamptz, $2::text))
        ORDER BY stale_check_at, id LIMIT $3`,
      [after?.at ?? null, after?.id ?? null, limit],
    );
  },

  /**
   * Pending payments with neither a retry nor a status check scheduled, untouched for `idleMs`: a process died
   * between claiming a retry (retry_count + 1, next_retry_at cleared) and recording the gateway's answer. One
   * with an attempt in flight gets a status check now (never another gateway: the first may have the money);
   * one without gets a retry now, which is safe because every attempt certainly failed. Rows another
   * transaction holds are skipped, and the conditions are checked again under the lock.
   */
  recoverOrphans(em: EntityManager, idleMs: number, limit: number): Promise<RecoveredPayment[]> {
    return sql<RecoveredPayment>(
      em,
      `WITH orphan AS (
         SELECT p.id,
                EXISTS (SELECT 1 FROM payment_attempts a
                         WHERE a.payment_id = p.id AND a.status IN ('pending', 'unknown')) AS in_flight
           FROM payments p
          WHERE p.status = 'pending' AND p.next_retry_at IS NULL AND p.stale_check_at IS NULL
            AND p.updated_at < now() - make_interval(secs => $1::double precision / 1000)
            AND NOT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.payment_id = p.id AND a.status = 'succeeded')
          ORDER BY p.updated_at
          LIMIT $2
          FOR UPDATE OF p SKIP LOCKED
       )
       UPDATE payments p
          SET stale_check_at = CASE WHEN o.in_flight THEN now() END,
              next_retry_at = CASE WHEN o.in_flight THEN NULL ELSE now() END,
              updated_at = now()
         FROM orphan o
        WHERE p.id = o.id
       RETURNING p.id, p.merchant_id, CASE WHEN o.in_flight THEN 'check' ELSE 'retry' END AS action`,
      [idleMs, limit],
    );
  },

  /** Deletes up to `limit` expired idempotency keys; returns how many. Keys another transaction holds wait. */
  async purgeExpiredIdempotencyKeys(em: EntityManager, limit: number): Promise<number> {
    const rows = await sql(
      em,
      `WITH doomed AS (
         SELECT merchant_id, key FROM idempotency_keys WHERE expires_at < now()
          ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
       )
       DELETE FROM idempotency_keys k USING doomed d
        WHERE k.merchant_id = d.merchant_id AND k.key = d.key
       RETURNING 1`,
      [limit],
    );
    return rows.length;
  },
};
