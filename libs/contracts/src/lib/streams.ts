import type { PaymentView, RefundView } from './payments';

/** `POST /api/v1/streams/ticket`: a single-use credential for `EventSource`, which cannot send headers. */
export interface StreamTicketResponse {
  ticket: string;
  /** Seconds until the ticket lapses unused. */
  expiresIn: number;
}

/**
 * The `data:` of an event on `GET /api/v1/streams/transactions`; the SSE `id:` is `id` and `event:` is `type`.
 * `data.object` is the payment or refund as the API shows it at the time of the event.
 */
export interface TransactionStreamEvent {
  id: string;
  type: string;
  merchantId: string | null;
  aggregateType: 'payment' | 'refund';
  aggregateId: string;
  occurredAt: string;
  data: { object: PaymentView | RefundView };
}

/**
 * Sent (without an `id:`) when a resume found more missed events than a stream replays: the client should reload
 * its list instead of trusting the stream to have filled the gap.
 */
export interface StreamTruncatedEvent {
  replayed: number;
  message: string;
}
