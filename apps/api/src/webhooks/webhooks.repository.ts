import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';
import { WEBHOOK_EVENT_TYPES } from '@lsp/webhooks';

export interface EndpointRow {
  id: string;
  merchant_id: string;
  url: string;
  description: string | null;
  event_types: string[];
  status: 'enabled' | 'disabled';
  disabled_reason: 'manual' | 'gone' | 'failing' | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const ENDPOINT_COLUMNS = `id, merchant_id, url, description, event_types, status, disabled_reason, secret_sealed,
  previous_secret_sealed, previous_secret_expires_at, failing_since, created_at, updated_at`;

export interface EventRow {
  id: string;
  type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  url: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempt_count: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  created_at: Date;
}

export interface AttemptRow {
  id: string;
  delivery_id: string;
  attempt_number: number;
  at: Date;
  webhook_timestamp: string;
  outcome: 'succeeded' | 'failed';
  response_status: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error_class: string | null;
}

export interface RestartedDelivery {
  id: string;
  endpoint_id: string;
  attempt_count: number;
}

/** The SQL of webhook endpoints, events and deliveries on the API side; every call runs in a merchant scope. */
@Injectable()
export class WebhooksRepository {
  async merchantExists(em: EntityManager, merchantId: string, lock = false): Promise<boolean> {
    const rows = await sql(em, `SELECT 1 FROM merchants WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [merchantId]);
    return rows.length > 0;
  }

  async countEndpoints(em: EntityManager, merchantId: string): Promise<number> {
    const [row] = await sql<{ n: number }>(
      em,
      `SELECT count(*)::int AS n FROM webhook_endpoints WHERE merchant_id = $1 AND status <> 'deleted'`,
      [merchantId],
    );
    return row.n;
  }

  async insertEndpoint(
    em: EntityManager,
    e: {
      id: string;
      merchantId: string;
      url: string;
      description: string | null;
      events: string[];
      secretSealed: string;
    },
  ): Promise<EndpointRow> {
    const [row] = await sql<EndpointRow>(
      em,
      `INSERT INTO webhook_endpoints (id, merchant_id, url, description, event_types, secret_sealed)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
      [e.id, e.merchantId, e.url, e.description, e.events, e.secretSealed],
    );
    return row;
  }

  async listEndpoints(
    em: EntityManager,
    merchantId: string,
    limit: number,
    startingAfter: string | undefined,
  ): Promise<EndpointRow[]> {
    return sql<EndpointRow>(
      em,
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
        WHERE merchant_id = $1 AND status <> 'deleted' AND ($2::text IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [merchantId, startingAfter ?? null, limit + 1],
    );
  }

  async findEndpoint(
    em: EntityManager,
    merchantId: string,
    id: string,
    lock = false,
  ): Promise<EndpointRow | undefined> {
    const rows = await sql<EndpointRow>(
      em,
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 AND status <> 'deleted'
       ${lock ? 'FOR UPDATE' : ''}`,
      [id, merchantId],
    );
    return rows[0];
  }

  async updateEndpoint(
    em: EntityManager,
    id: string,
    patch: {
      url?: string;
      description?: string;
      events?: string[];
      status?: 'enabled' | 'disabled' | 'deleted';
      secretSealed?: string;
      previousSecretSealed?: string | null;
      previousSecretExpiresAt?: Date | null;
    },
  ): Promise<EndpointRow> {
    const statusChanges = patch.status !== undefined;
    const [row] = await sql<EndpointRow>(
      em,
      `UPDATE webhook_endpoints SET
          url = coalesce($2, url),
          description = coalesce($3, description),
          event_types = coalesce($4, event_types),
          status = coalesce($5, status),
          disabled_reason = CASE WHEN NOT $6 THEN disabled_reason WHEN $5 = 'disabled' THEN 'manual' ELSE NULL END,
          disabled_at = CASE WHEN NOT $6 THEN disabled_at WHEN $5 = 'disabled' THEN now() ELSE NULL END,
          -- re-enabling starts the failure clock afresh
          failing_since = CASE WHEN $6 AND $5 = 'enabled' THEN NULL ELSE failing_since END,
          secret_sealed = coalesce($7, secret_sealed),
          previous_secret_sealed = CASE WHEN $8 THEN $9 ELSE previous_secret_sealed END,
          previous_secret_expires_at = CASE WHEN $8 THEN $10::timestamptz ELSE previous_secret_expires_at END,
          updated_at = now()
        WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        id,
        patch.url ?? null,
        patch.description ?? null,
        patch.events ?? null,
        patch.status ?? null,
        statusChanges,
        patch.secretSealed ?? null,
        patch.previousSecretSealed !== undefined,
        patch.previousSecretSealed ?? null,
        patch.previousSecretExpiresAt ?? null,
      ],
    );
    return row;
  }

  /** Webhook events only (the seven types), newest first, by id range (ids are time-ordered ULIDs). */
  async listEvents(
    em: EntityManager,
    merchantId: string,
    filter: { type?: string; fromId: string; toId: string | null; startingAfter?: string },
    limit: number,
  ): Promise<EventRow[]> {
    return sql<EventRow>(
      em,
      `SELECT id, type, occurred_at, payload FROM outbox_events
        WHERE merchant_id = $1 AND type = ANY($2) AND id >= $3 AND ($4::text IS NULL OR id < $4)
          AND ($5::text IS NULL OR id < $5)
        ORDER BY id DESC LIMIT $6`,
      [
        merchantId,
        filter.type ? [filter.type] : [...WEBHOOK_EVENT_TYPES],
        filter.fromId,
        filter.toId,
        filter.startingAfter ?? null,
        limit + 1,
      ],
    );
  }

  async findEvent(em: EntityManager, merchantId: string, id: string): Promise<EventRow | undefined> {
    const rows = await sql<EventRow>(
      em,
      `SELECT id, type, occurred_at, payload FROM outbox_events WHERE id = $1 AND merchant_id = $2 AND type = ANY($3)`,
      [id, merchantId, [...WEBHOOK_EVENT_TYPES]],
    );
    return rows[0];
  }

  async deliveriesOf(em: EntityManager, merchantId: string, eventId: string): Promise<DeliveryRow[]> {
    return sql<DeliveryRow>(
      em,
      `SELECT d.id, d.event_id, d.endpoint_id, e.url, d.status, d.attempt_count, d.next_attempt_at, d.last_attempt_at,
              d.created_at
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.merchant_id = $1 AND d.event_id = $2
        ORDER BY d.id`,
      [merchantId, eventId],
    );
  }

  async attemptsOf(em: EntityManager, deliveryIds: string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return sql<AttemptRow>(
      em,
      `SELECT id, delivery_id, attempt_number, at, webhook_timestamp, outcome, response_status, latency_ms,
              response_excerpt, error_class
         FROM webhook_delivery_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt_number`,
      [deliveryIds],
    );
  }

  /** Creates the delivery of an event to one endpoint if it never had one (a replay to a newly added endpoint). */
  async ensureDelivery(
    em: EntityManager,
    d: { id: string; merchantId: string; eventId: string; endpointId: string; eventType: string },
  ): Promise<void> {
    await sql(
      em,
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, next_attempt_at, status)
       VALUES ($1, $2, $3, $4, $5, NULL, 'failed') ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
      [d.id, d.merchantId, d.eventId, d.endpointId, d.eventType],
    );
  }

  /**
   * Puts deliveries back to pending with an attempt due now. A finished delivery starts the retry schedule again; a
   * pending one keeps its place in the schedule and is only brought forward. Deliveries to endpoints that are not
   * enabled are left alone.
   */
  async restartDeliveries(
    em: EntityManager,
    merchantId: string,
    where: { eventId?: string; endpointId?: string; failedSince?: Date },
  ): Promise<{ restarted: RestartedDelivery[]; skipped: number }> {
    const params = [merchantId, where.eventId ?? null, where.endpointId ?? null, where.failedSince ?? null];
    const filter = `d.merchant_id = $1 AND ($2::text IS NULL OR d.event_id = $2) AND ($3::text IS NULL OR d.endpoint_id = $3)
      AND ($4::timestamptz IS NULL OR (d.status = 'failed' AND d.created_at >= $4))`;
    const restarted = await sql<RestartedDelivery>(
      em,
      `UPDATE webhook_deliveries d
          SET schedule_step = CASE WHEN d.status = 'pending' THEN d.schedule_step ELSE 0 END,
              status = 'pending', next_attempt_at = now(), updated_at = now()
         FROM webhook_endpoints e
        WHERE e.id = d.endpoint_id AND e.status = 'enabled' AND ${filter}
        RETURNING d.id, d.endpoint_id, d.attempt_count`,
      params,
    );
    const [skipped] = await sql<{ n: number }>(
      em,
      `SELECT count(*)::int AS n FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE e.status <> 'enabled' AND ${filter}`,
      params,
    );
    return { restarted, skipped: skipped.n };
  }
}
