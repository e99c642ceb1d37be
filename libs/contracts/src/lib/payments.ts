export const PAYMENT_METHODS = ['upi', 'card', 'netbanking', 'wallet'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export type PaymentStatusView =
  | 'created'
  | 'pending'
  | 'captured'
  | 'failed'
  | 'cancelled'
  | 'partially_refunded'
  | 'refunded';
export type AttemptStatusView = 'pending' | 'succeeded' | 'failed_permanent' | 'failed_retryable' | 'unknown';

export interface RoutingDecision {
  /** Why this gateway was tried: its rank among candidates and what was skipped before it. */
  reason: string;
  candidates: { code: string; priority: number; skipped?: string }[];
}

export interface PaymentAttemptView {
  id: string;
  gateway: string;
  status: AttemptStatusView;
  errorCode?: string;
  errorMessage?: string;
  retryable: boolean;
  routing: RoutingDecision;
  latencyMs: number | null;
  createdAt: string;
}

export interface PaymentView {
  id: string;
  object: 'payment';
  merchantId: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  status: PaymentStatusView;
  description: string | null;
  customer: { email?: string; phone?: string } | null;
  returnUrl: string | null;
  gateway: string | null;
  gatewayReference: string | null;
  amountRefunded: number;
  failureCode?: string;
  failureMessage?: string;
  nextAction?: { type: 'redirect'; url: string };
  attempts: PaymentAttemptView[];
  metadata: Record<string, string>;
  needsReview: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CreatePaymentRequest {
  amount: number;
  currency: string;
  method: PaymentMethod;
  description?: string;
  customer?: { email?: string; phone?: string };
  returnUrl?: string;
  metadata?: Record<string, string>;
  gateway?: string;
}

export interface RefundView {
  id: string;
  object: 'refund';
  paymentId: string;
  merchantId: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
  failureCode?: string;
  failureMessage?: string;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentEventView {
  id: string;
  type: string;
  occurredAt: string;
}

/**
 * One entry of a payment's timeline (`GET /api/v1/payments/:id/timeline`, `GET /api/v1/admin/payments/:id/timeline`):
 * the domain events of the payment and of its refunds, oldest first.
 */
export interface PaymentTimelineEntry extends PaymentEventView {
  /** `payment` for the payment's own events, `refund` for those of one of its refunds. */
  aggregateType: 'payment' | 'refund';
  /** The payment id, or the refund id for refund events. */
  aggregateId: string;
}
