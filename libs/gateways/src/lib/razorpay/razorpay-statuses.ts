import type { PaymentStatusResult } from '../gateway-adapter';

/**
 * How Razorpay's entity `status` strings map to our outcomes (GATEWAY_APIS.md §1.4, §1.6), as tables so that every
 * row has a test (razorpay-statuses.spec.ts). A status missing from a table is `unknown`: §3 forbids reading a
 * status we do not know as a failure or a success, so it is resolved by asking again later.
 */

export interface RazorpayOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid?: number;
  currency: string;
  receipt: string | null;
  status: string;
  created_at?: number;
}

export interface RazorpayPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: string;
  order_id: string | null;
  created_at?: number;
  error_code?: string | null;
  error_description?: string | null;
  error_reason?: string | null;
  notes?: unknown;
}

export interface RazorpayRefund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  receipt?: string | null;
  notes?: unknown;
  status: string;
}

/** `captured`: the money is ours; `in_flight`: authorised or not finished, auto-captured soon; `failed`: final. */
export type RazorpayPaymentClass = 'captured' | 'in_flight' | 'failed';

export const RAZORPAY_PAYMENT_STATUS_TABLE: Readonly<Record<string, RazorpayPaymentClass>> = {
  created: 'in_flight',
  authorized: 'in_flight',
  captured: 'captured',
  refunded: 'captured', // a full refund follows a capture (§1.4)
  failed: 'failed', // final for this payment, though a late authorisation may follow (checked on the next query)
};

export const RAZORPAY_REFUND_STATUS_TABLE: Readonly<Record<string, 'pending' | 'succeeded' | 'failed_permanent'>> = {
  pending: 'pending',
  processed: 'succeeded',
  failed: 'failed_permanent',
};

export function razorpayPaymentClass(status: string): RazorpayPaymentClass | undefined {
  return Object.prototype.hasOwnProperty.call(RAZORPAY_PAYMENT_STATUS_TABLE, status)
    ? RAZORPAY_PAYMENT_STATUS_TABLE[status]
    : undefined;
}

/**
 * One captured payment settles the order (a paid order accepts no more payments). A payment in a status we do not
 * know makes the answer `unknown`; otherwise a payment still in flight keeps it pending; only when every payment
 * failed is the attempt failed, with the latest failure's reason. No payment yet: the customer has not paid.
 */
export function razorpayPaymentStatus(
  order: RazorpayOrder,
  payments: RazorpayPayment[],
): Omit<PaymentStatusResult, 'latencyMs'> {
  const gatewayReference = order.id;
  const captured = payments.find((p) => razorpayPaymentClass(p.status) === 'captured');
  if (captured) return { status: 'succeeded', gatewayReference, amount: captured.amount, currency: captured.currency };
  if (order.status === 'paid') {
    return {
      status: 'succeeded',
      gatewayReference,
      amount: order.amount_paid ?? order.amount,
      currency: order.currency,
    };
  }
  const strange = payments.find((p) => razorpayPaymentClass(p.status) === undefined);
  if (strange) return { status: 'unknown', gatewayReference, ...unknownStatus('payment', strange.status) };
  if (payments.length === 0 || payments.some((p) => razorpayPaymentClass(p.status) === 'in_flight')) {
    return { status: 'pending', gatewayReference };
  }
  const latest = [...payments].sort((a, b) => (b.created_at ?? 0) - (a.created_at ?? 0))[0];
  return { status: 'failed_permanent', gatewayReference, ...razorpayPaymentError(latest) };
}

export function razorpayPaymentError(payment: RazorpayPayment): { errorCode: string; errorMessage: string } {
  return {
    errorCode: payment.error_reason ?? payment.error_code ?? 'payment_failed',
    errorMessage: payment.error_description ?? 'The payment failed',
  };
}

export function razorpayRefundStatus(refund: RazorpayRefund): {
  status: 'pending' | 'succeeded' | 'failed_permanent' | 'unknown';
  gatewayRefundReference: string;
  errorCode?: string;
  errorMessage?: string;
} {
  const gatewayRefundReference = refund.id;
  const status = Object.prototype.hasOwnProperty.call(RAZORPAY_REFUND_STATUS_TABLE, refund.status)
    ? RAZORPAY_REFUND_STATUS_TABLE[refund.status]
    : undefined;
  if (status === undefined) {
    return { status: 'unknown', gatewayRefundReference, ...unknownStatus('refund', refund.status) };
  }
  if (status === 'failed_permanent') {
    return { status, gatewayRefundReference, errorCode: 'refund_failed', errorMessage: 'Razorpay failed the refund' };
  }
  return { status, gatewayRefundReference };
}

/** The status is Razorpay's enum value, not customer data; cut short so a garbage value cannot flood a log. */
function unknownStatus(entity: 'payment' | 'refund', status: string): { errorCode: string; errorMessage: string } {
  return {
    errorCode: 'gateway_unknown_status',
    errorMessage: `Razorpay ${entity} status '${status.slice(0, 40)}' is not one we know`,
  };
}
