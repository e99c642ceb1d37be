import { EVENT_TYPES, type EventEnvelope, eventValidator, isEventType } from './events';
import { InvalidJobPayloadError, QUEUES, jobNamesOf, parseJobPayload } from './declarations';

const event: EventEnvelope<'payment.captured'> = {
  id: 'evt_01JDQ3ZK7Y0000000000000000',
  type: 'payment.captured',
  merchantId: 'mer_01JDQ3ZK7Y0000000000000001',
  aggregateType: 'payment',
  aggregateId: 'pay_01JDQ3ZK7Y0000000000000002',
  occurredAt: '2026-11-26T10:00:00.123Z',
  data: { object: { id: 'pay_01JDQ3ZK7Y0000000000000002', amount: 10000, nested: { ok: true } } },
};

describe('event envelopes', () => {
  it('declares one events job per event type, named by the type', () => {
    expect(jobNamesOf('events')).toEqual([...EVENT_TYPES]);
    expect(EVENT_TYPES).toEqual([
      'payment.created',
      'payment.captured',
      'payment.failed',
      'payment.cancelled',
      'refund.succeeded',
      'refund.failed',
      'settlement.paid',
    ]);
    expect(isEventType('refund.failed')).toBe(true);
    expect(isEventType('settlement.exploded')).toBe(false);
  });

  it('retries events with backoff', () => {
    expect(QUEUES.events.defaultJobOptions).toMatchObject({
      attempts: expect.any(Number),
      backoff: { type: 'exponential' },
    });
    expect(QUEUES.events.defaultJobOptions.attempts).toBeGreaterThan(3);
  });

  it('accepts a valid envelope, also a platform event without merchant', () => {
    expect(parseJobPayload('events', 'payment.captured', event)).toEqual(event);
    expect(eventValidator('payment.captured')({ ...event, merchantId: null })).toMatchObject({ ok: true });
  });

  it.each([
    ['a type that is not the job name', { ...event, type: 'payment.failed' }, 'data.type must be one of'],
    ['a malformed id', { ...event, id: 'pay_1' }, 'data.id must match'],
    ['a malformed merchant id', { ...event, merchantId: 'm1' }, 'data.merchantId must match'],
    ['a non-UTC instant', { ...event, occurredAt: '2026-11-26 10:00' }, 'data.occurredAt must match'],
    ['an impossible instant', { ...event, occurredAt: '2026-13-45T10:00:00Z' }, 'data.occurredAt is not a valid'],
    ['a missing object', { ...event, data: {} }, 'data.data.object is required'],
    ['an array object', { ...event, data: { object: [] } }, 'data.data.object must be an object'],
    ['an extra key', { ...event, extra: 1 }, 'data.extra is not allowed'],
  ])('refuses %s', (_label, data, message) => {
    expect(() => parseJobPayload('events', 'payment.captured', data)).toThrow(InvalidJobPayloadError);
    expect(() => parseJobPayload('events', 'payment.captured', data)).toThrow(message);
  });
});
