import { indianDay, scheduledCutoff, scheduledRunKey, startOfIndianDay } from './settlement-schedule';

describe('settlement schedule', () => {
  it.each([
    // 10:00 IST on 26 Nov
    ['2026-11-26T04:30:00.000Z', '2026-11-25T18:30:00.000Z', '2026-11-26'],
    // 23:59:59.999 IST on 26 Nov is still the 26th
    ['2026-11-26T18:29:59.999Z', '2026-11-25T18:30:00.000Z', '2026-11-26'],
    // 00:00 IST on 27 Nov starts the 27th
    ['2026-11-26T18:30:00.000Z', '2026-11-26T18:30:00.000Z', '2026-11-27'],
    // 02:00 UTC on 1 Jan is 07:30 IST on 1 Jan
    ['2027-01-01T02:00:00.000Z', '2026-12-31T18:30:00.000Z', '2027-01-01'],
  ])('%s is in the Indian day starting %s (%s)', (at, start, day) => {
    expect(startOfIndianDay(new Date(at)).toISOString()).toBe(start);
    expect(indianDay(new Date(at))).toBe(day);
  });

  it('cuts T+1 at the start of today and T+2 at the start of yesterday (India)', () => {
    const now = new Date('2026-11-26T04:30:00.000Z');
    expect(scheduledCutoff('T+1', now).toISOString()).toBe('2026-11-25T18:30:00.000Z');
    expect(scheduledCutoff('T+2', now).toISOString()).toBe('2026-11-24T18:30:00.000Z');
    expect(scheduledCutoff('manual', now).toISOString()).toBe('2026-11-25T18:30:00.000Z');
  });

  it('keys one scheduled run per schedule and Indian day', () => {
    expect(scheduledRunKey('T+1', new Date('2026-11-26T18:29:00.000Z'))).toBe('T+1:2026-11-26');
    expect(scheduledRunKey('T+2', new Date('2026-11-26T18:31:00.000Z'))).toBe('T+2:2026-11-27');
  });
});
