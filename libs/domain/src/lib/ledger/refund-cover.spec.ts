import fc from 'fast-check';
import { DomainError } from '../domain-error';
import { refundReversal } from './refund-reversal';
import { RefundNotCoveredError, assertRefundsCovered, unpostedMerchantShare } from './refund-cover';

const capture = { gross: 10_000, commission: 236, refundedBefore: 0, merchantReversedBefore: 0 };

describe('refund cover', () => {
  it('takes the merchant share of unposted refunds as their reversal journals will post it', () => {
    // net 9764: half refunded → 4882 from the merchant, the rest from commission.
    expect(unpostedMerchantShare({ ...capture, unposted: 5_000 })).toBe(4_882);
    expect(unpostedMerchantShare({ ...capture, unposted: 0 })).toBe(0);
    // After a posted refund of 5000 (4882 taken back), the rest takes exactly what is left of the net.
    expect(
      unpostedMerchantShare({ ...capture, refundedBefore: 5_000, merchantReversedBefore: 4_882, unposted: 5_000 }),
    ).toBe(4_882);
  });

  it('equals the sum of the merchant shares the refunds post one by one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 10 }),
        (gross, bps, weights) => {
          const commission = Math.round((gross * bps) / 10_000);
          const total = weights.reduce((a, b) => a + b, 0);
          const parts = weights.map((w) => Math.floor((gross * w) / total)).filter((p) => p > 0);
          let refundedBefore = 0;
          let merchantReversedBefore = 0;
          for (const part of parts) {
            const r = refundReversal({ gross, commission, refundedBefore, merchantReversedBefore }, part);
            refundedBefore += part;
            merchantReversedBefore += r.merchant;
          }
          const unposted = parts.reduce((a, b) => a + b, 0);
          expect(
            unpostedMerchantShare({ gross, commission, refundedBefore: 0, merchantReversedBefore: 0, unposted }),
          ).toBe(merchantReversedBefore);
        },
      ),
    );
  });

  it('passes while the available balance pays every released payment its unposted share', () => {
    const second = { gross: 3_000, commission: 60, refundedBefore: 0, merchantReversedBefore: 0, unposted: 3_000 };
    expect(() => assertRefundsCovered(4_882 + 2_940, [{ ...capture, unposted: 5_000 }, second], 'INR')).not.toThrow();
  });

  it('refuses with insufficient_funds naming the balance and what is needed', () => {
    const error = (() => {
      try {
        assertRefundsCovered(4_881, [{ ...capture, unposted: 5_000 }], 'INR');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RefundNotCoveredError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'insufficient_funds', available: 4_881, required: 4_882, currency: 'INR' });
    expect((error as Error).message).toMatch(/available INR balance of 4881 does not cover the 4882/);
  });
});
