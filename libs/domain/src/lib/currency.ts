import { MoneyError } from './money-error';

/**
 * ISO 4217 codes the platform accepts, with the number of decimals of the minor unit ("exponent"): amounts are
 * stored and exchanged in minor units, so 10000 INR is ₹100.00, 10000 JPY is ¥10000 and 10000 KWD is 10.000 KD.
 * Add a currency by adding its ISO 4217 exponent here; nothing else needs to change.
 */
export const CURRENCY_EXPONENTS = {
  // Three decimals.
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  // No minor unit in use.
  CLP: 0,
  ISK: 0,
  JPY: 0,
  KRW: 0,
  UGX: 0,
  VND: 0,
  XAF: 0,
  XOF: 0,
  // Two decimals.
  AED: 2,
  AUD: 2,
  BDT: 2,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  IDR: 2,
  INR: 2,
  LKR: 2,
  MXN: 2,
  MYR: 2,
  NOK: 2,
  NPR: 2,
  NZD: 2,
  PHP: 2,
  PKR: 2,
  QAR: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  USD: 2,
  ZAR: 2,
} as const satisfies Record<string, 0 | 2 | 3>;

export type Currency = keyof typeof CURRENCY_EXPONENTS;

export const CURRENCIES = Object.keys(CURRENCY_EXPONENTS).sort() as readonly Currency[];

/** Exact, upper-case match only: `inr` is not a currency (the API rejects it rather than guessing). */
export function isCurrency(value: unknown): value is Currency {
  // Own properties only, so `toString` and friends are not currencies.
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, value);
}

export function currencyExponent(currency: Currency): number {
  assertCurrency(currency);
  return CURRENCY_EXPONENTS[currency];
}

export function assertCurrency(value: unknown): asserts value is Currency {
  if (!isCurrency(value)) throw new MoneyError('unknown_currency', `${String(value)} is not a supported currency`);
}
