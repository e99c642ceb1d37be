import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';
import type { AttemptRow, PaymentRow, RefundRow } from './payment-rows';

/** The SQL of payments, attempts and refunds. Callers pass a scoped transaction; RLS applies to every statement. */
export const paymentsRepository = {
  async insertPayment(
    em: EntityManager,
    p: {
      id: string;
      merchantId: string;
      amount: number;
      currency: string;
      method: string;
      description: string | null;
      customer: object | null;
      returnUrl: string | null;
      metadata: Record<string, string>;
      preferredGateway: string | null;
      livemode: boolean;
    },
  ): Promise<PaymentRow> {
    const rows = await sql<PaymentRow>(
      em,
      `INSERT INTO payments (id, merchant_id, amount, currency, method, status, description, customer, return_url, metadata, preferred_gateway, livemode)
       VALUES ($1, $2, $3, $4, $5, 'created', $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        p.id,
        p.merchantId,
        p.amount,
        p.currency,
        p.method,
        p.description,
        p.customer ? JSON.stringify(p.customer) : null,
        p.returnUrl,
        JSON.stringify(p.metadata),
        p.preferredGateway,
        p.livemode,
      ],
    );
    return rows[0];
  },

  async findPayment(em: EntityManager, id: string, forUpdate = false): Promise<PaymentRow | undefined> {
    return (
      await sql<PaymentRow>(em, `SELECT * FROM payments WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id])
    )[0];
  },

  /** The payment an attempt belongs to, locked; one round trip where findAttempt + findPayment take two. */
  async lockPaymentOfAttempt(em: EntityManager, attemptId: string): Promise<PaymentRow | undefined> {
    return (
      await sql<PaymentRow>(
        em,
        `SELECT * FROM payments WHERE id = (SELECT payment_id FROM payment_attempts WHERE id = $1) FOR UPDATE`,
        [attemptId],
      )
    )[0];
  },

  async updatePayment(
    em: EntityManager,
    id: string,
    patch: Partial<Record<keyof PaymentRow, unknown>>,
  ): Promise<PaymentRow> {
    const keys = Object.keys(patch);
    const sets = keys.map((k, i) => `${k} = $${i + 2}`);
    const values = keys.map((k) => {
      const v = patch[k as keyof PaymentRow];
      return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
    });
    const rows = await sql<PaymentRow>(
      em,
      `UPDATE payments SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
      [id, ...values],
    );
    return rows[0];
  },

  listPayments(
    em: EntityManager,
    f: { status?: string; createdFrom?: string; createdTo?: string; startingAfter?: string },
    limit: number,
  ): Promise<PaymentRow[]> {
    return sql<PaymentRow>(
      em,
      `SELECT * FROM payments
        WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR created_at >= $2)
          AND ($3::timestamptz IS NULL OR created_at < $3) AND ($4::text IS NULL OR id < $4)
        ORDER BY id DESC LIMIT $5`,
      [f.status ?? null, f.createdFrom ?? null, f.createdTo ?? null, f.startingAfter ?? null, limit + 1],
    );
  },

  attemptsOf(em: EntityManager, paymentIds: string[]): Promise<AttemptRow[]> {
    if (!paymentIds.length) return Promise.resolve([]);
    return sql<AttemptRow>(em, `SELECT * FROM payment_attempts WHERE payment_id = ANY($1) ORDER BY attempt_number`, [
      paymentIds,
    ]);
  },

  async insertAttempt(
    em: EntityManager,
    a: { id: string; paymentId: string; merchantId: string; gatewayId: string; gatewayCode: string; routing: object },
  ): Promise<AttemptRow> {
    // attempt_number is derived under the payment's row lock held by the caller, so it is gap-free and unique.
    const rows = await sql<AttemptRow>(
      em,
      `INSERT INTO payment_attempts (id, payment_id, merchant_id, attempt_number, gateway_id, gateway_code, status, routing)
       VALUES ($1, $2, $3, (SELECT coalesce(max(attempt_number), 0) + 1 FROM payment_attempts WHERE payment_id = $2), $4, $5, 'unknown', $6)
       RETURNING *`,
      [a.id, a.paymentId, a.merchantId, a.gatewayId, a.gatewayCode, JSON.stringify(a.routing)],
    );
    return rows[0];
  },

  async findAttempt(em: EntityManager, id: string): Promise<AttemptRow | undefined> {
    return (await sql<AttemptRow>(em, `SELECT * FROM payment_attempts WHERE id = $1`, [id]))[0];
  },

  async updateAttempt(
    em: EntityManager,
    id: string,
    patch: {
      status: string;
      gatewayReference?: string | null;
      errorCode?: string | null;
      errorMessage?: string | null;
      latencyMs?: number;
    },
  ): Promise<AttemptRow> {
    const rows = await sql<AttemptRow>(
      em,
      `UPDATE payment_attempts SET status = $2, gateway_reference = coalesce($3, gateway_reference), error_code = $4,
              error_message = $5, latency_ms = coalesce($6, latency_ms), updated_at = now()
        WHERE id = $1 RETURNING *`,
      [
        id,
        patch.status,
        patch.gatewayReference ?? null,
        patch.errorCode ?? null,
        patch.errorMessage ?? null,
        patch.latencyMs ?? null,
      ],
    );
    return rows[0];
  },

  async insertRefund(
    em: EntityManager,
    r: { id: string; paymentId: string; merchantId: string; amount: number; currency: string; reason: string | null },
  ): Promise<RefundRow> {
    const rows = await sql<RefundRow>(
      em,
      `INSERT INTO refunds (id, payment_id, merchant_id, amount, currency, status, reason) VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING *`,
      [r.id, r.paymentId, r.merchantId, r.amount, r.currency, r.reason],
    );
    return rows[0];
  },

  async findRefund(em: EntityManager, id: string, forUpdate = false): Promise<RefundRow | undefined> {
    return (await sql<RefundRow>(em, `SELECT * FROM refunds WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]))[0];
  },

  async pendingRefundTotal(em: EntityManager, paymentId: string): Promise<number> {
    const rows = await sql<{ total: string }>(
      em,
      `SELECT coalesce(sum(amount), 0) AS total FROM refunds WHERE payment_id = $1 AND status = 'pending'`,
      [paymentId],
    );
    return Number(rows[0].total);
  },

  async updateRefund(
    em: EntityManager,
    id: string,
    patch: {
      status: string;
      gatewayRefundReference?: string | null;
      failureCode?: string | null;
      failureMessage?: string | null;
    },
  ): Promise<RefundRow> {
    const rows = await sql<RefundRow>(
      em,
      `UPDATE refunds SET status = $2, gateway_refund_reference = coalesce($3, gateway_refund_reference), failure_code = $4,
              failure_message = $5, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, patch.status, patch.gatewayRefundReference ?? null, patch.failureCode ?? null, patch.failureMessage ?? null],
    );
    return rows[0];
  },
};
