import type { Client } from 'pg';
import { newId } from '@lsp/domain';

/**
 * Payments and refunds in the states the ledger consumes (captured; refund succeeded), written as the owner: the
 * ledger tests exercise postings, not the payment flow that leads to them.
 */
export async function sandboxGatewayId(owner: Client): Promise<string> {
  const { rows } = await owner.query(`SELECT id FROM gateways WHERE provider = 'sandbox' ORDER BY priority LIMIT 1`);
  return (rows[0] as { id: string }).id;
}

export async function createLedgerMerchant(owner: Client, schedule: 'T+1' | 'T+2' | 'manual' = 'T+1'): Promise<string> {
  const id = newId('merchant');
  await owner.query(`INSERT INTO merchants (id, name, email, settlement_schedule) VALUES ($1, $2, $3, $4)`, [
    id,
    'Ledger Test Shop',
    `${id.toLowerCase()}@test.lightspeedpay.local`,
    schedule,
  ]);
  return id;
}

export async function insertCapturedPayment(
  owner: Client,
  merchantId: string,
  amount: number,
  options: { currency?: string; method?: string; gatewayId?: string } = {},
): Promise<string> {
  const id = newId('payment');
  await owner.query(
    `INSERT INTO payments (id, merchant_id, amount, currency, method, status, gateway_id, gateway_code)
     VALUES ($1, $2, $3, $4, $5, 'captured', $6, (SELECT code FROM gateways WHERE id = $6))`,
    [
      id,
      merchantId,
      amount,
      options.currency ?? 'INR',
      options.method ?? 'upi',
      options.gatewayId ?? (await sandboxGatewayId(owner)),
    ],
  );
  return id;
}

/** A succeeded refund of `amount`, with the payment's refunded total and status moved on as the refund flow does. */
export async function insertSucceededRefund(owner: Client, paymentId: string, amount: number): Promise<string> {
  const id = newId('refund');
  await owner.query(
    `WITH p AS (
       UPDATE payments SET amount_refunded = amount_refunded + $3,
              status = CASE WHEN amount_refunded + $3 = amount THEN 'refunded' ELSE 'partially_refunded' END
        WHERE id = $2 RETURNING merchant_id, currency)
     INSERT INTO refunds (id, payment_id, merchant_id, amount, currency, status)
     SELECT $1, $2, p.merchant_id, $3, p.currency, 'succeeded' FROM p`,
    [id, paymentId, amount],
  );
  return id;
}
