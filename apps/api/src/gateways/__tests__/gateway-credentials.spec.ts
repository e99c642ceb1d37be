import { maskCredentials, validateCredentials } from '../gateway-credentials';

describe('gateway credentials', () => {
  it.each([
    ['sandbox', {}, {}],
    ['sandbox', undefined, {}],
    [
      'razorpay',
      { keyId: 'rzp_test_simulator0001', keySecret: 's' },
      { keyId: 'rzp_test_simulator0001', keySecret: 's' },
    ],
    [
      'razorpay',
      { keyId: 'rzp_live_AbCdEfGh123456', keySecret: 's' },
      { keyId: 'rzp_live_AbCdEfGh123456', keySecret: 's' },
    ],
    [
      'phonepe',
      { clientId: 'c', clientSecret: 's', clientVersion: 1 },
      { clientId: 'c', clientSecret: 's', clientVersion: '1' },
    ],
    [
      'phonepe',
      { merchantId: 'PGTESTPAYUAT', saltKey: 'k', saltIndex: '1' },
      { merchantId: 'PGTESTPAYUAT', saltKey: 'k', saltIndex: '1' },
    ],
  ] as const)('accepts %s %j', (provider, input, expected) => {
    expect(validateCredentials(provider, input)).toEqual(expected);
  });

  it.each([
    ['sandbox', { keyId: 'x' }, 'credentials.keyId'],
    ['razorpay', {}, 'credentials.keyId'],
    ['razorpay', { keyId: 'rzp_prod_AbCdEfGh123456', keySecret: 's' }, 'credentials.keyId'],
    ['razorpay', { keyId: 'rzp_test_short', keySecret: 's' }, 'credentials.keyId'],
    ['razorpay', { keyId: 'rzp_test_AbCdEfGh123456' }, 'credentials.keySecret'],
    ['razorpay', { keyId: 'rzp_test_AbCdEfGh123456', keySecret: 7 }, 'credentials.keySecret'],
    ['phonepe', {}, 'credentials.clientId'],
    ['phonepe', { clientId: 'c', clientSecret: 's' }, 'credentials.clientVersion'],
    ['phonepe', { clientId: 'c', clientSecret: 's', clientVersion: '1', saltKey: 'k' }, 'credentials.saltKey'],
    ['phonepe', { merchantId: 'M'.repeat(38), saltKey: 'k', saltIndex: '1' }, 'credentials.merchantId'],
    ['phonepe', { merchantId: 'M1', saltKey: 'k', saltIndex: '0' }, 'credentials.saltIndex'],
    ['razorpay', ['rzp'], 'credentials'],
  ] as const)('refuses %s %j naming %s, without echoing values', (provider, input, param) => {
    let error: { param?: string; message: string } | undefined;
    try {
      validateCredentials(provider, input);
    } catch (e) {
      error = e as { param?: string; message: string };
    }
    expect(error?.param).toBe(param);
    expect(error?.message).not.toContain('AbCdEfGh');
  });

  it('masks secrets entirely and identifiers to their prefix and last four', () => {
    expect(maskCredentials('razorpay', { keyId: 'rzp_test_AbCdEfGh123456', keySecret: 'top-secret' })).toEqual({
      keyId: 'rzp_test_••••3456',
      keySecret: '••••',
    });
    expect(maskCredentials('phonepe', { merchantId: 'M1', saltKey: 'k', saltIndex: '2' })).toEqual({
      merchantId: '••••',
      saltKey: '••••',
      saltIndex: '2',
    });
    expect(maskCredentials('sandbox', { unexpected: 'value' })).toEqual({ unexpected: '••••' });
  });
});
