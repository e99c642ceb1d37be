import { assertCurrency, type Currency } from './currency';
import { MoneyError } from './money-error';

/**
 * An amount in the currency's minor unit (paise, cents, fils). Always a safe integer: floats cannot represent
 * most decimal fractions, so a major-unit float would drift under addition. May be zero or negative (ledger
 * balances, differences); "must be positive" is a rule of the caller, e.g. a payment amount.
 */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

/** True for a number usable as an amount of minor units: an integer that doubles represent exactly. */
export function isMinorUnits(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

export function assertMinorUnits(value: unknown, what = 'amount'): asserts value is number {
  if (!isMinorUnits(value)) {
    throw new MoneyError('invalid_amount', `${what} must be an integer number of minor units, got ${String(value)}`);
  }
}

export function assertNonNegativeMinorUnits(value: unknown, what = 'amount'): asserts value is number {
  assertMinorUnits(value, what);
  if (value < 0) throw new MoneyError('invalid_amount', `${what} must not be negative, got ${value}`);
}

/** Builds a validated `Money`; the only way amounts should enter the domain from outside. */
export function money(amount: number, currency: Currency): Money {
  assertMinorUnits(amount);
  assertCurrency(currency);
  // -0 is an integer to JavaScript; one zero keeps equality and serialisation unambiguous.
  return { amount: amount === 0 ? 0 : amount, currency };
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(checkedSum(a.amount, b.amount), a.currency);
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(checkedSum(a.amount, -b.amount), a.currency);
}

/** -1, 0 or 1, for sorting and comparisons; amounts in different currencies are not comparable. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError('currency_mismatch', `cannot combine ${a.currency} with ${b.currency}`);
  }
}

/** Both inputs are safe integers, so the float sum is exact unless it leaves the safe range — refuse that. */
function checkedSum(a: number, b: number): number {
  assertMinorUnits(a);
  assertMinorUnits(b);
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new MoneyError('overflow', `${a} + ${b} exceeds the exact integer range`);
  return sum;
}
