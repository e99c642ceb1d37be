import { assertNonNegativeMinorUnits } from './money';
import { MoneyError } from './money-error';

const BASIS_POINTS_PER_WHOLE = 10_000;

/**
 * Splits an integer `total` (minor units, ≥ 0) into parts proportional to `weights`, e.g. a refund across the
 * merchant's net and the platform's commission of the original capture.
 *
 * Rounding: every part is at least the floor of its exact share `total × weight / Σweights`; the units left over
 * (fewer than the number of parts) go one each to the parts with the largest fractional remainders, ties to the
 * earlier part. Hence the parts always sum to exactly `total`, each lies strictly within 1 of its exact share, a
 * zero weight gets 0, and whenever rounding every share half-up already sums to `total` the result is exactly
 * that half-up rounding. Deterministic: the same input always gives the same split, so a reversal recomputed
 * later matches the original to the unit.
 *
 * The products are exact (BigInt): `total × weight` exceeds 2^53 for large amounts, and a float there would
 * silently lose units.
 */
export function allocateProRata(total: number, weights: readonly number[]): number[] {
  assertNonNegativeMinorUnits(total, 'total');
  if (weights.length === 0) throw new MoneyError('invalid_weights', 'at least one weight is needed');
  weights.forEach((weight, i) => assertNonNegativeMinorUnits(weight, `weights[${i}]`));
  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), BigInt(0));
  if (weightSum === BigInt(0)) throw new MoneyError('invalid_weights', 'the weights must not all be zero');

  const scaledTotal = BigInt(total);
  const shares = weights.map((weight, index) => {
    const scaled = scaledTotal * BigInt(weight);
    return { index, floor: scaled / weightSum, remainder: scaled % weightSum };
  });
  const parts = shares.map((share) => share.floor);
  let leftover = Number(scaledTotal - parts.reduce((sum, part) => sum + part, BigInt(0)));

  const largestRemainderFirst = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of largestRemainderFirst) {
    if (leftover === 0) break;
    parts[share.index] += BigInt(1);
    leftover--;
  }
  return parts.map(Number);
}

/**
 * `amount × bps / 10 000` rounded half-up to the minor unit (commission rules are in basis points: 250 = 2.5 %).
 * Both inputs are non-negative minor units / basis points.
 *
 * Integer maths only: `amount` is split into whole multiples of 10 000 (which take `bps` exactly) and a
 * remainder below 10 000 whose share is rounded half-up as ⌊(2·r·bps + 10 000) / 20 000⌋. That keeps every
 * intermediate small; a result beyond 2^53 − 1 is refused as overflow rather than rounded by the float unit.
 */
export function percentOfBasisPoints(amount: number, bps: number): number {
  assertNonNegativeMinorUnits(amount, 'amount');
  assertNonNegativeMinorUnits(bps, 'bps');
  const remainder = amount % BASIS_POINTS_PER_WHOLE;
  const wholes = (amount - remainder) / BASIS_POINTS_PER_WHOLE;
  const doubledRemainderShare = checked(2 * remainder * bps + BASIS_POINTS_PER_WHOLE, amount, bps);
  const roundedRemainderShare = floorDivide(doubledRemainderShare, 2 * BASIS_POINTS_PER_WHOLE);
  return checked(checked(wholes * bps, amount, bps) + roundedRemainderShare, amount, bps);
}

/** ⌊a / b⌋ for non-negative safe integers without trusting a float quotient near an integer boundary. */
function floorDivide(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** A product or sum past 2^53 − 1 is no longer exact; its float value is then ≥ 2^53 and fails this check. */
function checked(value: number, amount: number, bps: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new MoneyError('overflow', `${amount} at ${bps} basis points exceeds the exact integer range`);
  }
  return value;
}
