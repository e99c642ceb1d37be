import type { Client } from 'pg';
import { newId } from '@lsp/domain';
import type { OutboxEventInput } from '@lsp/persistence';

/** A valid outbox event as the payments code records it: a payment snapshot, by default with no merchant. */
export function outboxEvent(overrides: Partial<OutboxEventInput> = {}): OutboxEventInput {
  const aggregateId = overrides.aggregateId ?? newId('payment');
  return {
    type: 'payment.created',
    merchantId: null,
    aggregateType: 'payment',
    aggregateId,
    payload: { id: aggregateId, object: 'payment', amount: 10_000, currency: 'INR', status: 'created' },
    ...overrides,
  };
}

/** A merchant row for events to belong to, written as the owner (the merchants API is not the workers' concern). */
export async function createMerchant(owner: Client, name = 'Outbox Test Shop'): Promise<string> {
  const id = newId('merchant');
  await owner.query(`INSERT INTO merchants (id, name, email) VALUES ($1, $2, $3)`, [
    id,
    name,
    `${id.toLowerCase()}@test.lightspeedpay.local`,
  ]);
  return id;
}
