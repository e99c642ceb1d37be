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

const POST_JOURNAL = `ledger_post_journal($1::jsonb, $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])`;

/**
 * The one place that moves money: every journal goes through `ledger_post_journal` (migrations 1764170000000 and
 * 1764210000000), which serialises writers on one advisory lock, locks the accounts in id order, refuses
 * overdrafts, writes journal and entries, moves the balances and extends the hash chain — all inside the caller's
 * transaction, so whatever else that transaction does (an outbox row, a settlement item) commits or rolls back
 * with the money.
 */
export function postJournal(em: EntityManager, journal: Journal, header: JournalHeader = {}): Promise<PostedJournal> {
  return runPosting(em, `SELECT posted_journal_id, posted FROM ${POST_JOURNAL}`, postingParams(journal, header));
}

/**
 * A capture's journal and, when it is posted (not a replay), its place in the queue of releases at its settlement
 * cut-off: one statement, so a batch of postings holds the writer lock for one round trip per capture.
 */
export function postJournalWithRelease(
  em: EntityManager,
  journal: Journal,
  header: JournalHeader,
  release: Omit<PendingReleaseRow, 'capture_journal_id'>,
): Promise<PostedJournal> {
  return runPosting(
    em,
    `WITH posted AS MATERIALIZED (SELECT posted_journal_id, posted FROM ${POST_JOURNAL}),
          queued AS (INSERT INTO ledger_pending_releases (capture_journal_id, payment_id, merchant_id, currency, available_at)
                     SELECT posted_journal_id, $7::text, $8::text, $9::text, $10::timestamptz FROM posted WHERE posted)
     SELECT posted_journal_id, posted FROM posted`,
    [
      ...postingParams(journal, header),
      release.payment_id,
      release.merchant_id,
      release.currency,
      release.available_at,
    ],
  );
}

function postingParams(journal: Journal, header: JournalHeader): unknown[] {
  const payload = {
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
  };
  return [
    JSON.stringify(payload),
    journal.legs.map((l) => l.account.kind),
    journal.legs.map((l) => l.account.currency),
    journal.legs.map((l) => l.account.merchantId),
    journal.legs.map((l) => String(l.amount)),
    journal.legs.map(() => newId('ledgerEntry')),
  ];
}

async function runPosting(em: EntityManager, text: string, params: unknown[]): Promise<PostedJournal> {
  try {
    const [row] = await sql<{ posted_journal_id: string; posted: boolean }>(em, text, params);
    return { journalId: row.posted_journal_id, created: row.posted };
  } catch (e) {
    if ((e as { code?: string }).code === INSUFFICIENT_FUNDS) {
      throw new LedgerError('insufficient_funds', (e as Error).message.replace(/^error: /, ''));
    }
    throw e;
  }
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

/**
 * Captures whose cut-off has passed by `until`, oldest first (optionally one merchant's). With `capturedBefore`,
 * also captures made up to that instant whatever their cut-off: an on-demand settlement run with a cut-off
 * settles everything captured before it.
 */
export function dueReleases(
  em: EntityManager,
  until: Date,
  limit: number,
  merchantId: string | null = null,
  capturedBefore: Date | null = null,
): Promise<PendingReleaseRow[]> {
  return sql<PendingReleaseRow>(
    em,
    `SELECT r.capture_journal_id, r.payment_id, r.merchant_id, r.currency, r.available_at
       FROM ledger_pending_releases r
      WHERE (r.available_at <= $1
             OR ($4::timestamptz IS NOT NULL AND EXISTS (
                   SELECT 1 FROM ledger_journals j WHERE j.id = r.capture_journal_id AND j.occurred_at <= $4)))
        AND ($3::text IS NULL OR r.merchant_id = $3)
      ORDER BY r.available_at, r.capture_journal_id LIMIT $2`,
    [until, limit, merchantId, capturedBefore],
  );
}

export async function removePendingRelease(em: EntityManager, captureJournalId: string): Promise<void> {
  await sql(em, `DELETE FROM ledger_pending_releases WHERE capture_journal_id = $1`, [captureJournalId]);
}
