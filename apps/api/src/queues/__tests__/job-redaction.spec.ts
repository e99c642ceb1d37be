import { REDACTED, redactJobData } from '../job-redaction';

describe('redactJobData', () => {
  it('replaces secrets and personal data at any depth and keeps what an operator needs', () => {
    const out = redactJobData({
      id: 'evt_1',
      merchantId: 'mer_1',
      data: {
        object: {
          id: 'pay_1',
          amount: 10_000,
          currency: 'INR',
          customer: { email: 'a@b.in', phone: '+919999999999' },
          metadata: { note: 'lsp_live_abcdef', orderId: '42' },
        },
      },
      credentials: { keyId: 'rzp', keySecret: 's' },
      api_key: 'x',
      webhookSecret: 'whsec',
      list: [{ Email: 'c@d.in' }],
      description: null,
    });
    expect(out).toEqual({
      id: 'evt_1',
      merchantId: 'mer_1',
      data: {
        object: {
          id: 'pay_1',
          amount: 10_000,
          currency: 'INR',
          customer: REDACTED,
          metadata: { note: REDACTED, orderId: '42' },
        },
      },
      credentials: REDACTED,
      api_key: REDACTED,
      webhookSecret: REDACTED,
      list: [{ Email: REDACTED }],
      description: null,
    });
  });

  it('does not mistake short names inside longer ones', () => {
    expect(redactJobData({ pandas: 1, zip: 2, ip: '1.2.3.4', trip: 3 })).toEqual({
      pandas: 1,
      zip: 2,
      ip: REDACTED,
      trip: 3,
    });
  });
});
