import { localInputToIso } from './event-filters';

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
