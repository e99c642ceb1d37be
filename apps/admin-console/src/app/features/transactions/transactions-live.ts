import type { PaymentView, RefundView } from '@lsp/contracts';
import type { PaymentListQuery } from './transactions-api.service';

/** The `event:` names of the transactions stream (API.md §10), also the merchant webhook event types. */
export const TRANSACTION_EVENT_TYPES = [
  'payment.created',
  'payment.captured',
  'payment.failed',
  'payment.cancelled',
  'refund.succeeded',
  'refund.failed',
] as const;

/**
 * Sent without an id when a resume missed more events than the server replays: the list may have gaps, so the
 * page reloads it instead of trusting the stream.
 */
export const STREAM_TRUNCATED = 'stream.truncated';

export type TransactionEventType = (typeof TRANSACTION_EVENT_TYPES)[number];

/** The data of one transactions-stream event: the outbox envelope with the object as it was after the change. */
export type TransactionStreamEvent =
  | (EventEnvelope & { type: `payment.${string}`; aggregateType: 'payment'; data: { object: PaymentView } })
  | (EventEnvelope & { type: `refund.${string}`; aggregateType: 'refund'; data: { object: RefundView } });

interface EventEnvelope {
  id: string;
  merchantId: string;
  aggregateId: string;
  occurredAt: string;
}

export function isPaymentEvent(
  event: TransactionStreamEvent,
): event is Extract<TransactionStreamEvent, { aggregateType: 'payment' }> {
  return event.type.startsWith('payment.') && event.data?.object?.object === 'payment';
}

export function isRefundEvent(
  event: TransactionStreamEvent,
): event is Extract<TransactionStreamEvent, { aggregateType: 'refund' }> {
  return event.type.startsWith('refund.') && event.data?.object?.object === 'refund';
}

/** Whether a payment belongs on the list as filtered (used to decide if a new one is prepended). */
export function matchesFilters(payment: PaymentView, filters: PaymentListQuery): boolean {
  return (
    (!filters.merchantId || payment.merchantId === filters.merchantId) &&
    (!filters.status || payment.status === filters.status) &&
    (!filters.createdFrom || payment.createdAt >= filters.createdFrom) &&
    (!filters.createdTo || payment.createdAt <= filters.createdTo)
  );
}

/**
 * The payment to show when a live copy arrives. Events are delivered at least once and not necessarily in
 * order, so an older snapshot (by `updatedAt`) never overwrites a newer one already on screen.
 */
export function newer(current: PaymentView, incoming: PaymentView): PaymentView {
  return incoming.updatedAt >= current.updatedAt ? incoming : current;
}
