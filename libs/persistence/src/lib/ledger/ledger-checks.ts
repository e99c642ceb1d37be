import type { EntityManager } from 'typeorm';
import { sql } from '../sql';

export const LEDGER_CHECKS = [
  'journals-balanced',
  'currency-zero-sum',
  'account-balances',
  'no-negative-balance',
  'one-journal-per-reference',
  'payments-journaled',
  'hash-chain',
] as const;
export type LedgerCheckName = (typeof LEDGER_CHECKS)[number];

export interface LedgerBreak {
  /** What breaks it: an account (`account:<id>`), a journal, a payment, a refund, a currency. */
  subject: string;
  message: string;
}

export interface LedgerCheckResult {
  check: LedgerCheckName;
  ok: boolean;
  /** The first few culprits (at most `limit`), enough for an alert to name them. */
  breaks: LedgerBreak[];
}

/** Captures and refunds younger than this may still be on their way through the outbox: not a break yet. */
const IN_FLIGHT_GRACE = `interval '10 minutes'`;

const CHECK_SQL: Record<LedgerCheckName, string> = {
  // Every journal's entries sum to zero per currency and it has at least two (the deferred trigger's rule).
  'journals-balanced': `
    SELECT 'journal:' || j.id AS subject,
           'journal ' || j.reference || ' ' || coalesce(
             (SELECT string_agg(e.currency || ' sums to ' || e.total, ', ')
                FROM (SELECT currency, sum(amount) AS total FROM ledger_entries WHERE journal_id = j.id
                       GROUP BY currency HAVING sum(amount) <> 0) e),
             'has fewer than two entries') AS message
      FROM ledger_journals j
     WHERE EXISTS (SELECT 1 FROM ledger_entries e WHERE e.journal_id = j.id
                    GROUP BY e.currency HAVING sum(e.amount) <> 0)
        OR (SELECT count(*) FROM ledger_entries e WHERE e.journal_id = j.id) < 2
     ORDER BY j.seq LIMIT $1`,
  // The whole ledger, per currency: credits equal debits.
  'currency-zero-sum': `
    SELECT 'currency:' || currency AS subject, 'entries in ' || currency || ' sum to ' || sum(amount) AS message
      FROM ledger_entries GROUP BY currency HAVING sum(amount) <> 0 ORDER BY currency LIMIT $1`,
  // The balance kept on the row equals the sum of the account's entries (on its normal side).
  'account-balances': `
    SELECT 'account:' || a.id AS subject,
           a.kind || ' ' || a.currency || coalesce(' of ' || a.merchant_id, '') || ' holds ' || a.balance
             || ' but its entries sum to ' || s.total AS message
      FROM ledger_accounts a
      CROSS JOIN LATERAL (
        SELECT CASE a.normal_side WHEN 'credit' THEN 1 ELSE -1 END * coalesce(sum(e.amount), 0) AS total
          FROM ledger_entries e WHERE e.account_id = a.id) s
     WHERE a.balance <> s.total
     ORDER BY a.id LIMIT $1`,
  'no-negative-balance': `
    SELECT 'account:' || id AS subject,
           kind || ' ' || currency || coalesce(' of ' || merchant_id, '') || ' is negative: ' || balance AS message
      FROM ledger_accounts WHERE balance < 0 AND NOT allow_negative ORDER BY id LIMIT $1`,
  // One journal per cause: at most one capture per payment and one reversal per refund.
  'one-journal-per-reference': `
    SELECT subject, message FROM (
      SELECT 'payment:' || payment_id AS subject, count(*) || ' capture journals for payment ' || payment_id AS message
        FROM ledger_journals WHERE type = 'capture' GROUP BY payment_id HAVING count(*) > 1
      UNION ALL
      SELECT 'refund:' || refund_id, count(*) || ' refund journals for refund ' || refund_id
        FROM ledger_journals WHERE type = 'refund' GROUP BY refund_id HAVING count(*) > 1
      UNION ALL
      SELECT 'payment:' || payment_id, count(*) || ' release journals for payment ' || payment_id
        FROM ledger_journals WHERE type = 'release' GROUP BY payment_id HAVING count(*) > 1
    ) d ORDER BY subject LIMIT $1`,
  // Payments against journals: every capture and succeeded refund is journaled, for its amount. Oldest first
  // (by when the payment or refund last changed): the longest-standing break leads the alert and stays named
  // however many younger ones come and go.
  'payments-journaled': `
    SELECT subject, message FROM (
      SELECT 'payment:' || p.id AS subject, 'captured payment ' || p.id || ' of ' || p.amount || ' ' || p.currency
               || ' has no capture journal' AS message, p.updated_at AS since
        FROM payments p
       WHERE p.status IN ('captured', 'partially_refunded', 'refunded') AND p.updated_at < now() - ${IN_FLIGHT_GRACE}
         AND NOT EXISTS (SELECT 1 FROM ledger_journals j WHERE j.payment_id = p.id AND j.type = 'capture')
      UNION ALL
      SELECT 'payment:' || p.id, 'capture journal ' || j.id || ' books ' || j.gross_amount || ' for payment ' || p.id
               || ' of ' || p.amount || ' in status ' || p.status, p.updated_at
        FROM ledger_journals j JOIN payments p ON p.id = j.payment_id
       WHERE j.type = 'capture'
         AND (j.gross_amount <> p.amount OR p.status NOT IN ('captured', 'partially_refunded', 'refunded'))
      UNION ALL
      SELECT 'refund:' || r.id, 'succeeded refund ' || r.id || ' of ' || r.amount || ' ' || r.currency
               || ' has no refund journal', r.updated_at
        FROM refunds r
       WHERE r.status = 'succeeded' AND r.updated_at < now() - ${IN_FLIGHT_GRACE}
         AND NOT EXISTS (SELECT 1 FROM ledger_journals j WHERE j.refund_id = r.id AND j.type = 'refund')
      UNION ALL
      SELECT 'refund:' || r.id, 'refund journal ' || j.id || ' books ' || j.gross_amount || ' for refund ' || r.id
               || ' of ' || r.amount || ' in status ' || r.status, r.updated_at
        FROM ledger_journals j JOIN refunds r ON r.id = j.refund_id
       WHERE j.type = 'refund' AND (j.gross_amount <> r.amount OR r.status <> 'succeeded')
    ) d ORDER BY since, subject LIMIT $1`,
  // Each journal's hash covers its content and the previous journal's hash: an edit, a removal or an insertion
  // out of order breaks it from that journal on.
  'hash-chain': `
    SELECT 'journal:' || id AS subject,
           CASE WHEN prev_hash <> expected_prev THEN 'journal ' || reference || ' does not link to the journal before it'
                ELSE 'journal ' || reference || ' or its entries were altered after posting' END AS message
      FROM (
        SELECT j.id, j.seq, j.reference, j.prev_hash, j.hash,
               coalesce(lag(j.hash) OVER (ORDER BY j.seq), repeat('0', 64)) AS expected_prev,
               ledger_hash(j.prev_hash,
                 ledger_journal_header(j.id, j.type, j.reference, j.merchant_id, j.payment_id, j.refund_id,
                   j.gross_amount, j.commission_amount, j.commission_rule_id, j.commission_rule_version, j.occurred_at),
                 coalesce((SELECT string_agg(e.id || ':' || e.account_id || ':' || e.amount, ',' ORDER BY e.id)
                             FROM ledger_entries e WHERE e.journal_id = j.id), '')) AS recomputed
          FROM ledger_journals j
      ) c
     WHERE c.prev_hash <> c.expected_prev OR c.hash <> c.recomputed
     ORDER BY c.seq LIMIT $1`,
};

/** Runs one invariant check over the whole ledger (platform scope: it must see every merchant's rows). */
export async function runLedgerCheck(
  em: EntityManager,
  check: LedgerCheckName,
  limit = 20,
): Promise<LedgerCheckResult> {
  const breaks = await sql<LedgerBreak>(em, CHECK_SQL[check], [limit]);
  return { check, ok: breaks.length === 0, breaks };
}

export interface TrialBalanceRow {
  accountId: string;
  kind: string;
  currency: string;
  merchantId: string | null;
  normalSide: 'credit' | 'debit';
  balance: number;
  debits: number;
  credits: number;
}

export interface TrialBalance {
  accounts: TrialBalanceRow[];
  totals: { currency: string; debits: number; credits: number; balanced: boolean }[];
  balanced: boolean;
}

/**
 * Every account with its balance and the sums of its debits and credits; per currency, total debits must equal
 * total credits, and every account's kept balance must equal its entries.
 */
export async function trialBalance(em: EntityManager): Promise<TrialBalance> {
  const rows = await sql<{
    id: string;
    kind: string;
    currency: string;
    merchant_id: string | null;
    normal_side: 'credit' | 'debit';
    balance: string;
    debits: string;
    credits: string;
  }>(
    em,
    `SELECT a.id::text, a.kind, a.currency, a.merchant_id, a.normal_side, a.balance,
            coalesce(-sum(e.amount) FILTER (WHERE e.amount < 0), 0) AS debits,
            coalesce(sum(e.amount) FILTER (WHERE e.amount > 0), 0) AS credits
       FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
      GROUP BY a.id ORDER BY a.currency, a.merchant_id NULLS FIRST, a.kind`,
  );
  const accounts = rows.map((r) => ({
    accountId: r.id,
    kind: r.kind,
    currency: r.currency,
    merchantId: r.merchant_id,
    normalSide: r.normal_side,
    balance: Number(r.balance),
    debits: Number(r.debits),
    credits: Number(r.credits),
  }));
  const byCurrency = new Map<string, { debits: number; credits: number; consistent: boolean }>();
  for (const a of accounts) {
    const t = byCurrency.get(a.currency) ?? { debits: 0, credits: 0, consistent: true };
    t.debits += a.debits;
    t.credits += a.credits;
    const fromEntries = (a.normalSide === 'credit' ? 1 : -1) * (a.credits - a.debits);
    if (fromEntries !== a.balance) t.consistent = false;
    byCurrency.set(a.currency, t);
  }
  const totals = [...byCurrency].map(([currency, t]) => ({
    currency,
    debits: t.debits,
    credits: t.credits,
    balanced: t.consistent && t.debits === t.credits,
  }));
  return { accounts, totals, balanced: totals.every((t) => t.balanced) };
}
