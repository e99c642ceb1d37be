import type { PaymentStatusView, PaymentView } from '@lsp/contracts';

/** Every payment status, in lifecycle order (filters, badges). */
export const PAYMENT_STATUSES = [
  'created',
  'pending',
  'captured',
  'failed',
  'cancelled',
  'partially_refunded',
  'refunded',
] as const satisfies readonly PaymentStatusView[];

export function isPaymentStatus(value: string): value is PaymentStatusView {
  return (PAYMENT_STATUSES as readonly string[]).includes(value);
}

/** Only these can be refunded (API.md §5: a refund of a payment that is not captured is refused). */
export const REFUNDABLE_STATUSES: readonly PaymentStatusView[] = ['captured', 'partially_refunded'];

const CAPTURED_STATUSES: readonly PaymentStatusView[] = ['captured', 'partially_refunded', 'refunded'];

/** What was captured: the whole amount once the payment reached `captured` (refunds do not undo that). */
export function capturedAmount(payment: PaymentView): number {
  return CAPTURED_STATUSES.includes(payment.status) ? payment.amount : 0;
}

/** What may still be refunded; the API enforces the same ceiling (409 `refund_exceeds_captured`). */
export function refundableAmount(payment: PaymentView): number {
  return REFUNDABLE_STATUSES.includes(payment.status)
    ? Math.max(0, capturedAmount(payment) - payment.amountRefunded)
    : 0;
}
