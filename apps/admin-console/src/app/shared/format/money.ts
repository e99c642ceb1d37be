import { currencyExponent, isCurrency } from '@lsp/domain';

/**
 * Money arrives as an integer amount in the currency's minor unit (API.md §2). How many of its digits are
 * decimals is the currency's ISO 4217 exponent — 2 for INR, 0 for JPY, 3 for KWD — taken from the domain
 * library, the same table the API validates against, so the console never guesses "÷ 100".
 */
export function minorUnitExponent(currency: string): number {
  if (isCurrency(currency)) {
    return currencyExponent(currency);
  }
  // A currency the platform does not list (older data, a new gateway): trust the browser's ISO table.
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** `formatMinorUnits(10000, 'INR')` → `₹100.00`; `(500, 'JPY')` → `¥500`; `(1234, 'KWD')` → `KWD 1.234`. */
export function formatMinorUnits(amount: number, currency: string, locale = 'en-US'): string {
  const exponent = minorUnitExponent(currency);
  // An integer divided by a power of ten lands on the nearest double to the exact decimal, and exactly
  // `exponent` fraction digits are printed, so the rounding never shows.
  const major = amount / 10 ** exponent;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }).format(major);
  } catch {
    // Not an ISO code Intl knows: still show the number and the code rather than nothing.
    return `${major.toFixed(exponent)} ${currency}`;
  }
}

/** The amount as the user types it in major units, e.g. `2500` INR → `"25.00"`; no grouping, no symbol. */
export function minorToMajorInput(amount: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  return (amount / 10 ** exponent).toFixed(exponent);
}

/**
 * Parses what the user typed in major units into an integer of minor units, exactly (string arithmetic, no
 * floating point): `"25.5"` INR → 2550. Returns null for anything that is not a plain non-negative decimal
 * with at most `exponent` decimals, so `"1.234"` INR is refused rather than silently rounded.
 */
export function parseMajorUnits(input: string, currency: string): number | null {
  const exponent = minorUnitExponent(currency);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(input.trim());
  if (!match) {
    return null;
  }
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > exponent) {
    return null;
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}
