import type { EntityManager } from 'typeorm';
import { newId } from '@lsp/domain';
import { sql } from '@lsp/persistence';

/*
 * The SQL of webhook deliveries on the workers' side. A delivery row is the truth about where a delivery stands
 * (attempt count, schedule step, next attempt, lease); jobs only carry "make attempt n now".
 */

export interface NewDelivery {
  id: string;
  endpoint_id: string;
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
       RETURNING id, endpoint_id, attempt_count
     )
     SELECT id, endpoint_id, attempt_count FROM ins
     UNION
     SELECT id, endpoint_id, attempt_count FROM webhook_deliveries
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

/** Attempt `attempt` of a delivery of `merchantId`, as a job names it. */
export interface AttemptClaim {
  deliveryId: string;
  merchantId: string;
  attempt: number;
}

/**
 * Takes the leases of several attempts in one statement, each only while its delivery (of the merchant the job
 * names) is pending, the attempt is the next one (so a duplicate or stale job finds nothing) and no other worker
 * holds a live lease on it. One result per claim, in order: the delivery with its endpoint and event, or
 * undefined. The same attempt named twice is given to the first claim only.
 */
export async function claimAttempts(
  em: EntityManager,
  claims: readonly AttemptClaim[],
  leaseMs: number,
): Promise<(ClaimedDelivery | undefined)[]> {
  const rows = await sql<ClaimedDelivery & { attempt: number }>(
    em,
    `WITH wanted AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS w(id, merchant_id, attempt)
     ), claimed AS (
       UPDATE webhook_deliveries d
          SET lease_until = now() + $4 * interval '1 millisecond', updated_at = now()
         FROM wanted w
        WHERE d.id = w.id AND d.merchant_id = w.merchant_id AND d.status = 'pending' AND d.attempt_count = w.attempt - 1
          AND (d.lease_until IS NULL OR d.lease_until < now())
        RETURNING d.id, d.merchant_id, d.event_id, d.endpoint_id, d.schedule_step, w.attempt)
     SELECT c.*, e.url, e.status AS endpoint_status, e.secret_sealed, e.previous_secret_sealed,
            e.previous_secret_expires_at, o.type AS event_type, o.occurred_at, o.payload
       FROM claimed c
       JOIN webhook_endpoints e ON e.id = c.endpoint_id
       JOIN outbox_events o ON o.id = c.event_id`,
    [claims.map((c) => c.deliveryId), claims.map((c) => c.merchantId), claims.map((c) => c.attempt), leaseMs],
  );
  const key = (deliveryId: string, merchantId: string, attempt: number): string =>
    `${deliveryId}/${merchantId}/${attempt}`;
  const byAttempt = new Map(
    rows.map(({ attempt, ...row }) => [key(row.id, row.merchant_id, attempt), row as ClaimedDelivery]),
  );
  return claims.map((c) => {
    const k = key(c.deliveryId, c.merchantId, c.attempt);
    const row = byAttempt.get(k);
    byAttempt.delete(k);
    return row;
  });
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

/** Attempt `attempt` of a delivery, deferred (its endpoint or merchant busy) to run from `at`. */
export interface Postponement {
  deliveryId: string;
  merchantId: string;
  attempt: number;
  at: Date;
}

/**
 * Moves the due time of deferred attempts that hold no lease (the job waited for a slot before claiming), so the
 * sweep does not take a waiting attempt for a lost one and enqueue it a second time. Only the attempt still due
 * is moved, and never earlier. One statement for a batch.
 */
export async function postponeAttempts(em: EntityManager, postponements: readonly Postponement[]): Promise<void[]> {
  await sql(
    em,
    `UPDATE webhook_deliveries d
        SET next_attempt_at = GREATEST(d.next_attempt_at, p.at), updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[]) AS p(id, merchant_id, attempt, at)
      WHERE d.id = p.id AND d.merchant_id = p.merchant_id AND d.status = 'pending' AND d.attempt_count = p.attempt - 1
        AND (d.lease_until IS NULL OR d.lease_until < now())`,
    [
      postponements.map((p) => p.deliveryId),
      postponements.map((p) => p.merchantId),
      postponements.map((p) => p.attempt),
      postponements.map((p) => p.at),
    ],
  );
  return postponements.map(() => undefined);
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
  /** The attempt row's id, made by the caller (so a retried batch inserts the same ids). */
  attemptId: string;
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
  /** The receiver answered 410 Gone: the endpoint is disabled at once. */
  gone: boolean;
}

export interface EndpointHealth {
  disabled: boolean;
  /** Newly disabled by this attempt because it failed continuously too long. */
  disabledForFailing: boolean;
  failingSince: Date | null;
}

export type RecordOutcome = { recorded: false } | ({ recorded: true } & EndpointHealth);

/** Serialization failures and deadlocks: PostgreSQL rolled the whole transaction back, so it may run again. */
export function isRetryableTransactionError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Records several attempts (of one worker's concurrent jobs) and moves their deliveries and endpoints on, in the
 * caller's transaction; a repeated record of the same attempt (a job re-run) changes nothing. One outcome per
 * record, in order.
 *
 * The endpoint: one success resets its failure clock, a failure starts it (if not running), a 410 Gone disables
 * it at once, and a clock older than `disableAfterMs` disables it for failing. The common case (successes to a
 * healthy endpoint) touches no endpoint row; endpoints with a failure in the batch are moved attempt by attempt,
 * in the batch's order and in endpoint id order across endpoints, so two workers lock them in the same order.
 */
export async function recordAttempts(
  em: EntityManager,
  records: readonly AttemptRecord[],
  disableAfterMs: number,
): Promise<RecordOutcome[]> {
  const failingEndpoints = new Set(records.filter((r) => !r.ok).map((r) => r.endpointId));
  const healedEndpoints = [...new Set(records.map((r) => r.endpointId))].filter((id) => !failingEndpoints.has(id));
  const col = <K extends keyof AttemptRecord>(key: K): AttemptRecord[K][] => records.map((r) => r[key]);
  const inserted = await sql<{ delivery_id: string; attempt_number: number }>(
    em,
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[],
                            $8::bigint[], $9::boolean[], $10::int[], $11::int[], $12::text[], $13::text[],
                            $14::timestamptz[], $15::int[])
         AS r(id, delivery_id, merchant_id, endpoint_id, event_id, attempt, url, webhook_timestamp, ok, status,
              latency_ms, excerpt, error_class, next_attempt_at, next_step)
     ), ins AS (
       INSERT INTO webhook_delivery_attempts (id, delivery_id, merchant_id, endpoint_id, event_id, attempt_number, url,
                                              webhook_timestamp, outcome, response_status, latency_ms, response_excerpt,
                                              error_class)
       SELECT r.id, r.delivery_id, r.merchant_id, r.endpoint_id, r.event_id, r.attempt, r.url, r.webhook_timestamp,
              CASE WHEN r.ok THEN 'succeeded' ELSE 'failed' END, r.status, r.latency_ms, r.excerpt, r.error_class
         FROM input r
         -- only attempts of the delivery as the claim returned it (merchant, endpoint, event)
         JOIN webhook_deliveries d ON d.id = r.delivery_id AND d.merchant_id = r.merchant_id
                                  AND d.endpoint_id = r.endpoint_id AND d.event_id = r.event_id
       ON CONFLICT (delivery_id, attempt_number) DO NOTHING
       RETURNING delivery_id, attempt_number, endpoint_id
     ), delivery AS (
       UPDATE webhook_deliveries d
          SET attempt_count = r.attempt, last_attempt_at = now(), lease_until = NULL, updated_at = now(),
              status = CASE WHEN r.ok THEN 'succeeded' WHEN r.next_attempt_at IS NULL THEN 'failed' ELSE 'pending' END,
              next_attempt_at = CASE WHEN r.ok THEN NULL ELSE r.next_attempt_at END,
              schedule_step = r.next_step
         FROM input r JOIN ins ON ins.delivery_id = r.delivery_id AND ins.attempt_number = r.attempt
        WHERE d.id = r.delivery_id AND d.merchant_id = r.merchant_id
        RETURNING d.id
     ), healed AS (
       UPDATE webhook_endpoints e SET failing_since = NULL, updated_at = now()
         FROM (SELECT id FROM webhook_endpoints
                WHERE id = ANY($16::text[]) AND failing_since IS NOT NULL AND id IN (SELECT endpoint_id FROM ins)
                ORDER BY id FOR UPDATE) locked
        WHERE e.id = locked.id
     )
     SELECT delivery_id, attempt_number FROM ins`,
    [
      col('attemptId'),
      col('deliveryId'),
      col('merchantId'),
      col('endpointId'),
      col('eventId'),
      col('attempt'),
      col('url'),
      col('webhookTimestamp'),
      col('ok'),
      col('status'),
      col('latencyMs'),
      col('excerpt'),
      records.map((r) => (r.ok ? null : (r.errorClass ?? 'network_error'))),
      col('nextAttemptAt'),
      col('nextScheduleStep'),
      healedEndpoints,
    ],
  );
  const recorded = new Set(inserted.map((i) => `${i.delivery_id}/${i.attempt_number}`));
  const outcomes: RecordOutcome[] = records.map((r) =>
    recorded.delete(`${r.deliveryId}/${r.attempt}`)
      ? { recorded: true, disabled: false, disabledForFailing: false, failingSince: null }
      : { recorded: false },
  );

  const moved = records
    .map((record, index) => ({ record, index }))
    .filter(({ record, index }) => outcomes[index].recorded && failingEndpoints.has(record.endpointId))
    .sort((a, b) =>
      a.record.endpointId < b.record.endpointId ? -1 : a.record.endpointId > b.record.endpointId ? 1 : 0,
    );
  for (const { record, index } of moved) {
    outcomes[index] = { recorded: true, ...(await moveEndpoint(em, record, disableAfterMs)) };
  }
  return outcomes;
}

/** What one recorded attempt does to its endpoint's health (see `recordAttempts`). */
async function moveEndpoint(em: EntityManager, r: AttemptRecord, disableAfterMs: number): Promise<EndpointHealth> {
  const [row] = await sql<{ status: string; failing_since: Date | null; newly_failing: boolean }>(
    em,
    `WITH before AS (
       SELECT id, status AS old_status, coalesce(failing_since, now()) AS clock FROM webhook_endpoints
        WHERE id = $1 AND (NOT $2::boolean OR failing_since IS NOT NULL)
          FOR UPDATE
     )
     UPDATE webhook_endpoints e
        SET failing_since = CASE WHEN $2::boolean THEN NULL ELSE b.clock END,
            status = CASE WHEN d.now THEN 'disabled' ELSE e.status END,
            disabled_reason = CASE WHEN NOT d.now THEN e.disabled_reason WHEN $3::boolean THEN 'gone' ELSE 'failing' END,
            disabled_at = CASE WHEN d.now THEN now() ELSE e.disabled_at END,
            updated_at = now()
       FROM before b,
            LATERAL (SELECT NOT $2::boolean AND b.old_status = 'enabled'
                            AND ($3::boolean OR b.clock <= now() - $4 * interval '1 millisecond') AS now) d
      WHERE e.id = b.id
      RETURNING e.status, e.failing_since, (d.now AND NOT $3::boolean) AS newly_failing`,
    [r.endpointId, r.ok, r.gone, disableAfterMs],
  );
  if (!row) return { disabled: false, disabledForFailing: false, failingSince: null };
  return {
    disabled: row.status === 'disabled',
    disabledForFailing: row.newly_failing,
    failingSince: row.failing_since,
  };
}

/** Pending deliveries whose next attempt is overdue by `graceMs` and not leased: their job was lost. */
export async function overdueDeliveries(
  em: EntityManager,
  graceMs: number,
  limit: number,
): Promise<{ id: string; merchant_id: string; endpoint_id: string; attempt_count: number }[]> {
  return sql(
    em,
    `SELECT id, merchant_id, endpoint_id, attempt_count FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at < now() - $1 * interval '1 millisecond'
        AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at
      LIMIT $2`,
    [graceMs, limit],
  );
}
