import { type Field, nullable, object, objectOf, oneOf, record, string, type Validator } from './validation';

/**
 * Domain event types that travel from the transactional outbox to the `events` queue, one job name each. The
 * outbox relay publishes only these; a row of any other type is parked and alerted on, so add the type here (and
 * deploy the workers) before code starts recording it.
 */
export const EVENT_TYPES = [
  'payment.created',
  'payment.captured',
  'payment.failed',
  'payment.cancelled',
  'refund.succeeded',
  'refund.failed',
  // A settlement was posted (available → settled); data.object is the settlement summary.
  'settlement.paid',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** An outbox row as it travels: the `events` job payload and the message on the live streams. */
export interface EventEnvelope<T extends EventType = EventType> {
  /** `evt_…`; the same on every re-publication, so consumers dedupe on it. */
  id: string;
  type: T;
  /** Owner of the aggregate; null for platform events. */
  merchantId: string | null;
  aggregateType: string;
  aggregateId: string;
  /** ISO-8601 UTC instant at which the state change was committed. */
  occurredAt: string;
  /** `object`: a snapshot of the aggregate as the API shows it. */
  data: { object: Record<string, unknown> };
}

export const EVENT_ID_PATTERN = /^evt_[0-9A-Z]{26}$/;
const MERCHANT_ID_PATTERN = /^mer_[0-9A-Z]{26}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function instant(): Field<string> {
  const text = string({ pattern: ISO_INSTANT, maxLength: 40 });
  return {
    check: (value, path) => {
      const errors = text.check(value, path);
      if (errors.length === 0 && Number.isNaN(Date.parse(value as string))) return [`${path} is not a valid instant`];
      return errors;
    },
  };
}

/** The payload validator of one event type: its `type` must equal the job name it travels under. */
export function eventValidator<T extends EventType>(type: T): Validator<EventEnvelope<T>> {
  return objectOf<EventEnvelope<T>>({
    id: string({ pattern: EVENT_ID_PATTERN }),
    type: oneOf(type) as Field<T>,
    merchantId: nullable(string({ pattern: MERCHANT_ID_PATTERN })),
    aggregateType: string({ maxLength: 50 }),
    aggregateId: string({ maxLength: 100 }),
    occurredAt: instant(),
    data: object<{ object: Record<string, unknown> }>({ object: record() }),
  });
}
