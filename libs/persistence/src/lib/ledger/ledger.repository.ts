import type { EntityManager } from 'typeorm';
import { type Journal, LedgerError, newId } from '@lsp/domain';
import { sql } from '../sql';

/** Columns of a journal beyond its legs: what caused it, and for captures and refunds the commission split. */
export interface JournalHeader {
  paymentId?: string | null;
  refundId?: string | null;
  /** Captures: the captured amount; refunds: the refunded amount. */
  grossAmount?: number | null;
  /** The platform's part of `grossAmount` (charged on a capture, reversed on a refund). */
  commissionAmount?: number | null;
  commissionRuleId?: string | null;
  commissionRuleVersion?: number | null;
  /** When the cause happened (the capture, the refund); defaults to now. */
  occurredAt?: Date;
  metadata?: Record<string, unknown>;
}

export interface PostedJournal {
  journalId: string;
  /** False when a journal with the same reference existed: nothing was posted (a replayed cause). */
  created: boolean;
}

/** SQLSTATE the posting function raises when a journal would overdraw an account. */
const INSUFFICIENT_FUNDS = 'LSP01';

/**
 * The one place that moves money: every journal goes through `ledger_post_journal` (migrations 1764170000000 and
 * 1764210000000), which serialises writers on one advisory lock, locks the accounts in id order, refuses
 * overdrafts, writes journal and entries, moves the balances and extends the hash chain — all inside the caller's
 * transaction, so whatever else that transaction does (an outbox row, a settlement item) commits or rolls back
 * with the money.
 */
export async function postJournal(
  em: EntityManager,
  journal: Journal,
  header: JournalHeader = {},
): Promise<PostedJournal> {
  const legs = postingLegs(journal, header);
  try {
    const [row] = await sql<{ posted_journal_id: string; posted: boolean }>(
      em,
      `SELECT posted_journal_id, posted FROM ledger_post_journal($1::jsonb, $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])`,
      [JSON.stringify(legs.journal), legs.kinds, legs.currencies, legs.merchants, legs.amounts, legs.entryIds],
    );
    return { journalId: row.posted_journal_id, created: row.posted };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === INSUFFICIENT_FUNDS) throw postingError(code, (e as Error).message.replace(/^error: /, ''));
    throw e;
  }
}

/** A journal to post and, for a capture, its place in the queue of releases at its settlement cut-off. */
export interface JournalPosting {
  journal: Journal;
  header: JournalHeader;
  release?: Omit<PendingReleaseRow, 'capture_journal_id'>;
}

export type JournalPostingOutcome = { ok: true; posted: PostedJournal } | { ok: false; error: Error };

/**
 * Posts several journals in one statement (`ledger_post_journals`), each in its own subtransaction: one that fails
 * is taken back alone (with its release) and comes back as its error, the others stay posted in the caller's
 * transaction. A capture's release row is written only when its journal is posted (not on a replay).
 */
export async function postJournals(em: EntityManager, postings: JournalPosting[]): Promise<JournalPostingOutcome[]> {
  const payload = postings.map(({ journal, header, release }) => ({
    ...postingLegs(journal, header),
    ...(release && {
      release: {
        paymentId: release.payment_id,
        merchantId: release.merchant_id,
        currency: release.currency,
        availableAt: release.available_at.toISOString(),
      },
    }),
  }));
  const rows = await sql<{
    ord: number;
    posted_journal_id: string | null;
    posted: boolean;
    error_code: string | null;
    error_message: string | null;
  }>(
    em,
    `SELECT ord, posted_journal_id, posted, error_code, error_message FROM ledger_post_journals($1::jsonb) ORDER BY ord`,
    [JSON.stringify(payload)],
  );
  return rows.map(
    (row): JournalPostingOutcome =>
      row.error_code === null
        ? { ok: true, posted: { journalId: row.posted_journal_id as string, created: row.posted } }
        : { ok: false, error: postingError(row.error_code, row.error_message ?? '') },
  );
}

/** One journal (and release) through `postJournals`; throws its error. */
export async function postJournalPosting(em: EntityManager, posting: JournalPosting): Promise<PostedJournal> {
  const [outcome] = await postJournals(em, [posting]);
  if (!outcome.ok) throw outcome.error;
  return outcome.posted;
}

/** What `ledger_post_journal` takes: the journal's columns, and its legs as parallel arrays. */
function postingLegs(journal: Journal, header: JournalHeader) {
  return {
    journal: {
      id: newId('journal'),
      type: journal.type,
      reference: journal.reference,
      merchantId: journal.merchantId,
      paymentId: header.paymentId ?? null,
      refundId: header.refundId ?? null,
      grossAmount: header.grossAmount ?? null,
      commissionAmount: header.commissionAmount ?? null,
      commissionRuleId: header.commissionRuleId ?? null,
      commissionRuleVersion: header.commissionRuleVersion ?? null,
      occurredAt: (header.occurredAt ?? new Date()).toISOString(),
      metadata: header.metadata ?? {},
    },
    kinds: journal.legs.map((l) => l.account.kind),
    currencies: journal.legs.map((l) => l.account.currency),
    merchants: journal.legs.map((l) => l.account.merchantId),
    amounts: journal.legs.map((l) => String(l.amount)),
    entryIds: journal.legs.map(() => newId('ledgerEntry')),
  };
}

/** A posting's SQL error as callers see it: an overdraft is a LedgerError, anything else keeps its SQLSTATE. */
function postingError(code: string, message: string): Error {
  if (code === INSUFFICIENT_FUNDS) return new LedgerError('insufficient_funds', message);
  return Object.assign(new Error(message), { code });
}

/** The advisory lock every ledger writer holds until its transaction ends (`ledger_post_journal` takes it too). */
export const LEDGER_WRITER_LOCK = 7_240_017;

/**
 * Takes the ledger's writer lock for the rest of the transaction. Callers that read balances
 * or earlier journals to decide what to post (a refund's split, a release's remainder) take it first, so nothing
 * they read changes before they post; postings take it anyway, so this adds no new lock order.
 */
export async function lockLedger(em: EntityManager): Promise<void> {
  await sql(em, `SELECT pg_advisory_xact_lock($1)`, [LEDGER_WRITER_LOCK]);
}

export async function journalIdByReference(em: EntityManager, reference: string): Promise<string | null> {
  const [row] = await sql<{ id: string }>(em, `SELECT id FROM ledger_journals WHERE reference = $1`, [reference]);
  return row?.id ?? null;
}

export interface CaptureJournalRow {
  id: string;
  merchant_id: string;
  payment_id: string;
  gross_amount: string;
  commission_amount: string;
}

export async function captureJournalOf(em: EntityManager, paymentId: string): Promise<CaptureJournalRow | undefined> {
  const [row] = await sql<CaptureJournalRow>(
    em,
    `SELECT id, merchant_id, payment_id, gross_amount, commission_amount FROM ledger_journals
      WHERE payment_id = $1 AND type = 'capture'`,
    [paymentId],
  );
  return row;
}

/** What refunds already posted for a payment took back: in all, and from the merchant. */
export async function refundTotalsOf(
  em: EntityManager,
  paymentId: string,
): Promise<{ refunded: number; merchantReversed: number }> {
  const [row] = await sql<{ refunded: string; merchant: string }>(
    em,
    `SELECT coalesce(sum(gross_amount), 0) AS refunded, coalesce(sum(gross_amount - commission_amount), 0) AS merchant
       FROM ledger_journals WHERE payment_id = $1 AND type = 'refund'`,
    [paymentId],
  );
  return { refunded: Number(row.refunded), merchantReversed: Number(row.merchant) };
}

export interface PendingReleaseRow {
  capture_journal_id: string;
  payment_id: string;
  merchant_id: string;
  currency: string;
  available_at: Date;
}

export async function isPendingRelease(em: EntityManager, paymentId: string): Promise<boolean> {
  const rows = await sql(em, `SELECT 1 FROM ledger_pending_releases WHERE payment_id = $1`, [paymentId]);
  return rows.length > 0;
}

/** A release in the queue, and when the ledger last refused it (null: never refused). */
export interface DueReleaseRow extends PendingReleaseRow {
  retry_after: Date | null;
}

/**
 * Captures whose cut-off has passed by `until`, oldest first (optionally one merchant's). With `capturedBefore`,
 * also captures made up to that instant whatever their cut-off: an on-demand settlement run with a cut-off
 * settles everything captured before it. A release the ledger refused waits until its `retry_after`.
 */
export function dueReleases(
  em: EntityManager,
  until: Date,
  limit: number,
  merchantId: string | null = null,
  capturedBefore: Date | null = null,
): Promise<DueReleaseRow[]> {
  return sql<DueReleaseRow>(
    em,
    `SELECT r.capture_journal_id, r.payment_id, r.merchant_id, r.currency, r.available_at, r.retry_after
       FROM ledger_pending_releases r
      WHERE (r.available_at <= $1
             OR ($4::timestamptz IS NOT NULL AND EXISTS (
                   SELECT 1 FROM ledger_journals j WHERE j.id = r.capture_journal_id AND j.occurred_at <= $4)))
        AND ($3::text IS NULL OR r.merchant_id = $3)
        AND (r.retry_after IS NULL OR r.retry_after <= $1)
      ORDER BY r.available_at, r.capture_journal_id LIMIT $2`,
    [until, limit, merchantId, capturedBefore],
  );
}

export async function removePendingReleases(em: EntityManager, captureJournalIds: string[]): Promise<void> {
  if (captureJournalIds.length === 0) return;
  await sql(em, `DELETE FROM ledger_pending_releases WHERE capture_journal_id = ANY($1::text[])`, [captureJournalIds]);
}

/** Keeps a refused release in the queue, tried again from `retryAfter`. */
export async function holdPendingRelease(
  em: EntityManager,
  captureJournalId: string,
  retryAfter: Date,
  refusal: string,
): Promise<void> {
  await sql(em, `UPDATE ledger_pending_releases SET retry_after = $2, refusal = $3 WHERE capture_journal_id = $1`, [
    captureJournalId,
    retryAfter,
    refusal,
  ]);
}
