import { customRange, presetRange } from './date-range';

describe('presetRange', () => {
  const now = Date.parse('2026-11-26T10:07:00.000Z');

  it.each([
    ['24h', '2026-11-25T10:07:00.000Z'],
    ['7d', '2026-11-19T10:07:00.000Z'],
    ['30d', '2026-10-27T10:07:00.000Z'],
  ] as const)('%s ends now and starts that long before', (preset, from) => {
    expect(presetRange(preset, now)).toEqual({ from, to: '2026-11-26T10:07:00.000Z' });
  });
});

describe('customRange', () => {
  it('covers both days in full, in the operator’s zone', () => {
    const range = customRange('2026-11-20', '2026-11-21');
    expect(range).toEqual({
      from: new Date('2026-11-20T00:00:00').toISOString(),
      to: new Date('2026-11-22T00:00:00').toISOString(),
    });
  });

  it('accepts a single day', () => {
    const range = customRange('2026-11-20', '2026-11-20');
    expect('error' in range).toBe(false);
  });

  it.each([
    ['', '2026-11-20', 'Choose both dates.'],
    ['2026-11-21', '2026-11-20', '“From” must be on or before “To”.'],
    ['2024-01-01', '2026-11-20', 'A range may cover at most 400 days.'],
  ])('refuses %j..%j', (from, to, error) => {
    expect(customRange(from, to)).toEqual({ error });
  });
});
