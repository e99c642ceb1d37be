import { ApiException } from '../http/api.exception';
import { resolveTimeRange } from '../http/time-range';

const HOUR = 3600_000;
const rules = { defaultSpanMs: HOUR, maxSpanMs: 24 * HOUR, maxSpanText: '1 day' };

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiException);
    return (e as ApiException).param;
  }
  return undefined;
}

describe('resolveTimeRange', () => {
  it('defaults to to = now and from = the default span before it', () => {
    const before = Date.now();
    const { from, to } = resolveTimeRange(undefined, undefined, rules);
    expect(to.getTime()).toBeGreaterThanOrEqual(before);
    expect(to.getTime() - from.getTime()).toBe(HOUR);
  });

  it('takes the instants given', () => {
    const { from, to } = resolveTimeRange('2026-11-26T00:00:00Z', '2026-11-26T06:00:00Z', rules);
    expect([from.toISOString(), to.toISOString()]).toEqual(['2026-11-26T00:00:00.000Z', '2026-11-26T06:00:00.000Z']);
  });

  it.each([
    ['not-a-date', undefined, 'from'],
    [undefined, 'soon', 'to'],
    ['2026-11-26T06:00:00Z', '2026-11-26T00:00:00Z', 'from'],
    ['2026-11-26T00:00:00Z', '2026-11-26T00:00:00Z', 'from'],
    ['2026-11-20T00:00:00Z', '2026-11-26T00:00:00Z', 'from'],
  ])('refuses from=%s to=%s naming %s', (from, to, field) => {
    expect(fieldOf(() => resolveTimeRange(from, to, rules))).toBe(field);
  });

  it('accepts an empty range only when asked to', () => {
    const at = '2026-11-26T00:00:00Z';
    expect(resolveTimeRange(at, at, { ...rules, allowEmpty: true }).from.toISOString()).toBe(
      '2026-11-26T00:00:00.000Z',
    );
  });
});
