import { CURRENCIES, assertCurrency, currencyExponent, isCurrency } from './currency';
import { MoneyError } from './money-error';

describe('currencies', () => {
  it.each([
    ['INR', 2],
    ['USD', 2],
    ['EUR', 2],
    ['GBP', 2],
    ['SGD', 2],
    ['AED', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['OMR', 3],
  ] as const)('%s has %i decimals (ISO 4217)', (currency, exponent) => {
    expect(isCurrency(currency)).toBe(true);
    expect(currencyExponent(currency)).toBe(exponent);
  });

  it.each(['inr', 'XXX', '', 'INRR', 'toString', 'constructor', '__proto__', 42, null, undefined, {}])(
    'rejects %p',
    (value) => {
      expect(isCurrency(value)).toBe(false);
      expect(() => assertCurrency(value)).toThrow(MoneyError);
    },
  );

  it('lists every code once, upper-case, sorted', () => {
    expect(new Set(CURRENCIES).size).toBe(CURRENCIES.length);
    expect([...CURRENCIES].sort()).toEqual(CURRENCIES);
    for (const currency of CURRENCIES) expect(currency).toMatch(/^[A-Z]{3}$/);
  });

  it('refuses an exponent for something that is not a currency', () => {
    expect(() => currencyExponent('XYZ' as never)).toThrow(expect.objectContaining({ code: 'unknown_currency' }));
  });
});
