import { StateMachine, type TransitionResult, type TransitionTable } from './state-machine';

export const PAYMENT_STATUSES = [
  'created',
  'pending',
  'captured',
  'failed',
  'cancelled',
  'partially_refunded',
  'refunded',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_EVENTS = [
  'submitted',
  'captured',
  'failed',
  'cancelled',
  'refunded_partially',
  'refunded_fully',
] as const;
export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];

/**
 * Every allowed payment transition (API.md §5), and nothing else.
 *
 * - `created` is the short-lived status between inserting the payment and the first gateway answer. It fails at
 *   once on a permanent decline; it cannot be captured directly — a gateway that answers "succeeded" on the
 *   create call is recorded as `submitted` then `captured`, so every capture passes through `pending`.
 * - `created → cancelled` is refused on purpose: while a payment is `created` its first gateway call may be in
 *   flight, and cancelling then could leave a customer charged for a cancelled payment. Only a `pending`
 *   payment (the gateway has answered, the customer has not paid yet) can be cancelled.
 * - A second partial refund keeps `partially_refunded`: that is a repeat of `refunded_partially`, not a
 *   transition, so the table has no self-loop for it (see `TransitionResult`).
 * - `failed`, `cancelled` and `refunded` are terminal.
 */
export const PAYMENT_TRANSITIONS: TransitionTable<PaymentStatus, PaymentEvent> = {
  created: { submitted: 'pending', failed: 'failed' },
  pending: { captured: 'captured', failed: 'failed', cancelled: 'cancelled' },
  captured: { refunded_partially: 'partially_refunded', refunded_fully: 'refunded' },
  partially_refunded: { refunded_fully: 'refunded' },
  failed: {},
  cancelled: {},
  refunded: {},
};

export const paymentStateMachine = new StateMachine<PaymentStatus, PaymentEvent>('payment', PAYMENT_TRANSITIONS);

export type PaymentTransition = TransitionResult<PaymentStatus>;

/**
 * Applies a (possibly late or duplicate) event. Gateways retry callbacks and deliver them out of order, so an event
 * that repeats the current status or leads to one the payment has already passed is a no-op (`changed: false`),
 * never a move backwards; only a contradicting event (capture of a failed payment, cancel of a captured one) throws
 * `IllegalTransitionError`.
 */
export function applyPaymentEvent(from: PaymentStatus, event: PaymentEvent): PaymentTransition {
  return paymentStateMachine.apply(from, event);
}

/** The status after `event`; the current one when the event is a no-op. Throws `IllegalTransitionError`. */
export function nextPaymentStatus(from: PaymentStatus, event: PaymentEvent): PaymentStatus {
  return applyPaymentEvent(from, event).status;
}

export function canApplyPaymentEvent(from: PaymentStatus, event: PaymentEvent): boolean {
  return paymentStateMachine.accepts(from, event);
}

/** `failed`, `cancelled`, `refunded`: no event changes them any more. */
export function isTerminalPaymentStatus(status: PaymentStatus): boolean {
  return paymentStateMachine.isTerminal(status);
}

export function isPaymentStatus(value: unknown): value is PaymentStatus {
  return typeof value === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(value);
}
