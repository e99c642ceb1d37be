import {
  razorpayCheckoutSignature,
  signRazorpayWebhook,
  verifyRazorpayCheckoutSignature,
  verifyRazorpayWebhook,
} from './razorpay-signature';

// Published vectors from razorpay-node test/utils/razorpay-utils.spec.js (GATEWAY_APIS.md §1.5).
const CHECKOUT = {
  orderId: 'order_IEIaMR65cu6nz3',
  paymentId: 'pay_IH4NVgf4Dreq1l',
  secret: 'EnLs21M47BllR3X8PSFtjtbd',
  signature: '0d4e745a1838664ad6c9c9902212a32d627d68e917290b0ad5f08ff4561bc50f',
};
const WEBHOOK = {
  body: '{"a":1,"b":2,"c":{"d":3}}',
  secret: '123456',
  signature: '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc',
};

describe('Razorpay signatures', () => {
  it('computes and verifies the published checkout vector', () => {
    expect(razorpayCheckoutSignature(CHECKOUT.orderId, CHECKOUT.paymentId, CHECKOUT.secret)).toBe(CHECKOUT.signature);
    expect(
      verifyRazorpayCheckoutSignature(CHECKOUT.orderId, CHECKOUT.paymentId, CHECKOUT.signature, CHECKOUT.secret),
    ).toBe(true);
  });

  it('rejects a checkout signature for another order, payment or secret', () => {
    const { orderId, paymentId, signature, secret } = CHECKOUT;
    expect(verifyRazorpayCheckoutSignature('order_IEIaMR65cu6nz4', paymentId, signature, secret)).toBe(false);
    expect(verifyRazorpayCheckoutSignature(orderId, 'pay_IH4NVgf4Dreq1m', signature, secret)).toBe(false);
    expect(verifyRazorpayCheckoutSignature(orderId, paymentId, signature, 'other')).toBe(false);
    expect(verifyRazorpayCheckoutSignature(orderId, paymentId, undefined, secret)).toBe(false);
  });

  it('computes and verifies the published webhook vector over the raw body', () => {
    expect(signRazorpayWebhook(WEBHOOK.body, WEBHOOK.secret)).toBe(WEBHOOK.signature);
    const headers = { 'x-razorpay-signature': WEBHOOK.signature };
    expect(verifyRazorpayWebhook({ headers, rawBody: WEBHOOK.body }, WEBHOOK.secret)).toBe(true);
    // The header name is matched case-insensitively.
    expect(
      verifyRazorpayWebhook(
        { headers: { 'X-Razorpay-Signature': WEBHOOK.signature }, rawBody: WEBHOOK.body },
        WEBHOOK.secret,
      ),
    ).toBe(true);
  });

  it('rejects a re-serialised body, a wrong secret, a missing, repeated or empty-secret signature', () => {
    const headers = { 'x-razorpay-signature': WEBHOOK.signature };
    // Same JSON, different bytes: the signature covers bytes, never a re-serialisation.
    expect(verifyRazorpayWebhook({ headers, rawBody: '{"a": 1, "b": 2, "c": {"d": 3}}' }, WEBHOOK.secret)).toBe(false);
    expect(verifyRazorpayWebhook({ headers, rawBody: WEBHOOK.body }, '1234567')).toBe(false);
    expect(verifyRazorpayWebhook({ headers: {}, rawBody: WEBHOOK.body }, WEBHOOK.secret)).toBe(false);
    expect(
      verifyRazorpayWebhook(
        { headers: { 'x-razorpay-signature': [WEBHOOK.signature, WEBHOOK.signature] }, rawBody: WEBHOOK.body },
        WEBHOOK.secret,
      ),
    ).toBe(false);
    expect(verifyRazorpayWebhook({ headers, rawBody: WEBHOOK.body }, '')).toBe(false);
  });
});
