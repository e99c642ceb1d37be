import type { EntityManager } from 'typeorm';
import { type UnpostedRefunds, assertRefundsCovered } from '@lsp/domain';
import { sql } from '../sql';

/**
 * Serialises the cover checks of one merchant and currency across every API process. Taken only by refund
 * reservations, after the payment's row lock and with nothing else awaited while held, so it adds no lock cycle:
 * not the ledger's writer lock, whose postings insert journals that reference (and so key-share lock) the payment
 * row a reservation holds FOR UPDATE.
 */
const refundCoverLockKey = (merchantId: string, currency: string): string => `refund-cover:${merchantId}:${currency}`;

export interface RefundToCover {
  merchantId: string;
  paymentId: string;
  currency: string;
  amount: number;
}

/**
 * Before a refund is reserved (and the gateway asked): throws RefundNotCoveredError (`insufficient_funds`) unless
 * the merchant's available wallet can pay back the merchant's share of it, as its reversal journal will post it,
 * on top of the shares of refunds not posted yet (pending at the gateway, or succeeded and waiting for their
 * journal), so that neither concurrent nor quick successive refunds can promise the same money twice.
 *
 * Only a payment already released to available needs it: one still pending release is reversed from the pending
 * wallet, which holds its unreversed net (see assertRefundsCovered). Run in the reservation's transaction, under
 * the payment's row lock; the reservation commits before the next check of the merchant reads.
 *
 * Not covered here: a settlement run between the reservation and the refund's posting pays out available money
 * without holding back unposted refunds; such a refund still fails to post and raises the reconciliation alert.
 */
export async function assertWalletCoversRefund(em: EntityManager, refund: RefundToCover): Promise<void> {
  await sql(em, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    refundCoverLockKey(refund.merchantId, refund.currency),
  ]);
  // One statement, so the balance and the journals it is compared with are one snapshot (a refund posted in
  // between would otherwise count twice or not at all).
  const rows = await sql<{
    payment_id: string;
    unposted: string;
    gross: string;
    commission: string;
    refunded: string;
    merchant_reversed: string;
    available: string;
  }>(
    em,
    `WITH unposted AS (
       -- refunds_unposted_idx: marked when the reversal journal is posted (migration 1764300000000)
       SELECT r.payment_id, r.amount FROM refunds r
        WHERE r.merchant_id = $1 AND r.currency = $2
          AND r.status IN ('pending', 'succeeded') AND r.ledger_posted_at IS NULL
       UNION ALL SELECT $3, $4::bigint
     ), per_payment AS (
       SELECT payment_id, sum(amount) AS unposted FROM unposted GROUP BY payment_id
     )
     SELECT p.payment_id, p.unposted, c.gross_amount AS gross, c.commission_amount AS commission,
            t.refunded, t.merchant_reversed,
            coalesce((SELECT a.balance FROM ledger_accounts a
                       WHERE a.kind = 'merchant_available' AND a.merchant_id = $1 AND a.currency = $2), 0) AS available
       FROM per_payment p
       JOIN ledger_journals c ON c.payment_id = p.payment_id AND c.type = 'capture'
      CROSS JOIN LATERAL (
            SELECT coalesce(sum(j.gross_amount), 0) AS refunded,
                   coalesce(sum(j.gross_amount - j.commission_amount), 0) AS merchant_reversed
              FROM ledger_journals j WHERE j.payment_id = p.payment_id AND j.type = 'refund') t
      WHERE NOT EXISTS (SELECT 1 FROM ledger_pending_releases r WHERE r.payment_id = p.payment_id)`,
    [refund.merchantId, refund.currency, refund.paymentId, refund.amount],
  );
  // Not released yet (or its capture not even posted): the refund will be taken from pending.
  if (!rows.some((r) => r.payment_id === refund.paymentId)) return;
  const payments: UnpostedRefunds[] = rows.map((r) => ({
    gross: Number(r.gross),
    commission: Number(r.commission),
    refundedBefore: Number(r.refunded),
    merchantReversedBefore: Number(r.merchant_reversed),
    unposted: Number(r.unposted),
  }));
  assertRefundsCovered(Number(rows[0].available), payments, refund.currency);
}
