import { formatMinorUnits, minorToMajorInput, minorUnitExponent, parseMajorUnits } from './money';

describe('money formatting', () => {
  it.each([
    [10000, 'INR', '₹100.00'],
    [500, 'JPY', '¥500'],
    [1234, 'KWD', 'KWD 1.234'],
    [1, 'INR', '₹0.01'],
    [123456789, 'INR', '₹1,234,567.89'],
    [99, 'USD', '$0.99'],
    [0, 'BHD', 'BHD 0.000'],
  ])('shows %i %s as %s', (amount, currency, expected) => {
    // Intl separates code and number with a no-break space.
    expect(formatMinorUnits(amount, currency).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it('uses the currency exponent of the domain table, not a fixed ÷ 100', () => {
    expect(minorUnitExponent('INR')).toBe(2);
    expect(minorUnitExponent('JPY')).toBe(0);
    expect(minorUnitExponent('KWD')).toBe(3);
  });

  it('follows the locale it is given', () => {
    expect(formatMinorUnits(10000000, 'INR', 'en-IN')).toBe('₹1,00,000.00');
  });

  it('still shows a currency the platform does not list', () => {
    expect(formatMinorUnits(1050, 'CZK')).toBe('CZK 10.50'.replace(' ', '\u00a0'));
    expect(formatMinorUnits(1050, 'XX1')).toBe('10.50 XX1');
  });

  it.each([
    ['25', 'INR', 2500],
    ['25.5', 'INR', 2550],
    ['0.01', 'INR', 1],
    ['500', 'JPY', 500],
    ['1.234', 'KWD', 1234],
    [' 7.10 ', 'INR', 710],
  ])('parses %j %s as %i minor units', (input, currency, expected) => {
    expect(parseMajorUnits(input, currency)).toBe(expected);
  });

  it.each([
    ['1.234', 'INR'],
    ['5.5', 'JPY'],
    ['-1', 'INR'],
    ['1e3', 'INR'],
    ['', 'INR'],
    ['abc', 'INR'],
  ])('refuses %j in %s', (input, currency) => {
    expect(parseMajorUnits(input, currency)).toBeNull();
  });

  it('prefills an input in major units', () => {
    expect(minorToMajorInput(7500, 'INR')).toBe('75.00');
    expect(minorToMajorInput(500, 'JPY')).toBe('500');
    expect(minorToMajorInput(1234, 'KWD')).toBe('1.234');
  });
});
