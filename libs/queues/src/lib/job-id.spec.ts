import fc from 'fast-check';
import { eventJobId, jobId, reconcilePaymentJobId, retryPaymentJobId } from './job-id';

describe('jobId', () => {
  it('names queue, job and key', () => {
    expect(jobId('maintenance', 'verify-audit-chain', 'manual', 'req_123')).toBe(
      'maintenance.verify-audit-chain.manual.req_123',
    );
  });

  it('is deterministic, so a retried enqueue hits the same id', () => {
    expect(jobId('maintenance', 'verify-audit-chain', 'a')).toBe(jobId('maintenance', 'verify-audit-chain', 'a'));
  });

  it.each([[''], ['a:b'], ['a.b'], ['a b'], ['x'.repeat(101)]])('refuses key part %j', (part) => {
    expect(() => jobId('maintenance', 'verify-audit-chain', part)).toThrow(/key part/);
  });

  it('never yields a BullMQ-reserved colon nor an integer id, and distinct keys give distinct ids', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 4 }),
        fc.array(part, { minLength: 1, maxLength: 4 }),
        (a, b) => {
          const idA = jobId('maintenance', 'verify-audit-chain', ...(a as [string, ...string[]]));
          const idB = jobId('maintenance', 'verify-audit-chain', ...(b as [string, ...string[]]));
          expect(idA).not.toContain(':');
          expect(`${parseInt(idA, 10)}`).not.toBe(idA);
          expect(idA === idB).toBe(a.join('\u0000') === b.join('\u0000'));
        },
      ),
    );
  });

  it('derives an event job id from the event id, the same on every re-publication', () => {
    const event = { type: 'payment.captured' as const, id: 'evt_01JDQ3ZK7Y0000000000000000' };
    expect(eventJobId(event)).toBe('events.payment.captured.evt_01JDQ3ZK7Y0000000000000000');
    expect(eventJobId({ ...event })).toBe(eventJobId(event));
    expect(() => eventJobId({ ...event, id: 'evt:1' })).toThrow(/key part/);
  });

  it('keys a payment retry or status check by payment and counter', () => {
    const id = 'pay_01JDQ3ZK7Y0000000000000000';
    expect(retryPaymentJobId(id, 2)).toBe(`payments.retry-payment.${id}.2`);
    expect(retryPaymentJobId(id, 2)).not.toBe(retryPaymentJobId(id, 3));
    expect(reconcilePaymentJobId(id, 0)).toBe(`payments.reconcile-payment.${id}.0`);
  });
});
