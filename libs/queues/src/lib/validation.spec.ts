import { arrayOf, integer, nullable, object, objectOf, oneOf, optional, record, string } from './validation';

interface Sample {
  kind: 'a' | 'b';
  name: string;
  count?: number;
  tags: string[];
  nested: { id: string };
}

const validate = objectOf<Sample>({
  kind: oneOf('a', 'b'),
  name: string({ maxLength: 5, pattern: /^[a-z]+$/ }),
  count: optional(integer({ min: 0, max: 10 })),
  tags: arrayOf(string(), { maxItems: 2 }),
  nested: object<{ id: string }>({ id: string() }),
});

const valid: Sample = { kind: 'a', name: 'abc', tags: [], nested: { id: 'x' } };

describe('payload validators', () => {
  it('accepts a valid payload and returns it unchanged', () => {
    expect(validate(valid)).toEqual({ ok: true, value: valid });
    expect(validate({ ...valid, count: 3 })).toEqual({
      ok: true,
      value: { ...valid, count: 3 },
    });
  });

  it.each([
    ['null', null, 'data must be an object'],
    ['an array', [], 'data must be an object'],
    ['a string', 'x', 'data must be an object'],
    ['a class instance', new Date(), 'data must be an object'],
    ['a missing key', { ...valid, name: undefined }, 'data.name must be a string'],
    ['an unknown key', { ...valid, extra: 1 }, 'data.extra is not allowed'],
    ['a bad literal', { ...valid, kind: 'c' }, 'data.kind must be one of "a", "b"'],
    ['a pattern mismatch', { ...valid, name: 'ABC' }, 'data.name must match'],
    ['a too long string', { ...valid, name: 'abcdef' }, 'data.name must be 1-5'],
    ['an empty string', { ...valid, name: '' }, 'data.name must be 1-5'],
    ['a float', { ...valid, count: 1.5 }, 'data.count must be an integer'],
    ['an out-of-range integer', { ...valid, count: 11 }, 'data.count must be an integer from 0 to 10'],
    ['a string number', { ...valid, count: '1' }, 'data.count must be an integer'],
    ['too many items', { ...valid, tags: ['a', 'b', 'c'] }, 'data.tags must have 0-2 items'],
    ['a bad item', { ...valid, tags: ['a', 2] }, 'data.tags[1] must be a string'],
    ['a bad nested value', { ...valid, nested: { id: 1 } }, 'data.nested.id must be a string'],
    ['an unknown nested key', { ...valid, nested: { id: 'x', y: 1 } }, 'data.nested.y is not allowed'],
  ])('rejects %s', (_label, data, message) => {
    const result = validate(data);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toContain(message);
  });

  it('reports a missing required key by name', () => {
    const { name: _omitted, ...withoutName } = valid;
    const result = validate(withoutName);
    expect(result).toEqual({ ok: false, errors: ['data.name is required'] });
  });

  it('accepts null only where nullable, and any plain object as a record', () => {
    const check = objectOf<{ owner: string | null; snapshot: Record<string, unknown> }>({
      owner: nullable(string()),
      snapshot: record(),
    });
    expect(check({ owner: null, snapshot: { a: [1, { b: null }] } })).toMatchObject({ ok: true });
    expect(check({ owner: 'x', snapshot: {} })).toMatchObject({ ok: true });
    expect(check({ owner: 1, snapshot: {} })).toEqual({ ok: false, errors: ['data.owner must be a string'] });
    expect(check({ owner: null, snapshot: null })).toEqual({ ok: false, errors: ['data.snapshot must be an object'] });
    expect(check({ owner: null, snapshot: [] })).toEqual({ ok: false, errors: ['data.snapshot must be an object'] });
  });
});
