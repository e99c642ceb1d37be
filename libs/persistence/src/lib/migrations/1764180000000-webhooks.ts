import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks to merchants (Standard Webhooks) and the developer tools' API usage figures.
 *
 * An event is its outbox row (`outbox_events`, written in the transaction of the change it reports); a delivery
 * is one (event, endpoint) pair, made once (unique) however often the event is fanned out; every HTTP attempt of
 * a delivery is its own row, numbered, so a retried job that re-runs an attempt cannot record it twice.
 * `webhook_delivery_attempts(at)` is the table the data-retention cleaner prunes.
 */
export class Webhooks1764180000000 implements MigrationInterface {
  name = 'Webhooks1764180000000';

  async up(q: QueryRunner): Promise<void> {
    const eventTypes = `ARRAY['payment.created','payment.captured','payment.failed','payment.cancelled','refund.succeeded','refund.failed','settlement.paid']::text[]`;
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id text PRIMARY KEY CHECK (id ~ '^whe_[0-9A-Z]{26}$'),
        merchant_id text NOT NULL REFERENCES merchants(id),
        url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
        description text CHECK (length(description) <= 500),
        event_types text[] NOT NULL CHECK (cardinality(event_types) > 0 AND event_types <@ ${eventTypes}),
        -- a deleted endpoint is kept (its deliveries and attempts refer to it) but never shown or called again
        status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled', 'deleted')),
        disabled_reason text CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
        disabled_at timestamptz,
        secret_sealed text NOT NULL,
        previous_secret_sealed text,
        previous_secret_expires_at timestamptz,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL)),
        CHECK ((previous_secret_sealed IS NULL) = (previous_secret_expires_at IS NULL))
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_merchant_idx ON webhook_endpoints (merchant_id, id)`);

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id text PRIMARY KEY CHECK (id ~ '^whd_[0-9A-Z]{26}$'),
        merchant_id text NOT NULL REFERENCES merchants(id),
        event_id text NOT NULL REFERENCES outbox_events(id),
        endpoint_id text NOT NULL REFERENCES webhook_endpoints(id),
        event_type text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempt_count integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
        -- index into WEBHOOK_RETRY_SCHEDULE of the next attempt; a redelivery starts the schedule again
        schedule_step integer NOT NULL DEFAULT 0 CHECK (schedule_step >= 0),
        next_attempt_at timestamptz,
        -- held while one worker runs an attempt, so a duplicate job (sweep, stalled job) never runs it beside it
        lease_until timestamptz,
        last_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, endpoint_id),
        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (merchant_id, event_id)`);
    await q.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, status, created_at)`,
    );
    // The sweep that re-enqueues deliveries whose job was lost (crash between recording and enqueueing).
    await q.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );

    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id text PRIMARY KEY CHECK (id ~ '^wha_[0-9A-Z]{26}$'),
        delivery_id text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        merchant_id text NOT NULL REFERENCES merchants(id),
        endpoint_id text NOT NULL REFERENCES webhook_endpoints(id),
        event_id text NOT NULL,
        attempt_number integer NOT NULL CHECK (attempt_number >= 1),
        url text NOT NULL,
        webhook_timestamp bigint NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
        response_status integer CHECK (response_status BETWEEN 100 AND 599),
        latency_ms integer NOT NULL CHECK (latency_ms >= 0),
        response_excerpt text CHECK (length(response_excerpt) <= 1024),
        error_class text,
        at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (delivery_id, attempt_number),
        CHECK ((outcome = 'succeeded') = (error_class IS NULL))
      )`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_at_idx ON webhook_delivery_attempts (at)`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_event_idx ON webhook_delivery_attempts (event_id, at)`);

    // A merchant's events are listed newest first with or without a type filter.
    await q.query(`CREATE INDEX outbox_merchant_id_idx ON outbox_events (merchant_id, id)`);

    await q.query(`
      CREATE TABLE api_usage (
        merchant_id text NOT NULL REFERENCES merchants(id),
        day date NOT NULL,
        route text NOT NULL CHECK (length(route) <= 300),
        status_class text NOT NULL CHECK (status_class IN ('1xx', '2xx', '3xx', '4xx', '5xx')),
        -- latency histogram bucket (see libs/webhooks usage-buckets); p95 is read from the bucket counts
        bucket smallint NOT NULL CHECK (bucket >= 0),
        calls bigint NOT NULL CHECK (calls >= 0),
        PRIMARY KEY (merchant_id, day, route, status_class, bucket)
      )`);
    await q.query(`
      CREATE TABLE api_usage_flushes (
        batch_id text PRIMARY KEY,
        flushed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_usage_flushes_at_idx ON api_usage_flushes (flushed_at)`);

    for (const table of ['webhook_endpoints', 'webhook_deliveries', 'webhook_delivery_attempts', 'api_usage']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_tenant ON ${table} USING (lsp_scope_admits(merchant_id)) WITH CHECK (lsp_scope_admits(merchant_id))`,
      );
    }
    await q.query(`GRANT SELECT, INSERT, UPDATE ON webhook_endpoints, webhook_deliveries, api_usage TO lsp_app`);
    // Attempts are an append-only log, pruned by the retention cleaner; flush markers are pruned after a day.
    await q.query(`GRANT SELECT, INSERT, DELETE ON webhook_delivery_attempts, api_usage_flushes TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_merchant_id_idx`);
    await q.query(
      `DROP TABLE api_usage_flushes, api_usage, webhook_delivery_attempts, webhook_deliveries, webhook_endpoints`,
    );
  }
}
