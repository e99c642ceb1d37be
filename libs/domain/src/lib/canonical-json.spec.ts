import { canonicalJson } from './canonical-json';
import { changedFields } from './diff';

describe('canonicalJson', () => {
  it('is independent of key order at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('drops undefined and renders dates as ISO strings', () => {
    expect(canonicalJson({ a: undefined, t: new Date(0) })).toBe('{"t":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('changedFields', () => {
  it('keeps only the fields that changed', () => {
    expect(changedFields({ name: 'a', status: 'active' }, { name: 'a', status: 'suspended' })).toEqual({
      before: { status: 'active' },
      after: { status: 'suspended' },
    });
  });
  it('keeps whole objects on create and delete', () => {
    expect(changedFields(null, { name: 'a' })).toEqual({ before: null, after: { name: 'a' } });
  });
});
