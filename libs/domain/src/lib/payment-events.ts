import { DomainError } from './domain-error';
import { isId, newId } from './ids';
import { type PaymentStatus } from './payment-state';
import { type RefundStatus } from './refund-state';

/**
 * The events the payments domain publishes (through the transactional outbox) to the ledger, merchant webhooks
 * and live streams. `refund.created` is internal: it lets the console stream and the ledger see a refund from the
 * moment its amount is reserved, but merchants are only sent the types API.md §8 promises.
 */
export const DOMAIN_EVENT_TYPES = [
  'payment.created',
  'payment.captured',
  'payment.failed',
  'payment.cancelled',
  'refund.created',
  'refund.succeeded',
  'refund.failed',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** The payments-domain types merchants may subscribe webhook endpoints to (API.md §8). */
export const MERCHANT_WEBHOOK_EVENT_TYPES = [
  'payment.created',
  'payment.captured',
  'payment.failed',
  'payment.cancelled',
  'refund.succeeded',
  'refund.failed',
] as const satisfies readonly DomainEventType[];

export type EventAggregateType = 'payment' | 'refund';

/**
 * One fact, immutable once recorded. `id` is also the webhook id and the queue job id, so every consumer can
 * dedupe redeliveries on it; `occurredAt` is when the state changed (ISO-8601 UTC), not when it was published.
 */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  readonly id: string;
  readonly type: T;
  readonly occurredAt: string;
  readonly merchantId: string;
  readonly aggregateId: string;
  readonly data: Record<string, unknown>;
}

export interface DomainEventInput<T extends DomainEventType> {
  type: T;
  merchantId: string;
  aggregateId: string;
  data: Record<string, unknown>;
  /** Defaults to now; pass the clock's time so tests can freeze it. */
  occurredAt?: Date;
}

export class InvalidDomainEventError extends DomainError {
  readonly code = 'invalid_domain_event';

  constructor(message: string) {
    super(message);
  }
}

/** Builds an event with a fresh `evt_` id; refuses ids that do not belong to the event's aggregate. */
export function createDomainEvent<T extends DomainEventType>(input: DomainEventInput<T>): DomainEvent<T> {
  const occurredAt = input.occurredAt ?? new Date();
  if (Number.isNaN(occurredAt.getTime())) throw new InvalidDomainEventError('occurredAt is not a valid date');
  if (!isDomainEventType(input.type)) throw new InvalidDomainEventError(`unknown event type ${String(input.type)}`);
  if (!isId('merchant', input.merchantId)) {
    throw new InvalidDomainEventError(`merchantId ${input.merchantId} is not a merchant id`);
  }
  const aggregateType = eventAggregateType(input.type);
  if (!isId(aggregateType, input.aggregateId)) {
    throw new InvalidDomainEventError(`aggregateId ${input.aggregateId} is not a ${aggregateType} id`);
  }
  return {
    id: newId('event', occurredAt.getTime()),
    type: input.type,
    occurredAt: occurredAt.toISOString(),
    merchantId: input.merchantId,
    aggregateId: input.aggregateId,
    data: input.data,
  };
}

export function isDomainEventType(value: unknown): value is DomainEventType {
  return typeof value === 'string' && (DOMAIN_EVENT_TYPES as readonly string[]).includes(value);
}

export function isMerchantWebhookEventType(value: unknown): value is (typeof MERCHANT_WEBHOOK_EVENT_TYPES)[number] {
  return typeof value === 'string' && (MERCHANT_WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** The aggregate an event is about, from the prefix of its type (`refund.failed` → `refund`). */
export function eventAggregateType(type: DomainEventType): EventAggregateType {
  return type.startsWith('refund.') ? 'refund' : 'payment';
}

/** The event announcing that a payment reached `status`, or null for statuses that are not announced on their own
 * (`pending` is internal; the refunded statuses are announced by `refund.succeeded`). */
export function eventTypeForPaymentStatus(status: PaymentStatus): DomainEventType | null {
  switch (status) {
    case 'created':
      return 'payment.created';
    case 'captured':
      return 'payment.captured';
    case 'failed':
      return 'payment.failed';
    case 'cancelled':
      return 'payment.cancelled';
    case 'pending':
    case 'partially_refunded':
    case 'refunded':
      return null;
  }
}

/** The event announcing that a refund reached `status`. */
export function eventTypeForRefundStatus(status: RefundStatus): DomainEventType {
  switch (status) {
    case 'pending':
      return 'refund.created';
    case 'succeeded':
      return 'refund.succeeded';
    case 'failed':
      return 'refund.failed';
  }
}
