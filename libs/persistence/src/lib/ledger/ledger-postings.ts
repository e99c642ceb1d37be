import type { EntityManager } from 'typeorm';
import {
  type AccountRef,
  type Currency,
  JournalBuilder,
  LedgerError,
  type SettlementSchedule,
  availableAt,
  commissionFor,
  journalReference,
  refundReversal,
  selectCommissionRule,
} from '@lsp/domain';
import { sql } from '../sql';
import { candidateCommissionRules } from './commission-rules';
import {
  type DueReleaseRow,
  type JournalPosting,
  type PostedJournal,
  captureJournalOf,
  dueReleases,
  holdPendingRelease,
  isPendingRelease,
  journalIdByReference,
  lockLedger,
  postJournal,
  postJournalPosting,
  postJournals,
  refundTotalsOf,
  removePendingReleases,
} from './ledger.repository';
import { raiseAlert, resolveAlertByFingerprint } from '../alerts';

/** A posting that cannot happen yet (its capture is not posted); the caller retries later. */
export class LedgerNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerNotReadyError';
  }
}

export const merchantAccount = (
  kind: 'merchant_pending' | 'merchant_available' | 'merchant_settled',
  merchantId: string,
  currency: Currency,
): AccountRef => ({ kind, currency, merchantId });

export const platformAccount = (
  kind: 'platform_commission' | 'gateway_clearing' | 'platform_fees',
  currency: Currency,
): AccountRef => ({ kind, currency, merchantId: null });

interface CapturedPaymentRow {
  id: string;
  merchant_id: string;
  amount: string;
  currency: Currency;
  method: string;
  status: string;
  provider: string | null;
  settlement_schedule: SettlementSchedule;
}

const CAPTURED_STATUSES = ['captured', 'partially_refunded', 'refunded'];

export interface CapturePosting extends PostedJournal {
  commission: number;
  commissionRuleId: string | null;
}

/**
 * Capture → journal: the gateway clearing account is debited the amount, the merchant's pending wallet credited
 * the amount less commission and the platform's revenue credited the commission (rule chosen by the current
 * rule set and recorded on the journal). The capture also joins the queue of releases at its settlement cut-off.
 * Idempotent: a second call for the same payment posts nothing.
 */
export async function postCapture(
  em: EntityManager,
  paymentId: string,
  capturedAt: Date = new Date(),
): Promise<CapturePosting> {
  return applyCapture(await planCapture(em, paymentId, capturedAt), (posting) => postJournalPosting(em, posting));
}

/** A capture's journal decided from what was read, ready to post; or the journal posted for it before. */
export type CapturePlan =
  | { posted: CapturePosting }
  | { posted?: undefined; posting: JournalPosting; commission: number; commissionRuleId: string };

/**
 * The reads that decide a capture's journal (the payment, the commission rule, the settlement cut-off). Nothing
 * they read is changed by other postings, so they may run in a transaction of their own, before and outside the
 * one that posts (and holds the ledger's writer lock): a batch of postings then holds that lock only to write.
 */
export async function planCapture(
  em: EntityManager,
  paymentId: string,
  capturedAt: Date = new Date(),
): Promise<CapturePlan> {
  const reference = journalReference.capture(paymentId);
  // The journal posted before, if any, in the same round trip (it cannot exist without its payment).
  const [payment] = await sql<CapturedPaymentRow & { existing_journal_id: string | null }>(
    em,
    `SELECT p.id, p.merchant_id, p.amount, p.currency, p.method, p.status, g.provider, m.settlement_schedule,
            (SELECT j.id FROM ledger_journals j WHERE j.reference = $2) AS existing_journal_id
       FROM payments p JOIN merchants m ON m.id = p.merchant_id LEFT JOIN gateways g ON g.id = p.gateway_id
      WHERE p.id = $1`,
    [paymentId, reference],
  );
  if (payment?.existing_journal_id) {
    return {
      posted: { journalId: payment.existing_journal_id, created: false, commission: 0, commissionRuleId: null },
    };
  }
  if (!payment) throw new LedgerError('invalid_journal', `payment ${paymentId} does not exist`);
  if (!CAPTURED_STATUSES.includes(payment.status)) {
    throw new LedgerError('invalid_journal', `payment ${paymentId} is ${payment.status}, not captured`);
  }
  const amount = Number(payment.amount);
  const subject = {
    merchantId: payment.merchant_id,
    provider: payment.provider ?? 'sandbox',
    method: payment.method,
    currency: payment.currency,
  };
  const rule = selectCommissionRule(await candidateCommissionRules(em, subject), subject);
  const commission = commissionFor(rule, amount);
  const journal = new JournalBuilder('capture', reference, payment.merchant_id)
    .debit(platformAccount('gateway_clearing', payment.currency), amount)
    .credit(merchantAccount('merchant_pending', payment.merchant_id, payment.currency), amount - commission)
    .credit(platformAccount('platform_commission', payment.currency), commission)
    .build();
  const matures = availableAt(capturedAt, payment.settlement_schedule);
  return {
    posting: {
      journal,
      header: {
        paymentId,
        grossAmount: amount,
        commissionAmount: commission,
        commissionRuleId: rule.id,
        commissionRuleVersion: rule.version,
        occurredAt: capturedAt,
        metadata: { availableAt: matures.toISOString(), percentBps: rule.percentBps, fixedAmount: rule.fixedAmount },
      },
      release: {
        payment_id: paymentId,
        merchant_id: payment.merchant_id,
        currency: payment.currency,
        available_at: matures,
      },
    },
    commission,
    commissionRuleId: rule.id,
  };
}

/**
 * Posts a planned capture with `post` (in the caller's transaction, or a LedgerPostingBatcher's): nothing when its
 * journal exists by now, else the journal and its place in the queue of releases at its cut-off.
 */
export async function applyCapture(
  plan: CapturePlan,
  post: (posting: JournalPosting) => Promise<PostedJournal>,
): Promise<CapturePosting> {
  if (plan.posted) return plan.posted;
  const posted = await post(plan.posting);
  return { ...posted, commission: plan.commission, commissionRuleId: plan.commissionRuleId };
}

export interface RefundPosting extends PostedJournal {
  merchant: number;
  commission: number;
  from: 'merchant_pending' | 'merchant_available' | null;
}

/**
 * Refund → reversal of the capture pro rata: the merchant gives back its share of the refund (from pending while
 * the capture has not matured, else from available), the platform the rest of it from commission, and the
 * gateway clearing account is credited the refund. Refused (LedgerError `insufficient_funds`, nothing posted)
 * when the merchant's wallet does not hold its share; LedgerNotReadyError while the capture is not posted yet.
 */
export async function postRefund(
  em: EntityManager,
  refundId: string,
  refundedAt: Date = new Date(),
): Promise<RefundPosting> {
  const reference = journalReference.refund(refundId);
  const existing = await journalIdByReference(em, reference);
  if (existing) return { journalId: existing, created: false, merchant: 0, commission: 0, from: null };

  const [refund] = await sql<{
    id: string;
    payment_id: string;
    merchant_id: string;
    amount: string;
    currency: Currency;
    status: string;
  }>(em, `SELECT id, payment_id, merchant_id, amount, currency, status FROM refunds WHERE id = $1`, [refundId]);
  if (!refund) throw new LedgerError('invalid_journal', `refund ${refundId} does not exist`);
  if (refund.status !== 'succeeded') {
    throw new LedgerError('invalid_journal', `refund ${refundId} is ${refund.status}, not succeeded`);
  }
  // Everything read below decides the amounts; nothing may change it before the journal is posted.
  await lockLedger(em);
  const capture = await captureJournalOf(em, refund.payment_id);
  if (!capture)
    throw new LedgerNotReadyError(`payment ${refund.payment_id} of refund ${refundId} has no capture journal yet`);
  const before = await refundTotalsOf(em, refund.payment_id);
  const amount = Number(refund.amount);
  const split = refundReversal(
    {
      gross: Number(capture.gross_amount),
      commission: Number(capture.commission_amount),
      refundedBefore: before.refunded,
      merchantReversedBefore: before.merchantReversed,
    },
    amount,
  );
  const from = (await isPendingRelease(em, refund.payment_id)) ? 'merchant_pending' : 'merchant_available';
  const journal = new JournalBuilder('refund', reference, refund.merchant_id)
    .credit(platformAccount('gateway_clearing', refund.currency), amount)
    .debit(merchantAccount(from, refund.merchant_id, refund.currency), split.merchant)
    .debit(platformAccount('platform_commission', refund.currency), split.commission)
    .build();
  const posted = await postJournal(em, journal, {
    paymentId: refund.payment_id,
    refundId,
    grossAmount: amount,
    commissionAmount: split.commission,
    occurredAt: refundedAt,
    metadata: { from },
  });
  return { ...posted, merchant: split.merchant, commission: split.commission, from };
}

export interface ReleaseResult {
  /** Releases taken off the queue: posted, or with nothing left to move after refunds. */
  released: number;
  amount: number;
  /** Releases the ledger refused (they would overdraw the pending wallet): held, retried after `RELEASE_RETRY_MS`. */
  refused: RefusedRelease[];
}

export interface RefusedRelease {
  paymentId: string;
  merchantId: string;
  currency: string;
  amount: number;
  reason: string;
}

/** How long a refused release waits before it is tried again. */
export const RELEASE_RETRY_MS = 3_600_000;

export const releaseRefusedFingerprint = (paymentId: string): string => `ledger-release-refused:${paymentId}`;

/**
 * Pending → available for captures whose settlement cut-off has passed by `until` (and, with `capturedBefore`,
 * for every capture made up to then, as an on-demand settlement run needs): one release journal per
 * payment (reference `release:<paymentId>`, so a crash and rerun never moves it twice) for what is left of its
 * net after refunds taken from pending. Runs under the ledger lock in the caller's transaction; callers keep
 * `limit` small so the lock is short, and loop.
 *
 * The batch's journals are posted in one statement, each in its own subtransaction, so a release the ledger
 * refuses as an overdraft is taken back alone: it stays queued with its refusal, waits `RELEASE_RETRY_MS`, and
 * raises an alert naming the payment, while the rest of the batch (other merchants' money) moves on. The alert
 * is resolved when the release goes through. Any other failure fails the batch.
 */
export async function releaseDue(
  em: EntityManager,
  until: Date,
  options: { limit?: number; merchantId?: string | null; capturedBefore?: Date | null } = {},
): Promise<ReleaseResult> {
  await lockLedger(em);
  const due = await dueReleases(
    em,
    until,
    options.limit ?? 200,
    options.merchantId ?? null,
    options.capturedBefore ?? null,
  );
  const planned: { row: DueReleaseRow; remaining: number; posting: JournalPosting | null }[] = [];
  for (const row of due) {
    const capture = await captureJournalOf(em, row.payment_id);
    if (!capture) throw new Error(`pending release ${row.capture_journal_id} has no capture journal`);
    const refunds = await refundTotalsOf(em, row.payment_id);
    const remaining = Number(capture.gross_amount) - Number(capture.commission_amount) - refunds.merchantReversed;
    const currency = row.currency as Currency;
    const posting =
      remaining > 0
        ? {
            journal: new JournalBuilder('release', journalReference.release(row.payment_id), row.merchant_id)
              .debit(merchantAccount('merchant_pending', row.merchant_id, currency), remaining)
              .credit(merchantAccount('merchant_available', row.merchant_id, currency), remaining)
              .build(),
            header: { paymentId: row.payment_id, grossAmount: remaining },
          }
        : null;
    planned.push({ row, remaining, posting });
  }
  const postings = planned.flatMap((p) => (p.posting ? [p.posting] : []));
  const outcomes = postings.length > 0 ? await postJournals(em, postings) : [];

  let amount = 0;
  const done: DueReleaseRow[] = [];
  const refused: { row: DueReleaseRow; remaining: number; reason: string }[] = [];
  let next = 0;
  for (const { row, remaining, posting } of planned) {
    const outcome = posting ? outcomes[next++] : null;
    if (outcome && !outcome.ok) {
      if (!(outcome.error instanceof LedgerError && outcome.error.code === 'insufficient_funds')) throw outcome.error;
      refused.push({ row, remaining, reason: outcome.error.message });
      continue;
    }
    if (outcome?.posted.created) amount += remaining;
    done.push(row);
  }
  await removePendingReleases(
    em,
    done.map((row) => row.capture_journal_id),
  );
  for (const row of done) {
    if (row.retry_after !== null) await resolveAlertByFingerprint(em, releaseRefusedFingerprint(row.payment_id));
  }
  const retryAfter = new Date(until.getTime() + RELEASE_RETRY_MS);
  for (const { row, remaining, reason } of refused) {
    await holdPendingRelease(em, row.capture_journal_id, retryAfter, reason);
    await raiseAlert(em, {
      fingerprint: releaseRefusedFingerprint(row.payment_id),
      severity: 'critical',
      source: 'workers/ledger',
      title: `Release refused: ${row.payment_id}`,
      message:
        `moving ${remaining} ${row.currency} of payment ${row.payment_id} from pending to available would overdraw ` +
        `merchant ${row.merchant_id}'s pending wallet; the release is held and tried again hourly`,
      details: {
        paymentId: row.payment_id,
        merchantId: row.merchant_id,
        currency: row.currency,
        amount: remaining,
        reason,
        retryAfter: retryAfter.toISOString(),
      },
      merchantId: row.merchant_id,
    });
  }
  return {
    released: done.length,
    amount,
    refused: refused.map(({ row, remaining, reason }) => ({
      paymentId: row.payment_id,
      merchantId: row.merchant_id,
      currency: row.currency,
      amount: remaining,
      reason,
    })),
  };
}
