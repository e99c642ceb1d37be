import type { EntityManager } from 'typeorm';
import { newId } from '@lsp/domain';
import { sql } from '@lsp/persistence';

/*
 * The SQL of webhook deliveries on the workers' side. A delivery row is the truth about where a delivery stands
 * (attempt count, schedule step, next attempt, lease); jobs only carry "make attempt n now".
 */

export interface NewDelivery {
  id: string;
  attempt_count: number;
}

/**
 * One delivery per subscribed, enabled endpoint of the merchant, once: the (event, endpoint) unique key makes a
 * re-run of the fan-out (a retried job, a re-published event) create nothing new. Returns the deliveries of the
 * event that have not made their first attempt yet, new or left over from a run that died before enqueueing.
 * One statement: the fan-out is on the path of every event.
 */
export async function createDeliveries(
  em: EntityManager,
  event: { id: string; type: string; merchantId: string },
  maxEndpoints: number,
): Promise<NewDelivery[]> {
  // Ids for as many endpoints as a merchant may have; any beyond (the limit lowered later) wait for a replay.
  const ids = Array.from({ length: maxEndpoints }, () => newId('webhookDelivery'));
  return sql<NewDelivery>(
    em,
    `WITH targets AS (
       SELECT id AS endpoint_id, row_number() OVER (ORDER BY id) AS n FROM webhook_endpoints
        WHERE merchant_id = $1 AND status = 'enabled' AND $2 = ANY(event_types)
     ), ins AS (
       INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, next_attempt_at)
       SELECT ($4::text[])[t.n], $1, $3, t.endpoint_id, $2, now() FROM targets t WHERE t.n <= cardinality($4::text[])
       ON CONFLICT (event_id, endpoint_id) DO NOTHING
       RETURNING id, attempt_count
     )
     SELECT id, attempt_count FROM ins
     UNION
     SELECT id, attempt_count FROM webhook_deliveries
      WHERE merchant_id = $1 AND event_id = $3 AND status = 'pending' AND attempt_count = 0`,
    [event.merchantId, event.type, event.id, ids],
  );
}

export interface ClaimedDelivery {
  id: string;
  merchant_id: string;
  event_id: string;
  endpoint_id: string;
  schedule_step: number;
  url: string;
  endpoint_status: 'enabled' | 'disabled';
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  event_type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

/**
 * Takes the lease of attempt `attempt` of a delivery: only while the delivery is pending, the attempt is the next
 * one (so a duplicate or stale job finds nothing) and no other worker holds a live lease on it.
 */
export async function claimAttempt(
  em: EntityManager,
  deliveryId: string,
  attempt: number,
  leaseMs: number,
): Promise<ClaimedDelivery | undefined> {
  const rows = await sql<ClaimedDelivery>(
    em,
    `WITH claimed AS (
       UPDATE webhook_deliveries
          SET lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
        WHERE id = $1 AND status = 'pending' AND attempt_count = $2 - 1
          AND (lease_until IS NULL OR lease_until < now())
        RETURNING id, merchant_id, event_id, endpoint_id, schedule_step)
     SELECT c.*, e.url, e.status AS endpoint_status, e.secret_sealed, e.previous_secret_sealed,
            e.previous_secret_expires_at, o.type AS event_type, o.occurred_at, o.payload
       FROM claimed c
       JOIN webhook_endpoints e ON e.id = c.endpoint_id
       JOIN outbox_events o ON o.id = c.event_id`,
    [deliveryId, attempt, leaseMs],
  );
  return rows[0];
}

/** Gives the lease back without an attempt (endpoint busy): the attempt runs later, from `at`. */
export async function releaseAttempt(em: EntityManager, deliveryId: string, at: Date): Promise<void> {
  await sql(
    em,
    `UPDATE webhook_deliveries SET lease_until = NULL, next_attempt_at = $2, updated_at = now()
      WHERE id = $1 AND status = 'pending'`,
    [deliveryId, at],
  );
}

/** Ends a delivery without an attempt: its endpoint was disabled meanwhile. A redelivery may start it again. */
export async function abandonDelivery(em: EntityManager, deliveryId: string): Promise<void> {
  await sql(
    em,
    `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, lease_until = NULL, updated_at = now()
      WHERE id = $1`,
    [deliveryId],
  );
}

export interface AttemptRecord {
  deliveryId: string;
  merchantId: string;
  endpointId: string;
  eventId: string;
  attempt: number;
  url: string;
  webhookTimestamp: number;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  excerpt: string | null;
  errorClass: string | null;
  /** When the next attempt is due; null when there is none (success, or the schedule is spent). */
  nextAttemptAt: Date | null;
  nextScheduleStep: number;
}

export interface EndpointHealth {
  disabled: boolean;
  /** Newly disabled by this attempt because it failed continuously too long. */
  disabledForFailing: boolean;
  failingSince: Date | null;
}

export type RecordOutcome = { recorded: false } | ({ recorded: true } & EndpointHealth);

/**
 * Records the attempt and moves the delivery and its endpoint on, in one statement; a repeated record of the same
 * attempt (a job re-run) changes nothing. The endpoint: one success resets its failure clock, a failure starts it
 * (if not running), a 410 Gone disables it at once, and a clock older than `disableAfterMs` disables it for failing.
 */
export async function recordAttempt(
  em: EntityManager,
  r: AttemptRecord & { gone: boolean; disableAfterMs: number },
): Promise<RecordOutcome> {
  const [row] = await sql<{
    recorded: number;
    status: string | null;
    failing_since: Date | null;
    newly_failing: boolean | null;
  }>(
    em,
    `WITH ins AS (
       INSERT INTO webhook_delivery_attempts (id, delivery_id, merchant_id, endpoint_id, event_id, attempt_number, url,
                                              webhook_timestamp, outcome, response_status, latency_ms, response_excerpt,
                                              error_class)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::boolean THEN 'succeeded' ELSE 'failed' END, $10, $11, $12, $13)
       ON CONFLICT (delivery_id, attempt_number) DO NOTHING
       RETURNING id
     ), delivery AS (
       UPDATE webhook_deliveries
          SET attempt_count = $6, last_attempt_at = now(), lease_until = NULL, updated_at = now(),
              status = CASE WHEN $9::boolean THEN 'succeeded' WHEN $14::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = CASE WHEN $9::boolean THEN NULL ELSE $14::timestamptz END,
              schedule_step = $15
        WHERE id = $2 AND EXISTS (SELECT 1 FROM ins)
        RETURNING id
     ), before AS (
       SELECT id, status AS old_status, coalesce(failing_since, now()) AS clock FROM webhook_endpoints
        WHERE id = $4 AND EXISTS (SELECT 1 FROM ins) AND (NOT $9::boolean OR failing_since IS NOT NULL)
          FOR UPDATE
     ), endpoint AS (
       UPDATE webhook_endpoints e
          SET failing_since = CASE WHEN $9::boolean THEN NULL ELSE b.clock END,
              status = CASE WHEN d.now THEN 'disabled' ELSE e.status END,
              disabled_reason = CASE WHEN NOT d.now THEN e.disabled_reason WHEN $16::boolean THEN 'gone' ELSE 'failing' END,
              disabled_at = CASE WHEN d.now THEN now() ELSE e.disabled_at END,
              updated_at = now()
         FROM before b,
              LATERAL (SELECT NOT $9::boolean AND b.old_status = 'enabled'
                              AND ($16::boolean OR b.clock <= now() - $17 * interval '1 millisecond') AS now) d
        WHERE e.id = b.id
        RETURNING e.status, e.failing_since, (d.now AND NOT $16::boolean) AS newly_failing
     )
     SELECT (SELECT count(*) FROM ins)::int AS recorded, endpoint.status, endpoint.failing_since, endpoint.newly_failing
       FROM (SELECT 1) AS one LEFT JOIN endpoint ON true`,
    [
      newId('webhookAttempt'),
      r.deliveryId,
      r.merchantId,
      r.endpointId,
      r.eventId,
      r.attempt,
      r.url,
      r.webhookTimestamp,
      r.ok,
      r.status,
      r.latencyMs,
      r.excerpt,
      r.ok ? null : (r.errorClass ?? 'network_error'),
      r.nextAttemptAt,
      r.nextScheduleStep,
      r.gone,
      r.disableAfterMs,
    ],
  );
  if (!row || row.recorded === 0) return { recorded: false };
  return {
    recorded: true,
    disabled: row.status === 'disabled',
    disabledForFailing: row.newly_failing === true,
    failingSince: row.failing_since,
  };
}

/** Pending deliveries whose next attempt is overdue by `graceMs` and not leased: their job was lost. */
export async function overdueDeliveries(
  em: EntityManager,
  graceMs: number,
  limit: number,
): Promise<{ id: string; merchant_id: string; attempt_count: number }[]> {
  return sql(
    em,
    `SELECT id, merchant_id, attempt_count FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at < now() - $1 * interval '1 millisecond'
        AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at
      LIMIT $2`,
    [graceMs, limit],
  );
}
