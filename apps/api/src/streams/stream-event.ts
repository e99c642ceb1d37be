/**
 * An event as it travels on a live stream: the outbox envelope the workers publish to `<prefix>:stream:<name>`
 * (libs/queues `EventEnvelope`), or the same built from an `outbox_events` row when a stream resumes.
 */
export interface StreamEvent {
  id: string;
  type: string;
  merchantId: string | null;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  data: { object: Record<string, unknown> };
}

const EVENT_ID = /^evt_[0-9A-Z]{26}$/;
const MERCHANT_ID = /^mer_[0-9A-Z]{26}$/;
// Also what keeps the SSE framing intact: an id or event name with a line break would forge fields.
const EVENT_TYPE = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;

/**
 * Checks a message from Redis and copies only the envelope's fields, so nothing a publisher adds beside them
 * reaches a client. Null for anything malformed.
 */
export function decodeStreamEvent(value: unknown): StreamEvent | null {
  if (!value || typeof value !== 'object') return null;
  const { id, type, merchantId, aggregateType, aggregateId, occurredAt, data } = value as Record<string, unknown>;
  const object = data && typeof data === 'object' ? (data as Record<string, unknown>)['object'] : undefined;
  if (
    typeof id !== 'string' ||
    !EVENT_ID.test(id) ||
    typeof type !== 'string' ||
    !EVENT_TYPE.test(type) ||
    !(merchantId === null || (typeof merchantId === 'string' && MERCHANT_ID.test(merchantId))) ||
    typeof aggregateType !== 'string' ||
    typeof aggregateId !== 'string' ||
    typeof occurredAt !== 'string' ||
    !object ||
    typeof object !== 'object' ||
    Array.isArray(object)
  ) {
    return null;
  }
  return {
    id,
    type,
    merchantId: typeof merchantId === 'string' ? merchantId : null,
    aggregateType,
    aggregateId,
    occurredAt,
    data: { object: object as Record<string, unknown> },
  };
}
