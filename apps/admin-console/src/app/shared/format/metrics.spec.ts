import { formatLatency, formatPercent } from './metrics';

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
    expect(formatLatency(ms)).toBe(expected);
  });

  it('tells "no data" apart from zero', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatLatency(null)).toBe('—');
    expect(formatLatency(undefined)).toBe('—');
  });

  it('follows the locale it is given', () => {
    expect(formatPercent(0.985, 'de-DE').replace(/\u00a0/g, ' ')).toBe('98,5 %');
  });
});
