import { localInputToIso, toLocalInput } from './event-filters';

describe('localInputToIso', () => {
  it('reads a datetime-local value in the browser zone and sends it as a UTC instant', () => {
    const value = '2026-11-26T10:30';
    expect(localInputToIso(value)).toBe(new Date(2026, 10, 26, 10, 30).toISOString());
  });

  it('leaves out an empty or unparseable value', () => {
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('yesterday-ish')).toBeUndefined();
  });
});

describe('toLocalInput', () => {
  it('writes an instant as the browser-zone wall clock a datetime-local shows, and reads back to the minute', () => {
    const at = new Date(2026, 0, 5, 7, 9, 42);
    expect(toLocalInput(at)).toBe('2026-01-05T07:09');
    expect(localInputToIso(toLocalInput(at))).toBe(new Date(2026, 0, 5, 7, 9).toISOString());
  });
});
