import type { EntityManager } from 'typeorm';
import { newId } from '@lsp/domain';
import { sql } from './sql';

export interface OutboxEventInput {
  type: string;
  merchantId: string | null;
  aggregateType: string;
  aggregateId: string;
  /** The event's `data.object`: a snapshot of the aggregate as the API shows it. */
  payload: Record<string, unknown>;
}

/**
 * Records a domain event in the caller's transaction: it exists exactly when the state change it reports does.
 * A relay publishes it afterwards (at least once; consumers dedupe on the event id, which is also the job id).
 */
export async function recordEvent(em: EntityManager, event: OutboxEventInput): Promise<string> {
  const id = newId('event');
  await sql(
    em,
    `INSERT INTO outbox_events (id, merchant_id, type, aggregate_type, aggregate_id, payload) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, event.merchantId, event.type, event.aggregateType, event.aggregateId, JSON.stringify(event.payload)],
  );
  return id;
}
