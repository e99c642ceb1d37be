import fc from 'fast-check';
import { CURRENCIES, type Currency } from './currency';
import {
  addMoney,
  assertMinorUnits,
  assertNonNegativeMinorUnits,
  compareMoney,
  isMinorUnits,
  money,
  subtractMoney,
} from './money';
import { MoneyError } from './money-error';

/** Amounts whose sums and differences stay exact: |a ± b| < 2^53. */
const halfSafeAmount = fc.maxSafeInteger().map((n) => Math.trunc(n / 2));
const currency = fc.constantFrom(...CURRENCIES);

describe('money', () => {
  it('accepts integer minor units, zero and negatives included', () => {
    expect(money(10000, 'INR')).toEqual({ amount: 10000, currency: 'INR' });
    expect(money(0, 'JPY').amount).toBe(0);
    expect(money(-5, 'KWD').amount).toBe(-5);
    expect(money(Number.MAX_SAFE_INTEGER, 'USD').amount).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([0.5, 100.1, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, '100', null, undefined])(
    'rejects the amount %p with invalid_amount',
    (amount) => {
      expect(isMinorUnits(amount)).toBe(false);
      expect(() => money(amount as number, 'INR')).toThrow(MoneyError);
      expect(() => money(amount as number, 'INR')).toThrow(expect.objectContaining({ code: 'invalid_amount' }));
    },
  );

  it('rejects an unknown currency', () => {
    expect(() => money(1, 'inr' as Currency)).toThrow(expect.objectContaining({ code: 'unknown_currency' }));
  });

  it('names the offending field and refuses negatives where asked', () => {
    expect(() => assertMinorUnits(1.5, 'fee')).toThrow(/fee must be an integer/);
    expect(() => assertNonNegativeMinorUnits(-1, 'fee')).toThrow(/fee must not be negative/);
    expect(() => assertNonNegativeMinorUnits(0)).not.toThrow();
  });

  it('adds, subtracts and compares within one currency', () => {
    expect(addMoney(money(150, 'INR'), money(50, 'INR'))).toEqual(money(200, 'INR'));
    expect(subtractMoney(money(150, 'INR'), money(200, 'INR'))).toEqual(money(-50, 'INR'));
    expect(compareMoney(money(1, 'JPY'), money(2, 'JPY'))).toBe(-1);
    expect(compareMoney(money(2, 'JPY'), money(2, 'JPY'))).toBe(0);
    expect(compareMoney(money(3, 'JPY'), money(2, 'JPY'))).toBe(1);
  });

  it('never mixes currencies', () => {
    const inr = money(100, 'INR');
    const usd = money(100, 'USD');
    for (const combine of [addMoney, subtractMoney, compareMoney]) {
      expect(() => combine(inr, usd)).toThrow(expect.objectContaining({ code: 'currency_mismatch' }));
    }
  });

  it('refuses results beyond the exact integer range instead of rounding them', () => {
    const max = money(Number.MAX_SAFE_INTEGER, 'INR');
    expect(() => addMoney(max, money(1, 'INR'))).toThrow(expect.objectContaining({ code: 'overflow' }));
    expect(() => subtractMoney(money(-Number.MAX_SAFE_INTEGER, 'INR'), money(1, 'INR'))).toThrow(MoneyError);
  });

  it('refuses a hand-built Money with a float amount', () => {
    const forged = { amount: 0.1, currency: 'INR' } as const;
    expect(() => addMoney(forged, money(1, 'INR'))).toThrow(expect.objectContaining({ code: 'invalid_amount' }));
  });

  describe('properties', () => {
    it('subtract undoes add, and add undoes subtract', () => {
      fc.assert(
        fc.property(halfSafeAmount, halfSafeAmount, currency, (a, b, c) => {
          const x = money(a, c);
          const y = money(b, c);
          expect(subtractMoney(addMoney(x, y), y)).toEqual(x);
          expect(addMoney(subtractMoney(x, y), y)).toEqual(x);
        }),
      );
    });

    it('always yields integers, or throws a MoneyError', () => {
      fc.assert(
        fc.property(fc.maxSafeInteger(), fc.maxSafeInteger(), (a, b) => {
          for (const combine of [addMoney, subtractMoney]) {
            try {
              expect(Number.isSafeInteger(combine(money(a, 'INR'), money(b, 'INR')).amount)).toBe(true);
            } catch (error) {
              expect(error).toBeInstanceOf(MoneyError);
              expect((error as MoneyError).code).toBe('overflow');
            }
          }
        }),
      );
    });

    it('compares antisymmetrically and consistently with subtraction', () => {
      fc.assert(
        fc.property(halfSafeAmount, halfSafeAmount, (a, b) => {
          const x = money(a, 'EUR');
          const y = money(b, 'EUR');
          expect(compareMoney(x, y) + compareMoney(y, x)).toBe(0);
          expect(compareMoney(x, y)).toBe(Math.sign(subtractMoney(x, y).amount));
        }),
      );
    });
  });
});
