import { formatAge, formatBytes, formatCount, formatMs, formatPercent, statusTone } from './ops-format';

describe('operations formatting', () => {
  it.each([
    [0.9876, '98.8%'],
    [0, '0%'],
    [1, '100%'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('percent %p → %s', (share, text) => expect(formatPercent(share)).toBe(text));

  it('shows milliseconds and counts, with no data as a dash', () => {
    expect(formatMs(1234.4)).toBe('1,234 ms');
    expect(formatMs(null)).toBe('—');
    expect(formatCount(12.345)).toBe('12.35');
    expect(formatCount(undefined)).toBe('—');
  });

  it.each([
    [0, '0 B'],
    [1536, '1.5 KiB'],
    [200 * 1024 * 1024, '200.0 MiB'],
    [-1, '—'],
  ])('bytes %p → %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [950, '0 s'],
    [65_000, '1 min 5 s'],
    [7_200_000, '2 h 0 min'],
    [3 * 86_400_000 + 3_600_000, '3 d 1 h'],
  ])('age %p → %s', (ms, text) => expect(formatAge(ms)).toBe(text));

  it('colours statuses by meaning', () => {
    expect(statusTone('operational')).toBe('success');
    expect(statusTone('stale')).toBe('warning');
    expect(statusTone('dead')).toBe('danger');
    expect(statusTone('acknowledged')).toBe('info');
    expect(statusTone('something-new')).toBe('neutral');
  });
});

describe('health figure formatting', () => {
  it.each([
    [0.9823, '98.2%'],
    [1, '100%'],
    [0, '0%'],
    [0.5, '50%'],
  ])('shows the share %d as %s', (share, expected) => {
    expect(formatPercent(share)).toBe(expected);
  });

  it.each([
    [245, '245 ms'],
    [1245.6, '1,246 ms'],
    [0, '0 ms'],
  ])('shows %d ms as %s', (ms, expected) => {
    expect(formatMs(ms)).toBe(expected);
  });

  it('tells "no data" apart from zero', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(undefined)).toBe('—');
  });

  it('follows the locale it is given', () => {
    expect(formatPercent(0.985, 'de-DE').replace(/\u00a0/g, ' ')).toBe('98,5 %');
  });
});
