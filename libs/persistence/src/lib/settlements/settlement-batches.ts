import type { EntityManager } from 'typeorm';
import type { SettlementView } from '@lsp/contracts';
import { type Currency, JournalBuilder, LedgerError, journalReference, newId } from '@lsp/domain';
import { recordEvent } from '../outbox';
import { sql } from '../sql';
import { postJournal } from '../ledger/ledger.repository';
import { merchantAccount } from '../ledger/ledger-postings';
import { type SettlementRow, toSettlementView } from './settlement-views';

export type SettlementRefusalCode = 'insufficient_funds' | 'non_positive_net';

/** A settlement that may not be posted: nothing of it was written (the caller's transaction rolls back). */
export class SettlementRefusedError extends Error {
  constructor(
    readonly code: SettlementRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'SettlementRefusedError';
  }
}

export interface SettlementBatchInput {
  merchantId: string;
  currency: string;
  /** Only amounts captured (refunds: refunded) at or before this instant. */
  cutoff: Date;
  runId: string | null;
  /** Most items in this settlement. */
  limit: number;
  /** Resume point within the merchant's available account: entries with a greater id (`''` for all). */
  afterEntryId: string;
}

export interface SettledBatch {
  settlement: SettlementView;
  /** Where the next batch of the same merchant and currency starts. */
  cursor: string;
  /** True when fewer than `limit` items were left: the merchant and currency are done for this cut-off. */
  exhausted: boolean;
}

/** Serialises settlement batches of one merchant and currency across every process; never taken by postings. */
const settlementLockKey = (merchantId: string, currency: string): string => `settlement:${merchantId}:${currency}`;

/**
 * Settles, in the caller's transaction, up to `limit` amounts of one merchant's available money in one currency
 * that no settlement holds yet: one settlement, one item per source journal (the release that made a capture's
 * net available, or a refund that took some back), and one journal available → settled for their sum.
 *
 * Exactly once: batches of one merchant and currency queue on an advisory lock taken before anything is read,
 * so each sees every item committed before it; and `settlement_items.source_journal_id` is unique, so even a
 * bug here could not settle a journal twice. A crash anywhere before COMMIT leaves nothing behind.
 *
 * Returns null when nothing is left to settle. Throws `SettlementRefusedError` when the items net to zero or
 * less, or when the available account does not hold their sum (the posting function refuses the overdraft).
 */
export async function settleNextBatch(em: EntityManager, input: SettlementBatchInput): Promise<SettledBatch | null> {
  const { merchantId, currency, cutoff, runId, limit, afterEntryId } = input;
  await sql(em, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [settlementLockKey(merchantId, currency)]);

  const settlementId = newId('settlement');
  // One statement: pick the items (oldest entry first), open the settlement and write its items. A release is
  // dated by its capture, so a cut-off means "captured by then" whenever the release itself was posted.
  const [picked] = await sql<{ item_count: number; net: string; cursor: string | null }>(
    em,
    `WITH candidates AS MATERIALIZED (
       -- Walked in entry order along the account's (account_id, id) index and stopped at the limit, each journal
       -- fetched by key and probed for an earlier item by key: OFFSET 0 keeps the planner from turning either
       -- lookup into a scan of every journal or every item (a hash anti-join over settlement_items grows with
       -- all settlements ever made), so a batch costs what its items cost, not what the ledger holds.
       -- A release is posted after its capture, so only a release posted after the cut-off needs its capture
       -- looked up to tell whether the capture itself was before it.
       SELECT e.id AS entry_id, e.journal_id, e.amount, j.payment_id, j.refund_id
         FROM ledger_entries e
        CROSS JOIN LATERAL (SELECT j.type, j.payment_id, j.refund_id, j.occurred_at FROM ledger_journals j
                             WHERE j.id = e.journal_id
                               AND NOT EXISTS (SELECT 1 FROM settlement_items s WHERE s.source_journal_id = j.id)
                             OFFSET 0) j
        WHERE e.account_id = (SELECT id FROM ledger_accounts
                               WHERE kind = 'merchant_available' AND merchant_id = $1 AND currency = $2)
          AND e.id > $3
          AND j.type <> 'settlement'
          AND (j.occurred_at <= $4
               OR (j.type = 'release'
                   AND (SELECT c.occurred_at FROM ledger_journals c
                         WHERE c.payment_id = j.payment_id AND c.type = 'capture' LIMIT 1) <= $4))
        ORDER BY e.id
        LIMIT $5
     ), settlement AS (
       INSERT INTO settlements (id, merchant_id, currency, status, cutoff, run_id)
       SELECT $6, $1, $2, 'processing', $4, $7 WHERE EXISTS (SELECT 1 FROM candidates)
       RETURNING id
     ), items AS (
       INSERT INTO settlement_items (settlement_id, source_journal_id, merchant_id, payment_id, refund_id, amount)
       SELECT s.id, c.journal_id, $1, c.payment_id, c.refund_id, c.amount FROM candidates c CROSS JOIN settlement s
       RETURNING amount
     )
     SELECT (SELECT count(*) FROM items)::int AS item_count,
            (SELECT coalesce(sum(amount), 0) FROM items)::text AS net,
            (SELECT max(entry_id) FROM candidates) AS cursor`,
    [merchantId, currency, afterEntryId, cutoff, limit, settlementId, runId],
  );
  if (!picked || picked.item_count === 0) return null;

  const net = Number(picked.net);
  if (net <= 0) {
    throw new SettlementRefusedError(
      'non_positive_net',
      `${picked.item_count} unsettled ${currency} items of merchant ${merchantId} net to ${net}: nothing to pay out`,
    );
  }
  const journal = new JournalBuilder('settlement', journalReference.settlement(settlementId), merchantId)
    .debit(merchantAccount('merchant_available', merchantId, currency as Currency), net)
    .credit(merchantAccount('merchant_settled', merchantId, currency as Currency), net)
    .build();
  let journalId: string;
  try {
    ({ journalId } = await postJournal(em, journal, {
      grossAmount: net,
      metadata: { settlementId, runId, itemCount: picked.item_count },
    }));
  } catch (e) {
    if (e instanceof LedgerError && e.code === 'insufficient_funds') {
      throw new SettlementRefusedError('insufficient_funds', `settlement of ${net} ${currency} refused: ${e.message}`);
    }
    throw e;
  }

  const [row] = await sql<SettlementRow>(
    em,
    `UPDATE settlements SET status = 'paid', amount = $2, item_count = $3, journal_id = $4, paid_at = now()
      WHERE id = $1 RETURNING *`,
    [settlementId, net, picked.item_count, journalId],
  );
  const settlement = toSettlementView(row);
  await recordEvent(em, {
    type: 'settlement.paid',
    merchantId,
    aggregateType: 'settlement',
    aggregateId: settlementId,
    payload: settlement as unknown as Record<string, unknown>,
  });
  return { settlement, cursor: picked.cursor ?? afterEntryId, exhausted: picked.item_count < limit };
}
