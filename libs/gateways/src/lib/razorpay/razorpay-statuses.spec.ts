import {
  RAZORPAY_PAYMENT_STATUS_TABLE,
  RAZORPAY_REFUND_STATUS_TABLE,
  type RazorpayOrder,
  type RazorpayPayment,
  type RazorpayRefund,
  razorpayPaymentStatus,
  razorpayRefundStatus,
} from './razorpay-statuses';

const order = (status = 'attempted'): RazorpayOrder => ({
  id: 'order_IEIaMR65cu6nz3',
  entity: 'order',
  amount: 10_000,
  amount_paid: status === 'paid' ? 10_000 : 0,
  currency: 'INR',
  receipt: 'att_1',
  status,
});
const payment = (status: string, createdAt = 1): RazorpayPayment => ({
  id: `pay_${status}${createdAt}`,
  entity: 'payment',
  amount: 10_000,
  currency: 'INR',
  status,
  order_id: 'order_IEIaMR65cu6nz3',
  created_at: createdAt,
  ...(status === 'failed'
    ? { error_code: 'BAD_REQUEST_ERROR', error_reason: 'payment_cancelled', error_description: 'Cancelled' }
    : {}),
});
const refund = (status: string): RazorpayRefund => ({
  id: 'rfnd_FP8QHiV938haTz',
  entity: 'refund',
  amount: 2_500,
  currency: 'INR',
  payment_id: 'pay_1',
  status,
});

// One row per payment status (GATEWAY_APIS.md §1.4), plus one Razorpay might add tomorrow.
const PAYMENT_ROWS: [string, string, 'pending' | 'succeeded' | 'failed_permanent' | 'unknown', string | undefined][] = [
  ['created (checkout opened, not paid)', 'created', 'pending', undefined],
  ['authorized (auto-capture pending)', 'authorized', 'pending', undefined],
  ['captured', 'captured', 'succeeded', undefined],
  ['refunded (captured, then fully refunded)', 'refunded', 'succeeded', undefined],
  ['failed', 'failed', 'failed_permanent', 'payment_cancelled'],
  ['a status we do not know', 'on_hold', 'unknown', 'gateway_unknown_status'],
  ['a status named like an Object property', 'constructor', 'unknown', 'gateway_unknown_status'],
];

describe('razorpayPaymentStatus (one payment on the order)', () => {
  it.each(PAYMENT_ROWS)('%s: %s → %s', (_name, status, expected, errorCode) => {
    const result = razorpayPaymentStatus(order(), [payment(status)]);
    expect(result.status).toBe(expected);
    expect(result.gatewayReference).toBe('order_IEIaMR65cu6nz3');
    expect(result.errorCode).toBe(errorCode);
    if (expected === 'succeeded') expect(result).toMatchObject({ amount: 10_000, currency: 'INR' });
    if (expected === 'unknown') expect(result.errorMessage).toContain(status);
  });

  it('has a test row for every table row', () => {
    const tested = new Set(PAYMENT_ROWS.map((r) => r[1]));
    expect(Object.keys(RAZORPAY_PAYMENT_STATUS_TABLE).filter((s) => !tested.has(s))).toEqual([]);
  });

  it('no payment yet → pending; a paid order → succeeded whatever its payments say', () => {
    expect(razorpayPaymentStatus(order('created'), []).status).toBe('pending');
    expect(razorpayPaymentStatus(order('paid'), [])).toMatchObject({ status: 'succeeded', amount: 10_000 });
  });

  it('a captured payment wins over a failed retry; an unknown status is never read as a failure', () => {
    expect(razorpayPaymentStatus(order(), [payment('failed', 1), payment('captured', 2)]).status).toBe('succeeded');
    expect(razorpayPaymentStatus(order(), [payment('failed', 1), payment('on_hold', 2)]).status).toBe('unknown');
    expect(razorpayPaymentStatus(order(), [payment('failed', 1), payment('authorized', 2)]).status).toBe('pending');
  });

  it('takes the reason of the latest failure when every payment failed', () => {
    const older = { ...payment('failed', 1), error_reason: 'insufficient_funds' };
    expect(razorpayPaymentStatus(order(), [older, payment('failed', 2)]).errorCode).toBe('payment_cancelled');
  });
});

// One row per refund status (GATEWAY_APIS.md §1.6), plus one we do not know.
const REFUND_ROWS: [string, 'pending' | 'succeeded' | 'failed_permanent' | 'unknown', string | undefined][] = [
  ['pending', 'pending', undefined],
  ['processed', 'succeeded', undefined],
  ['failed', 'failed_permanent', 'refund_failed'],
  ['on_hold', 'unknown', 'gateway_unknown_status'],
  ['toString', 'unknown', 'gateway_unknown_status'],
];

describe('razorpayRefundStatus', () => {
  it.each(REFUND_ROWS)('%s → %s', (status, expected, errorCode) => {
    const result = razorpayRefundStatus(refund(status));
    expect(result).toMatchObject({ status: expected, gatewayRefundReference: 'rfnd_FP8QHiV938haTz' });
    expect(result.errorCode).toBe(errorCode);
  });

  it('has a test row for every table row', () => {
    const tested = new Set(REFUND_ROWS.map((r) => r[0]));
    expect(Object.keys(RAZORPAY_REFUND_STATUS_TABLE).filter((s) => !tested.has(s))).toEqual([]);
  });
});
