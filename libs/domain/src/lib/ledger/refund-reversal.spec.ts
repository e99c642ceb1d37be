import fc from 'fast-check';
import { refundReversal } from './refund-reversal';

describe('refundReversal', () => {
  it('splits a half refund in proportion', () => {
    // Capture 10000 with 236 commission: net 9764; half refunded → 4882 from the merchant, 118 from commission.
    expect(
      refundReversal({ gross: 10_000, commission: 236, refundedBefore: 0, merchantReversedBefore: 0 }, 5_000),
    ).toEqual({ merchant: 4_882, commission: 118 });
  });

  it('rounds the merchant share half-up and gives the remainder to the platform', () => {
    // net 2 of 3: a refund of 1 is 0.667 of the net → 1 from the merchant, 0 from commission.
    expect(refundReversal({ gross: 3, commission: 1, refundedBefore: 0, merchantReversedBefore: 0 }, 1)).toEqual({
      merchant: 1,
      commission: 0,
    });
    // Three refunds of 1 never take 3 from a merchant credited 2: cumulative rounding.
    const second = refundReversal({ gross: 3, commission: 1, refundedBefore: 1, merchantReversedBefore: 1 }, 1);
    expect(second).toEqual({ merchant: 0, commission: 1 });
    const third = refundReversal({ gross: 3, commission: 1, refundedBefore: 2, merchantReversedBefore: 1 }, 1);
    expect(third).toEqual({ merchant: 1, commission: 0 });
  });

  it('refuses a refund beyond the capture', () => {
    expect(() =>
      refundReversal({ gross: 100, commission: 2, refundedBefore: 90, merchantReversedBefore: 88 }, 11),
    ).toThrow(/does not fit/);
  });

  it('reverses exactly the net and the commission once a payment is refunded in full, in any number of parts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 20 }),
        (gross, bps, weights) => {
          const commission = Math.min(gross, Math.round((gross * bps) / 10_000));
          // Split the gross into parts proportional to the weights (each ≥ 1 where possible).
          const total = weights.reduce((a, b) => a + b, 0);
          const parts: number[] = [];
          let left = gross;
          weights.forEach((w, i) => {
            const part = i === weights.length - 1 ? left : Math.min(left, Math.floor((gross * w) / total));
            if (part > 0) parts.push(part);
            left -= part;
          });
          let refundedBefore = 0;
          let merchantReversedBefore = 0;
          let commissionReversed = 0;
          for (const part of parts) {
            const r = refundReversal({ gross, commission, refundedBefore, merchantReversedBefore }, part);
            expect(r.merchant + r.commission).toBe(part);
            expect(r.merchant).toBeGreaterThanOrEqual(0);
            expect(r.commission).toBeGreaterThanOrEqual(0);
            refundedBefore += part;
            merchantReversedBefore += r.merchant;
            commissionReversed += r.commission;
            // Never more than was credited, at any step.
            expect(merchantReversedBefore).toBeLessThanOrEqual(gross - commission);
            expect(commissionReversed).toBeLessThanOrEqual(commission);
          }
          expect(merchantReversedBefore).toBe(gross - commission);
          expect(commissionReversed).toBe(commission);
        },
      ),
    );
  });
});
