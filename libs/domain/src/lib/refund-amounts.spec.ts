import fc from 'fast-check';
import { MoneyError } from './money-error';
import { PAYMENT_STATUSES, applyPaymentEvent, type PaymentStatus } from './payment-state';
import {
  PaymentNotCapturedError,
  RefundExceedsCapturedError,
  assertRefundAllowed,
  paymentEventAfterRefunds,
  paymentStatusAfterRefunds,
  refundableAmount,
  resolveRefundAmount,
} from './refund-amounts';
import { type RefundStatus, applyRefundEvent } from './refund-state';
import { IllegalTransitionError } from './state-machine';

const balance = (captured: number, refundedSucceeded = 0, refundsPending = 0) => ({
  captured,
  refundedSucceeded,
  refundsPending,
});

describe('refund amounts', () => {
  it('leaves the capture minus succeeded and pending refunds', () => {
    expect(refundableAmount(balance(10000))).toBe(10000);
    expect(refundableAmount(balance(10000, 2500, 1500))).toBe(6000);
    expect(refundableAmount(balance(10000, 10000))).toBe(0);
  });

  it.each([
    [balance(100, 60, 50), 'inconsistent_amounts'],
    [balance(100, -1), 'invalid_amount'],
    [balance(100.5), 'invalid_amount'],
    [balance(100, 0, NaN), 'invalid_amount'],
  ])('refuses the inconsistent balance %j', (b, code) => {
    expect(() => refundableAmount(b)).toThrow(expect.objectContaining({ code }));
  });

  it('allows refunds up to what is left, in a payment holding captured money', () => {
    expect(() => assertRefundAllowed('captured', balance(10000), 10000)).not.toThrow();
    expect(() => assertRefundAllowed('partially_refunded', balance(10000, 4000, 1000), 5000)).not.toThrow();
  });

  it('refuses a refund beyond what is left with refund_exceeds_captured', () => {
    let caught: unknown;
    try {
      assertRefundAllowed('partially_refunded', balance(10000, 4000, 1000), 5001);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RefundExceedsCapturedError);
    expect(caught).toMatchObject({ code: 'refund_exceeds_captured', requested: 5001, refundable: 5000 });
    expect(() => assertRefundAllowed('refunded', balance(10000, 10000), 1)).toThrow(RefundExceedsCapturedError);
  });

  it.each(PAYMENT_STATUSES.filter((s) => !['captured', 'partially_refunded', 'refunded'].includes(s)))(
    'refuses any refund of a %s payment',
    (status) => {
      expect(() => assertRefundAllowed(status, balance(10000), 1)).toThrow(PaymentNotCapturedError);
      expect(() => assertRefundAllowed(status, balance(10000), 1)).toThrow(
        expect.objectContaining({ code: 'payment_not_captured', status }),
      );
    },
  );

  it.each([0, -5, 1.5, NaN])('refuses the refund amount %p', (amount) => {
    expect(() => assertRefundAllowed('captured', balance(10000), amount)).toThrow(
      expect.objectContaining({ code: 'invalid_amount' }),
    );
  });

  it('refunds everything left when the request names no amount', () => {
    expect(resolveRefundAmount('captured', balance(10000))).toBe(10000);
    expect(resolveRefundAmount('partially_refunded', balance(10000, 3000, 2000))).toBe(5000);
    expect(resolveRefundAmount('captured', balance(10000), 700)).toBe(700);
    // Nothing left is a conflict with the payment's state, not a malformed request.
    expect(() => resolveRefundAmount('captured', balance(10000, 0, 10000))).toThrow(RefundExceedsCapturedError);
    expect(() => resolveRefundAmount('refunded', balance(10000, 10000))).toThrow(/nothing is left to refund/);
  });

  it.each([
    [10000, 0, 'captured', null],
    [10000, 1, 'partially_refunded', 'refunded_partially'],
    [10000, 9999, 'partially_refunded', 'refunded_partially'],
    [10000, 10000, 'refunded', 'refunded_fully'],
  ])('a capture of %i with %i refunded is %s', (captured, refunded, status, event) => {
    expect(paymentStatusAfterRefunds(captured, refunded)).toBe(status);
    expect(paymentEventAfterRefunds(captured, refunded)).toBe(event);
  });

  it('refuses succeeded refunds above the capture', () => {
    expect(() => paymentStatusAfterRefunds(100, 101)).toThrow(MoneyError);
  });

  describe('properties', () => {
    type Step =
      | { kind: 'request'; amount: number | undefined }
      | { kind: 'resolve'; pick: number; outcome: 'succeeded' | 'failed' };

    const captured = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 1_000_000_000 }));
    const step = (cap: number): fc.Arbitrary<Step> =>
      fc.oneof(
        fc.record({
          kind: fc.constant('request' as const),
          amount: fc.option(fc.integer({ min: -1, max: Math.ceil(cap * 1.2) }), { nil: undefined }),
        }),
        fc.record({
          kind: fc.constant('resolve' as const),
          pick: fc.nat(),
          outcome: fc.constantFrom('succeeded' as const, 'failed' as const),
        }),
      );
    const scenario = captured.chain((cap) => fc.tuple(fc.constant(cap), fc.array(step(cap), { maxLength: 60 })));

    it('random concurrent refund requests and outcomes never let succeeded + pending exceed the capture', () => {
      fc.assert(
        fc.property(scenario, ([cap, steps]) => {
          const refunds: { amount: number; status: RefundStatus }[] = [];
          let paymentStatus: PaymentStatus = 'captured';
          const total = (status: RefundStatus) =>
            refunds.filter((r) => r.status === status).reduce((sum, r) => sum + r.amount, 0);
          const current = () => balance(cap, total('succeeded'), total('pending'));

          for (const s of steps) {
            if (s.kind === 'request') {
              const before = current();
              const left = refundableAmount(before);
              try {
                const amount = resolveRefundAmount(paymentStatus, before, s.amount);
                expect(amount).toBeGreaterThan(0);
                expect(amount).toBeLessThanOrEqual(left);
                // Reserved at once: a concurrent request sees it as pending.
                refunds.push({ amount, status: 'pending' });
              } catch (error) {
                const amount = s.amount ?? left;
                if (error instanceof RefundExceedsCapturedError) expect(amount > left || left === 0).toBe(true);
                else expect(error).toMatchObject({ code: 'invalid_amount' });
              }
            } else if (refunds.length > 0) {
              // Any refund, resolved possibly again: repeats are no-ops, contradictions throw and change nothing.
              const refund = refunds[s.pick % refunds.length];
              try {
                refund.status = applyRefundEvent(refund.status, s.outcome).status;
              } catch (error) {
                expect(error).toBeInstanceOf(IllegalTransitionError);
              }
              const event = paymentEventAfterRefunds(cap, total('succeeded'));
              if (event !== null) paymentStatus = applyPaymentEvent(paymentStatus, event).status;
            }
            const now = current();
            expect(now.refundedSucceeded + now.refundsPending).toBeLessThanOrEqual(cap);
            expect(refundableAmount(now)).toBeGreaterThanOrEqual(0);
            expect(paymentStatus).toBe(paymentStatusAfterRefunds(cap, now.refundedSucceeded));
          }
        }),
      );
    });
  });
});
