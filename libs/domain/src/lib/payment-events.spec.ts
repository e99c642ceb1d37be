import { idTimestamp, isId, newId } from './ids';
import { PAYMENT_STATUSES } from './payment-state';
import {
  DOMAIN_EVENT_TYPES,
  InvalidDomainEventError,
  MERCHANT_WEBHOOK_EVENT_TYPES,
  createDomainEvent,
  eventAggregateType,
  eventTypeForPaymentStatus,
  eventTypeForRefundStatus,
  isDomainEventType,
  isMerchantWebhookEventType,
} from './payment-events';
import { REFUND_STATUSES } from './refund-state';

const merchantId = newId('merchant');
const paymentId = newId('payment');
const refundId = newId('refund');
const frozen = new Date('2025-11-26T10:00:00.000Z');

describe('domain events', () => {
  it('builds an envelope with a fresh evt_ id stamped at the time of the fact', () => {
    const event = createDomainEvent({
      type: 'payment.captured',
      merchantId,
      aggregateId: paymentId,
      data: { object: { id: paymentId, amount: 10000 } },
      occurredAt: frozen,
    });
    expect(event).toEqual({
      id: expect.any(String),
      type: 'payment.captured',
      occurredAt: '2025-11-26T10:00:00.000Z',
      merchantId,
      aggregateId: paymentId,
      data: { object: { id: paymentId, amount: 10000 } },
    });
    expect(isId('event', event.id)).toBe(true);
    expect(idTimestamp(event.id)).toBe(frozen.getTime());
  });

  it('gives every event its own id, and defaults the time to now', () => {
    const input = { type: 'refund.succeeded' as const, merchantId, aggregateId: refundId, data: {} };
    const before = Date.now();
    const a = createDomainEvent(input);
    const b = createDomainEvent(input);
    expect(a.id).not.toBe(b.id);
    expect(Date.parse(a.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(a.occurredAt)).toBeLessThanOrEqual(Date.now());
  });

  it.each([
    [{ type: 'payment.captured', merchantId, aggregateId: refundId }, /not a payment id/],
    [{ type: 'refund.failed', merchantId, aggregateId: paymentId }, /not a refund id/],
    [{ type: 'payment.created', merchantId: 'mer_1', aggregateId: paymentId }, /not a merchant id/],
    [{ type: 'payment.refunded', merchantId, aggregateId: paymentId }, /unknown event type/],
    [{ type: 'payment.created', merchantId, aggregateId: paymentId, occurredAt: new Date('x') }, /not a valid date/],
  ])('refuses %j', (input, message) => {
    expect(() => createDomainEvent({ data: {}, ...input } as never)).toThrow(InvalidDomainEventError);
    expect(() => createDomainEvent({ data: {}, ...input } as never)).toThrow(message);
  });

  it('tells the aggregate from the type', () => {
    expect(DOMAIN_EVENT_TYPES.map(eventAggregateType)).toEqual([
      'payment',
      'payment',
      'payment',
      'payment',
      'refund',
      'refund',
      'refund',
    ]);
  });

  it('offers merchants the six payment and refund types of API.md §8, not refund.created', () => {
    expect(MERCHANT_WEBHOOK_EVENT_TYPES).toEqual(DOMAIN_EVENT_TYPES.filter((type) => type !== 'refund.created'));
    expect(isMerchantWebhookEventType('refund.created')).toBe(false);
    expect(isMerchantWebhookEventType('payment.failed')).toBe(true);
    expect(isDomainEventType('refund.created')).toBe(true);
    expect(isDomainEventType('settlement.paid')).toBe(false);
  });

  it('names the event each status announces', () => {
    expect(Object.fromEntries(PAYMENT_STATUSES.map((s) => [s, eventTypeForPaymentStatus(s)]))).toEqual({
      created: 'payment.created',
      pending: null,
      captured: 'payment.captured',
      failed: 'payment.failed',
      cancelled: 'payment.cancelled',
      partially_refunded: null,
      refunded: null,
    });
    expect(REFUND_STATUSES.map(eventTypeForRefundStatus)).toEqual([
      'refund.created',
      'refund.succeeded',
      'refund.failed',
    ]);
  });
});
