import { availableAt } from './settlement-calendar';

describe('availableAt', () => {
  it.each([
    // 10:00 IST on 26 Nov → available at midnight IST starting 27 Nov (18:30 UTC on the 26th)
    ['2026-11-26T04:30:00.000Z', 'T+1', '2026-11-26T18:30:00.000Z'],
    ['2026-11-26T04:30:00.000Z', 'T+2', '2026-11-27T18:30:00.000Z'],
    ['2026-11-26T04:30:00.000Z', 'manual', '2026-11-26T18:30:00.000Z'],
    // 23:59 IST on 26 Nov is still day 26
    ['2026-11-26T18:29:59.999Z', 'T+1', '2026-11-26T18:30:00.000Z'],
    // 00:00 IST on 27 Nov is day 27
    ['2026-11-26T18:30:00.000Z', 'T+1', '2026-11-27T18:30:00.000Z'],
  ] as const)('%s on %s → %s', (captured, schedule, expected) => {
    expect(availableAt(new Date(captured), schedule).toISOString()).toBe(expected);
  });
});
