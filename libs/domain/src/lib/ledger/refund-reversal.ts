import { assertNonNegativeMinorUnits } from '../money';
import { LedgerError } from './ledger-error';

/** What a capture credited, and what earlier refunds of the same payment have already reversed. */
export interface CaptureShares {
  /** The captured amount. */
  gross: number;
  /** The platform's commission on it; the merchant was credited `gross − commission`. */
  commission: number;
  /** Sum of earlier refunds of this payment (succeeded and posted). */
  refundedBefore: number;
  /** Of those, the part taken back from the merchant; the rest came out of the commission. */
  merchantReversedBefore: number;
}

export interface RefundReversal {
  /** Debited from the merchant's wallet. */
  merchant: number;
  /** Debited from the platform's commission revenue. */
  commission: number;
}

/**
 * Splits a refund between the merchant's net and the platform's commission in proportion to the capture.
 *
 * Computed on cumulative totals: after refunds totalling R the merchant has given back
 * `round_half_up(net × R / gross)` in all, and this refund takes the difference from what earlier ones took. The
 * platform's commission takes the remainder, so every refund's two parts sum to its amount exactly, rounding never
 * accumulates, and a payment refunded in full reverses exactly its net and its commission (however many partial
 * refunds it took). BigInt products: `net × R` passes 2^53 for large amounts.
 */
export function refundReversal(capture: CaptureShares, refund: number): RefundReversal {
  const { gross, commission, refundedBefore, merchantReversedBefore } = capture;
  for (const [name, value] of Object.entries({ gross, commission, refundedBefore, merchantReversedBefore, refund })) {
    assertNonNegativeMinorUnits(value, name);
  }
  if (commission > gross) throw new LedgerError('invalid_journal', 'commission exceeds the captured amount');
  const refundedAfter = refundedBefore + refund;
  if (refund === 0 || refundedAfter > gross) {
    throw new LedgerError(
      'refund_exceeds_capture',
      `a refund of ${refund} after ${refundedBefore} already refunded does not fit a capture of ${gross}`,
    );
  }
  const net = BigInt(gross - commission);
  const merchantAfter = Number((BigInt(2) * net * BigInt(refundedAfter) + BigInt(gross)) / (BigInt(2) * BigInt(gross)));
  const merchant = merchantAfter - merchantReversedBefore;
  if (merchant < 0 || merchant > refund) {
    throw new LedgerError('invalid_journal', 'earlier reversals of this payment are inconsistent with its capture');
  }
  return { merchant, commission: refund - merchant };
}
