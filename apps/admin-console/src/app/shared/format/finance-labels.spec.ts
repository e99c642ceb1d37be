import { formatMinorUnits } from './money';
import { endOfDayIso, formatBasisPoints, localDateTimeToIso, signedMoney, startOfDayIso } from './finance-labels';

describe('finance formatting', () => {
  it.each([
    [250, '2.50 %'],
    [200, '2.00 %'],
    [5, '0.05 %'],
    [0, '0.00 %'],
    [5000, '50.00 %'],
    [1999, '19.99 %'],
    [-15, '−0.15 %'],
  ])('shows %i basis points as %s, exactly', (bps, expected) => {
    expect(formatBasisPoints(bps)).toBe(expected);
  });

  it('refuses to show a fractional basis point rather than round it', () => {
    expect(formatBasisPoints(2.5)).toBe('—');
  });

  it.each([
    [1234, 'INR', '+₹12.34'],
    [-1234, 'INR', '−₹12.34'],
    [-500, 'JPY', '−¥500'],
    [1234, 'KWD', '+KWD\u00a01.234'],
    [0, 'INR', '₹0.00'],
  ])('signs a movement of %i %s as %s, in the currency’s own exponent', (amount, currency, expected) => {
    expect(signedMoney((abs) => formatMinorUnits(abs, currency), amount)).toBe(expected);
  });

  it('turns date inputs into a [start, next day) range in the local zone', () => {
    const from = startOfDayIso('2026-03-01');
    const to = endOfDayIso('2026-03-01');
    expect(from).toBe(new Date(2026, 2, 1).toISOString());
    expect(to).toBe(new Date(2026, 2, 2).toISOString());
    expect(startOfDayIso('')).toBeUndefined();
    expect(endOfDayIso('')).toBeUndefined();
  });

  it('ends a month correctly', () => {
    expect(endOfDayIso('2026-02-28')).toBe(new Date(2026, 2, 1).toISOString());
  });

  it('reads a datetime-local value as local wall time; empty or garbage is no cut-off', () => {
    expect(localDateTimeToIso('2026-11-25T18:30')).toBe(new Date(2026, 10, 25, 18, 30).toISOString());
    expect(localDateTimeToIso('')).toBeUndefined();
    expect(localDateTimeToIso('not a date')).toBeUndefined();
  });
});
