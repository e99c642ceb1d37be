import fc from 'fast-check';
import { idTimestamp, isId, newId, ulid } from './ids';

describe('ids', () => {
  it('prefixes by kind and validates shape', () => {
    const id = newId('merchant');
    expect(id).toMatch(/^mer_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId('merchant', id)).toBe(true);
    expect(isId('payment', id)).toBe(false);
    expect(isId('merchant', 'mer_xyz')).toBe(false);
    expect(isId('merchant', 42)).toBe(false);
  });

  it('sorts lexically in creation order across milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 10_000 }), (t, dt) => {
        expect(ulid(t) < ulid(t + dt)).toBe(true);
      }),
    );
  });

  it('round-trips the timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), (t) => {
        expect(idTimestamp(newId('user', t))).toBe(t);
      }),
    );
  });
});
