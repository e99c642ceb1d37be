import { maskCredentials, validateCredentials, validateWebhookAuth } from '../gateway-credentials';

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
      {
        clientId: 'c',
        clientSecret: 's',
        clientVersion: '1',
        webhookUsername: 'lsp_hook',
        webhookPassword: 'pass1234',
      },
      {
        clientId: 'c',
        clientSecret: 's',
        clientVersion: '1',
        webhookUsername: 'lsp_hook',
        webhookPassword: 'pass1234',
      },
    ],
  ] as const)('accepts %s %j', (provider, input, expected) => {
    expect(validateCredentials(provider, input)).toEqual(expected);
  });

  it("accepts PhonePe v1 credentials under config.mode 'v1'", () => {
    const v1 = { merchantId: 'PGTESTPAYUAT', saltKey: 'k', saltIndex: '1' };
    expect(validateCredentials('phonepe', v1, { mode: 'v1' })).toEqual(v1);
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
    ['phonepe', { merchantId: 'M1', saltKey: 'k', saltIndex: '1' }, 'config.mode'],
    [
      'phonepe',
      { clientId: 'c', clientSecret: 's', clientVersion: '1', webhookUsername: 'ab' },
      'credentials.webhookUsername',
    ],
    [
      'phonepe',
      { clientId: 'c', clientSecret: 's', clientVersion: '1', webhookPassword: 'onlyletters' },
      'credentials.webhookPassword',
    ],
    ['razorpay', ['rzp'], 'credentials'],
  ] as const)('refuses %s %j naming %s, without echoing values', (provider, input, param) => {
    expect(refusal(() => validateCredentials(provider, input))?.param).toBe(param);
    expect(refusal(() => validateCredentials(provider, input))?.message).not.toContain('AbCdEfGh');
  });

  it.each([
    [{ mode: 'v1' }, { merchantId: 'M'.repeat(38), saltKey: 'k', saltIndex: '1' }, 'credentials.merchantId'],
    [{ mode: 'v1' }, { merchantId: 'M1', saltKey: 'k', saltIndex: '0' }, 'credentials.saltIndex'],
    [{ mode: 'v1' }, { clientId: 'c', clientSecret: 's', clientVersion: '1' }, 'config.mode'],
    [
      { mode: 'v1' },
      { merchantId: 'M1', saltKey: 'k', saltIndex: '1', webhookPassword: 'p1' },
      'credentials.webhookPassword',
    ],
    [{ mode: 'v3' }, { clientId: 'c', clientSecret: 's', clientVersion: '1' }, 'config.mode'],
  ])('refuses PhonePe under config %j with %j, naming %s', (config, input, param) => {
    expect(refusal(() => validateCredentials('phonepe', input, config))?.param).toBe(param);
  });

  const v2 = { clientId: 'c', clientSecret: 's', clientVersion: '1' };
  it.each([
    ['webhook credentials', { ...v2, webhookUsername: 'lsp_hook', webhookPassword: 'pass1234' }, undefined],
    ['a username:password webhook secret', v2, 'lsp_hook:secret123pass'],
  ])('accepts PhonePe v2 with %s', (_case, credentials, secret) => {
    expect(() => validateWebhookAuth('phonepe', {}, credentials, secret)).not.toThrow();
  });

  it.each([
    ['no webhook credentials at all', v2, undefined, 'credentials.webhookUsername'],
    ['a secret without a colon', v2, 'abcdefghijklmnopqrstuvwxyz0123456789', 'webhookSecret'],
    ['a secret with a bad username', v2, 'ab:secret123pass', 'webhookSecret'],
    ['a secret with a letters-only password', v2, 'lsp_hook:secretpass', 'webhookSecret'],
    ['a username without its password', { ...v2, webhookUsername: 'lsp_hook' }, 'x:y', 'credentials.webhookPassword'],
  ])('refuses PhonePe v2 with %s', (_case, credentials, secret, param) => {
    expect(refusal(() => validateWebhookAuth('phonepe', {}, credentials, secret))?.param).toBe(param);
  });

  it('asks nothing of PhonePe v1 or Razorpay webhooks beyond their signatures', () => {
    expect(() => validateWebhookAuth('phonepe', { mode: 'v1' }, {}, undefined)).not.toThrow();
    expect(() => validateWebhookAuth('razorpay', {}, {}, undefined)).not.toThrow();
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

function refusal(run: () => unknown): { param?: string; message: string } | undefined {
  try {
    run();
  } catch (e) {
    return e as { param?: string; message: string };
  }
  return undefined;
}
