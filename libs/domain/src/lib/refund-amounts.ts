import { DomainError } from './domain-error';
import { assertMinorUnits, assertNonNegativeMinorUnits } from './money';
import { MoneyError } from './money-error';
import { type PaymentEvent, type PaymentStatus } from './payment-state';

/**
 * What has been refunded of one captured payment, in its minor units. Pending refunds count: a refund reserves its
 * amount when it is created, so two concurrent requests (both checked under the payment's row lock) can never
 * together exceed the capture. A failed refund releases its reservation; a succeeded one keeps it for good.
 */
export interface RefundBalance {
  readonly captured: number;
  readonly refundedSucceeded: number;
  readonly refundsPending: number;
}

/** A refund larger than what is left of the capture. The API answers 409 `refund_exceeds_captured`. */
export class RefundExceedsCapturedError extends DomainError {
  readonly code = 'refund_exceeds_captured';

  constructor(
    readonly requested: number,
    readonly refundable: number,
  ) {
    super(
      refundable === 0
        ? 'nothing is left to refund on this payment'
        : `a refund of ${requested} exceeds the ${refundable} still refundable on this payment`,
    );
  }
}

/** A refund of a payment that never captured money (created, pending, failed, cancelled). The API answers 409. */
export class PaymentNotCapturedError extends DomainError {
  readonly code = 'payment_not_captured';

  constructor(readonly status: PaymentStatus) {
    super(`a payment in status "${status}" has no captured amount to refund`);
  }
}

const STATUSES_WITH_CAPTURED_MONEY: readonly PaymentStatus[] = ['captured', 'partially_refunded', 'refunded'];

/** What may still be refunded: the capture minus succeeded and still-pending refunds. */
export function refundableAmount(balance: RefundBalance): number {
  assertConsistent(balance);
  return balance.captured - balance.refundedSucceeded - balance.refundsPending;
}

/**
 * Throws unless a refund of `amount` may be reserved now: the payment holds captured money
 * (`PaymentNotCapturedError`), and `amount` is positive and fits in what is left (`RefundExceedsCapturedError`).
 */
export function assertRefundAllowed(paymentStatus: PaymentStatus, balance: RefundBalance, amount: number): void {
  if (!STATUSES_WITH_CAPTURED_MONEY.includes(paymentStatus)) throw new PaymentNotCapturedError(paymentStatus);
  assertMinorUnits(amount);
  const refundable = refundableAmount(balance);
  // Checked before positivity so that "refund the rest" of a fully refunded payment reports the real reason.
  if (amount > refundable || refundable === 0) throw new RefundExceedsCapturedError(amount, refundable);
  if (amount <= 0) throw new MoneyError('invalid_amount', `a refund amount must be positive, got ${amount}`);
}

/** The amount a refund request reserves: the one asked for, or everything still refundable when it names none. */
export function resolveRefundAmount(paymentStatus: PaymentStatus, balance: RefundBalance, requested?: number): number {
  const amount = requested ?? refundableAmount(balance);
  assertRefundAllowed(paymentStatus, balance, amount);
  return amount;
}

/** The payment status that the succeeded refunds imply; pending refunds do not change it. */
export function paymentStatusAfterRefunds(
  captured: number,
  refundedSucceeded: number,
): 'captured' | 'partially_refunded' | 'refunded' {
  assertConsistent({ captured, refundedSucceeded, refundsPending: 0 });
  if (refundedSucceeded === 0) return 'captured';
  return refundedSucceeded < captured ? 'partially_refunded' : 'refunded';
}

/** The payment event to apply once a refund succeeded, or null when nothing has been refunded. */
export function paymentEventAfterRefunds(captured: number, refundedSucceeded: number): PaymentEvent | null {
  const status = paymentStatusAfterRefunds(captured, refundedSucceeded);
  switch (status) {
    case 'captured':
      return null;
    case 'partially_refunded':
      return 'refunded_partially';
    case 'refunded':
      return 'refunded_fully';
  }
}

function assertConsistent(balance: RefundBalance): void {
  assertNonNegativeMinorUnits(balance.captured, 'captured');
  assertNonNegativeMinorUnits(balance.refundedSucceeded, 'refundedSucceeded');
  assertNonNegativeMinorUnits(balance.refundsPending, 'refundsPending');
  // The books already disagree: refusing loudly beats offering a negative refundable amount.
  if (balance.refundedSucceeded + balance.refundsPending > balance.captured) {
    throw new MoneyError(
      'inconsistent_amounts',
      `refunds (${balance.refundedSucceeded} succeeded, ${balance.refundsPending} pending) exceed the capture of ${balance.captured}`,
    );
  }
}
