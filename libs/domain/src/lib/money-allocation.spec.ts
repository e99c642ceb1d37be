import fc from 'fast-check';
import { allocateProRata, percentOfBasisPoints } from './money-allocation';
import { MoneyError } from './money-error';

const big = (n: number) => BigInt(n);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The exact share total × weight / Σweights rounded half-up, computed independently in BigInt. */
function halfUpShare(total: number, weight: number, weightSum: bigint): bigint {
  return (big(2) * big(total) * big(weight) + weightSum) / (big(2) * weightSum);
}

const weights = fc.array(fc.maxSafeNat(), { minLength: 1, maxLength: 12 }).filter((ws) => ws.some((w) => w > 0));
const smallWeights = fc
  .array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 12 })
  .filter((ws) => ws.some((w) => w > 0));

describe('allocateProRata', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [10, [1, 1], [5, 5]],
    [1, [1, 1], [1, 0]],
    [1, [1, 2], [0, 1]],
    [5, [0, 3], [0, 5]],
    [0, [3, 7], [0, 0]],
    [7, [1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 0]],
    // A refund of 5000 on a capture of 10000 with 236 commission: 118 back from the platform, 4882 from the merchant.
    [5000, [236, 9764], [118, 4882]],
    // 66.67 each: half-up everywhere would make 201, so the last unit goes to the earlier parts (equal remainders).
    [200, [1, 1, 1], [67, 67, 66]],
  ])('allocateProRata(%i, %j) = %j', (total, ws, expected) => {
    expect(allocateProRata(total, ws)).toEqual(expected);
  });

  it.each([
    [1.5, [1]],
    [-1, [1]],
    [NaN, [1]],
    [10, []],
    [10, [0, 0]],
    [10, [1, -1]],
    [10, [0.5, 1]],
    [10, [Number.MAX_SAFE_INTEGER + 1]],
  ])('rejects allocateProRata(%p, %j)', (total, ws) => {
    expect(() => allocateProRata(total, ws)).toThrow(MoneyError);
  });

  it('sums to exactly the total, every part an integer within 1 of its exact share', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), weights, (total, ws) => {
        const parts = allocateProRata(total, ws);
        const weightSum = ws.reduce((acc, w) => acc + big(w), big(0));
        expect(parts).toHaveLength(ws.length);
        expect(parts.reduce((acc, part) => acc + big(part), big(0))).toBe(big(total));
        parts.forEach((part, i) => {
          expect(Number.isSafeInteger(part)).toBe(true);
          expect(part).toBeGreaterThanOrEqual(0);
          // |part − total·w/W| < 1  ⇔  |part·W − total·w| < W, compared exactly.
          const error = big(part) * weightSum - big(total) * big(ws[i]);
          expect(error < weightSum && -error < weightSum).toBe(true);
          if (ws[i] === 0) expect(part).toBe(0);
        });
      }),
    );
  });

  it('equals per-part half-up rounding whenever that already sums to the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), smallWeights, (total, ws) => {
        const weightSum = big(sum(ws));
        const halfUp = ws.map((w) => halfUpShare(total, w, weightSum));
        fc.pre(halfUp.reduce((a, b) => a + b, big(0)) === big(total));
        expect(allocateProRata(total, ws).map(big)).toEqual(halfUp);
      }),
    );
  });

  it('is deterministic and scales with the weights, not their magnitude', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        smallWeights,
        fc.integer({ min: 1, max: 1000 }),
        (t, ws, k) => {
          expect(allocateProRata(t, ws)).toEqual(allocateProRata(t, ws));
          expect(
            allocateProRata(
              t,
              ws.map((w) => w * k),
            ),
          ).toEqual(allocateProRata(t, ws));
        },
      ),
    );
  });
});

describe('percentOfBasisPoints', () => {
  it.each([
    [10000, 250, 250],
    [10000, 0, 0],
    [0, 250, 0],
    [1, 5000, 1], // 0.5 rounds up
    [1, 4999, 0], // 0.4999 rounds down
    [199, 250, 5], // 4.975
    [180, 250, 5], // 4.5 rounds up
    [179, 250, 4], // 4.475
    [123456789, 199, 2456790], // 2456789.1011
    [Number.MAX_SAFE_INTEGER, 10_000, Number.MAX_SAFE_INTEGER],
    [Number.MAX_SAFE_INTEGER, 1, 900719925474], // 900719925474.0991
    [10000, 20_000, 20000], // more than 100 % is plain arithmetic
  ])('%i at %i bps = %i', (amount, bps, expected) => {
    expect(percentOfBasisPoints(amount, bps)).toBe(expected);
  });

  it.each([
    [1.5, 100],
    [100, 2.5],
    [-1, 100],
    [100, -1],
    [NaN, 1],
  ])('rejects %p at %p bps', (amount, bps) => {
    expect(() => percentOfBasisPoints(amount, bps)).toThrow(expect.objectContaining({ code: 'invalid_amount' }));
  });

  it('refuses a result beyond 2^53 − 1 as overflow', () => {
    expect(() => percentOfBasisPoints(Number.MAX_SAFE_INTEGER, 10_001)).toThrow(
      expect.objectContaining({ code: 'overflow' }),
    );
    expect(() => percentOfBasisPoints(9999, Number.MAX_SAFE_INTEGER)).toThrow(
      expect.objectContaining({ code: 'overflow' }),
    );
  });

  it('matches exact half-up rounding of amount × bps / 10 000 for every safe amount, or refuses', () => {
    const bps = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.maxSafeNat());
    fc.assert(
      fc.property(fc.maxSafeNat(), bps, (amount, b) => {
        const exact = (big(2) * big(amount) * big(b) + big(10_000)) / big(20_000);
        if (exact <= big(Number.MAX_SAFE_INTEGER)) {
          // A huge bps may still overflow an intermediate even when the result would fit: refusing is allowed.
          try {
            const result = percentOfBasisPoints(amount, b);
            expect(Number.isSafeInteger(result)).toBe(true);
            expect(big(result)).toBe(exact);
          } catch (error) {
            expect(b).toBeGreaterThan(100_000);
            expect((error as MoneyError).code).toBe('overflow');
          }
        } else {
          expect(() => percentOfBasisPoints(amount, b)).toThrow(expect.objectContaining({ code: 'overflow' }));
        }
      }),
    );
  });

  it('is exact (never a refusal) for commission-sized rates', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 10_000 }), (amount, b) => {
        const exact = (big(2) * big(amount) * big(b) + big(10_000)) / big(20_000);
        expect(big(percentOfBasisPoints(amount, b))).toBe(exact);
      }),
    );
  });
});
