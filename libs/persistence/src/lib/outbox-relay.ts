import type { EntityManager } from 'typeorm';
import { sql } from './sql';

/*
 * The relay side of the transactional outbox (`recordEvent` is the writing side). Every function runs in the
 * caller's `Database.platform` transaction: the relay is system code and publishes every merchant's events.
 *
 * Several relays may run at once. A relay claims a batch (claimed_by = itself, claimed_until = a lease), publishes
 * it, then marks it published. A relay that dies between claim and mark leaves rows whose lease lapses; another
 * relay claims them again and re-publishes them, which consumers see as a duplicate of the same event id.
 */

export interface OutboxRow {
  /** bigserial, as text (beyond Number.MAX_SAFE_INTEGER one day). Publication order within a batch. */
  seq: string;
  id: string;
  merchantId: string | null;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
  /** Claims so far, this one included: 1 on a first publication. */
  publishAttempts: number;
}

interface OutboxRecord {
  seq: string;
  id: string;
  merchant_id: string | null;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  publish_attempts: number;
}

export interface ClaimOptions {
  /** Rows at most. */
  limit: number;
  /** How long the claim holds; past it another relay may claim the rows again. */
  leaseMs: number;
}

/**
 * Claims up to `limit` unpublished, unclaimed (or lapsed) rows, oldest first, and returns them in `seq` order.
 *
 * `FOR UPDATE SKIP LOCKED` lets concurrent relays claim disjoint batches without waiting on each other; a row
 * whose claim another relay committed meanwhile is re-checked under the lock and skipped, because its
 * claimed_until is then in the future. `= ANY(ARRAY(…))` evaluates the locking subquery exactly once, where
 * `IN (…)` may let the planner run it again (e.g. as the inner side of a join) and lock more than `limit` rows.
 */
export async function claimOutboxBatch(
  em: EntityManager,
  relayId: string,
  options: ClaimOptions,
): Promise<OutboxRow[]> {
  const rows = await sql<OutboxRecord>(
    em,
    `UPDATE outbox_events
        SET claimed_by = $1,
            claimed_until = now() + $3 * interval '1 millisecond',
            publish_attempts = publish_attempts + 1
      WHERE id = ANY(ARRAY(
              SELECT id FROM outbox_events
               WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY seq
               LIMIT $2
                 FOR UPDATE SKIP LOCKED))
      RETURNING seq, id, merchant_id, type, aggregate_type, aggregate_id, payload, occurred_at, publish_attempts`,
    [relayId, options.limit, options.leaseMs],
  );
  return (
    rows
      .map(
        (r): OutboxRow => ({
          seq: String(r.seq),
          id: r.id,
          merchantId: r.merchant_id,
          type: r.type,
          aggregateType: r.aggregate_type,
          aggregateId: r.aggregate_id,
          payload: r.payload,
          occurredAt: r.occurred_at,
          publishAttempts: r.publish_attempts,
        }),
      )
      // Numeric order of the bigserial text: shorter is smaller, equal lengths compare lexically.
      .sort((a, b) => a.seq.length - b.seq.length || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))
  );
}

/**
 * Marks rows published, but only those this relay still holds: if its lease lapsed and another relay claimed a
 * row, that relay publishes and marks it. Returns the ids marked.
 */
export async function markOutboxPublished(
  em: EntityManager,
  relayId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: string }>(
    em,
    `UPDATE outbox_events SET published_at = now(), claimed_until = NULL
      WHERE id = ANY($2::text[]) AND claimed_by = $1 AND published_at IS NULL
      RETURNING id`,
    [relayId, [...ids]],
  );
  return rows.map((r) => r.id);
}

/**
 * Hands claimed rows back: claimable again after `delayMs` (0: at once, e.g. by a relay that can still reach
 * Redis after this one could not; longer to park an event that cannot be published yet). Only rows this relay
 * still holds. Returns how many were deferred.
 */
export async function deferOutboxEvents(
  em: EntityManager,
  relayId: string,
  ids: readonly string[],
  delayMs = 0,
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await sql(
    em,
    `UPDATE outbox_events SET claimed_until = now() + $3 * interval '1 millisecond'
      WHERE id = ANY($2::text[]) AND claimed_by = $1 AND published_at IS NULL
      RETURNING id`,
    [relayId, [...ids], delayMs],
  );
  return rows.length;
}

export interface OutboxBacklog {
  /** Age of the oldest unpublished event by the database clock; 0 when there is none. */
  lagMs: number;
  /** Unpublished events, counted up to `cap`. */
  backlog: number;
  oldestId: string | null;
}

/** Relay lag for the heartbeat and logs. Both reads walk the partial index of unpublished rows only. */
export async function outboxBacklog(em: EntityManager, cap = 10_000): Promise<OutboxBacklog> {
  const [row] = await sql<{ lag_ms: string | null; oldest_id: string | null; backlog: string }>(
    em,
    `SELECT oldest.id AS oldest_id,
            greatest(0, floor(extract(epoch FROM now() - oldest.occurred_at) * 1000))::bigint AS lag_ms,
            (SELECT count(*) FROM (SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT $1) capped) AS backlog
       FROM (SELECT 1) one
       LEFT JOIN LATERAL (
         SELECT id, occurred_at FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT 1
       ) oldest ON true`,
    [cap],
  );
  return {
    lagMs: row.lag_ms === null ? 0 : Number(row.lag_ms),
    backlog: Number(row.backlog),
    oldestId: row.oldest_id,
  };
}
