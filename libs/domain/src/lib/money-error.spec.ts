import { MoneyError } from './money-error';

describe('MoneyError', () => {
  it('carries its code and message', () => {
    const error = new MoneyError('overflow', '1 + 2^53 exceeds the exact integer range');
    expect(error).toBeInstanceOf(MoneyError);
    expect(error).toMatchObject({ code: 'overflow', name: 'MoneyError' });
    expect(error.message).toBe('1 + 2^53 exceeds the exact integer range');
  });
});
