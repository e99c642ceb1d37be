import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';

export interface OutcomeCount {
  /** Merchant or gateway id. */
  id: string;
  /** Gateway code, for a readable alert; the merchant's name for merchants. */
  label: string;
  total: number;
  failed: number;
}

const since = `now() - make_interval(secs => $1::double precision / 1000)`;

export const alertRulesRepository = {
  /** Payments that reached captured or failed within the window, per merchant (by their last update). */
  merchantOutcomes(em: EntityManager, windowMs: number): Promise<OutcomeCount[]> {
    return sql<OutcomeCount>(
      em,
      `SELECT p.merchant_id AS id, max(m.name) AS label, count(*)::int AS total,
              count(*) FILTER (WHERE p.status = 'failed')::int AS failed
         FROM payments p JOIN merchants m ON m.id = p.merchant_id
        WHERE p.updated_at >= ${since}
          AND p.status IN ('captured', 'failed', 'partially_refunded', 'refunded')
        GROUP BY p.merchant_id`,
      [windowMs],
    );
  },

  /** Attempts a gateway answered within the window (succeeded or failed), per gateway. */
  gatewayOutcomes(em: EntityManager, windowMs: number): Promise<OutcomeCount[]> {
    return sql<OutcomeCount>(
      em,
      `SELECT gateway_id AS id, max(gateway_code) AS label,
              count(*) FILTER (WHERE status IN ('succeeded', 'failed_permanent', 'failed_retryable'))::int AS total,
              count(*) FILTER (WHERE status IN ('failed_permanent', 'failed_retryable'))::int AS failed
         FROM payment_attempts
        WHERE created_at >= ${since}
        GROUP BY gateway_id`,
      [windowMs],
    );
  },
};
