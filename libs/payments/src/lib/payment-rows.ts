import type { PaymentAttemptView, PaymentView, RefundView, RoutingDecision } from '@lsp/contracts';
import type { PaymentStatus } from '@lsp/domain';

export interface PaymentRow {
  id: string;
  merchant_id: string;
  amount: string;
  currency: string;
  method: PaymentView['method'];
  status: PaymentStatus;
  description: string | null;
  customer: PaymentView['customer'];
  return_url: string | null;
  metadata: Record<string, string>;
  preferred_gateway: string | null;
  gateway_id: string | null;
  gateway_code: string | null;
  gateway_reference: string | null;
  amount_refunded: string;
  failure_code: string | null;
  failure_message: string | null;
  next_action: PaymentView['nextAction'] | null;
  retry_count: number;
  next_retry_at: Date | null;
  stale_check_at: Date | null;
  reconcile_attempts: number;
  needs_review: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptRow {
  id: string;
  payment_id: string;
  merchant_id: string;
  attempt_number: number;
  gateway_id: string;
  gateway_code: string;
  status: PaymentAttemptView['status'];
  gateway_reference: string | null;
  error_code: string | null;
  error_message: string | null;
  routing: RoutingDecision;
  latency_ms: number | null;
  created_at: Date;
}

export interface RefundRow {
  id: string;
  payment_id: string;
  merchant_id: string;
  amount: string;
  currency: string;
  status: RefundView['status'];
  reason: string | null;
  gateway_refund_reference: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: Date;
  updated_at: Date;
}

// bigint columns arrive as strings from pg; amounts are validated to stay within Number.MAX_SAFE_INTEGER.
const int = (v: string | number): number => Number(v);

export function toAttemptView(row: AttemptRow): PaymentAttemptView {
  return {
    id: row.id,
    gateway: row.gateway_code,
    status: row.status,
    ...(row.error_code ? { errorCode: row.error_code } : {}),
    ...(row.error_message ? { errorMessage: row.error_message } : {}),
    retryable: row.status === 'failed_retryable',
    routing: row.routing,
    latencyMs: row.latency_ms,
    createdAt: row.created_at.toISOString(),
  };
}

export function toPaymentView(row: PaymentRow, attempts: AttemptRow[]): PaymentView {
  return {
    id: row.id,
    object: 'payment',
    merchantId: row.merchant_id,
    amount: int(row.amount),
    currency: row.currency,
    method: row.method,
    status: row.status,
    description: row.description,
    customer: row.customer,
    returnUrl: row.return_url,
    gateway: row.gateway_code,
    gatewayReference: row.gateway_reference,
    amountRefunded: int(row.amount_refunded),
    ...(row.failure_code ? { failureCode: row.failure_code } : {}),
    ...(row.failure_message ? { failureMessage: row.failure_message } : {}),
    ...(row.next_action && row.status === 'pending' ? { nextAction: row.next_action } : {}),
    attempts: attempts.map(toAttemptView),
    metadata: row.metadata,
    needsReview: row.needs_review,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toRefundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    object: 'refund',
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    amount: int(row.amount),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    ...(row.failure_code ? { failureCode: row.failure_code } : {}),
    ...(row.failure_message ? { failureMessage: row.failure_message } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
