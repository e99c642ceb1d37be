import { DomainError } from '../domain-error';
import { assertNonNegativeMinorUnits } from '../money';
import { type CaptureShares, refundReversal } from './refund-reversal';

/**
 * One payment whose capture has been released to the merchant's available wallet, with its refunds that the
 * ledger has not posted yet: pending at the gateway, or succeeded and waiting for their reversal journal.
 */
export interface UnpostedRefunds extends CaptureShares {
  /** Sum of those refunds (for the payment being refunded: including the new one). */
  unposted: number;
}

/**
 * A refund the merchant's available wallet cannot pay back its share of: the API answers 409 `insufficient_funds`
 * before the gateway is asked, so the customer is never refunded with money the ledger would refuse to take.
 */
export class RefundNotCoveredError extends DomainError {
  readonly code = 'insufficient_funds';

  constructor(
    readonly available: number,
    readonly required: number,
    readonly currency: string,
  ) {
    super(
      `the merchant's available ${currency} balance of ${available} does not cover the ${required} that this ` +
        `refund and refunds not yet posted take back from it`,
    );
  }
}

/**
 * What the reversal journals of a payment's unposted refunds will debit from the merchant, however they are
 * ordered: the merchant's cumulative share is a function of the cumulative refunded amount alone
 * (see refundReversal), so their sum is one reversal of their total.
 */
export function unpostedMerchantShare(payment: UnpostedRefunds): number {
  assertNonNegativeMinorUnits(payment.unposted, 'unposted');
  return payment.unposted === 0 ? 0 : refundReversal(payment, payment.unposted).merchant;
}

/**
 * Throws RefundNotCoveredError unless `available` pays the merchant's share of every unposted refund of released
 * payments (the new refund's among them). Refunds of payments still pending release are left out: their
 * reversal takes from the pending wallet, which holds each such payment's unreversed net until its release, and
 * the release moves that net (their share included) to available.
 */
export function assertRefundsCovered(available: number, payments: readonly UnpostedRefunds[], currency: string): void {
  const required = payments.reduce((sum, p) => sum + unpostedMerchantShare(p), 0);
  if (required > available) throw new RefundNotCoveredError(available, required, currency);
}
