import type { Client } from 'pg';
import { newId } from '@lsp/domain';
import { type PaymentProcessor, paymentsRepository } from '@lsp/payments';
import type { Database } from '@lsp/persistence';

/**
 * A payment created the way the API creates one (row in the merchant's scope, then routed), with the sandbox
 * scenario picked by the amount's last two digits (API.md §5).
 */
export async function createRoutedPayment(
  db: Database,
  processor: PaymentProcessor,
  merchantId: string,
  amount: number,
): Promise<string> {
  const row = await db.merchant(merchantId, (em) =>
    paymentsRepository.insertPayment(em, {
      id: newId('payment'),
      merchantId,
      amount,
      currency: 'INR',
      method: 'upi',
      description: `sandbox scenario ${amount % 100}`,
      customer: null,
      returnUrl: null,
      metadata: {},
      preferredGateway: null,
      livemode: false,
    }),
  );
  await processor.route(merchantId, row.id);
  return row.id;
}

/** An idempotency key row as the API leaves it after answering, expiring `expiresInMs` from now (negative: past). */
export async function insertIdempotencyKey(
  owner: Client,
  merchantId: string,
  key: string,
  expiresInMs: number,
): Promise<void> {
  await owner.query(
    `INSERT INTO idempotency_keys (merchant_id, key, request_hash, response_status, response_body, created_at, expires_at)
     VALUES ($1, $2, 'hash', 201, '{}', now() - interval '1 day', now() + make_interval(secs => $3::double precision / 1000))`,
    [merchantId, key, expiresInMs],
  );
}
