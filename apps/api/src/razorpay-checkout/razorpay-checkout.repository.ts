import type { EntityManager } from 'typeorm';
import type { AttemptRow, PaymentRow } from '@lsp/payments';
import { sql } from '@lsp/persistence';

/** The attempt (and its payment) that created a Razorpay order; served by payment_attempts_reference_idx. */
export async function findRazorpayOrderAttempt(
  em: EntityManager,
  orderId: string,
): Promise<{ attempt: AttemptRow; payment: PaymentRow } | undefined> {
  const attempts = await sql<AttemptRow>(
    em,
    `SELECT a.* FROM payment_attempts a JOIN gateways g ON g.id = a.gateway_id
      WHERE a.gateway_reference = $1 AND g.provider = 'razorpay'
      ORDER BY a.created_at DESC LIMIT 1`,
    [orderId],
  );
  const attempt = attempts[0];
  if (!attempt) return undefined;
  const payments = await sql<PaymentRow>(em, `SELECT * FROM payments WHERE id = $1`, [attempt.payment_id]);
  return payments[0] ? { attempt, payment: payments[0] } : undefined;
}
