import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gateways, payments with their attempts and refunds, idempotency keys, the transactional outbox and the
 * deduplication table of incoming gateway webhooks. Merchant-scoped tables get the same RLS policy as the
 * foundation's; gateways and webhook receipts are platform data.
 */
export class Payments1764140000000 implements MigrationInterface {
  name = 'Payments1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateways (
        id text PRIMARY KEY CHECK (id ~ '^gw_[0-9A-Z]{26}$'),
        code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{1,39}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        provider text NOT NULL CHECK (provider IN ('sandbox', 'razorpay', 'phonepe')),
        priority integer NOT NULL CHECK (priority BETWEEN 0 AND 100000),
        enabled boolean NOT NULL DEFAULT true,
        currencies text[] NOT NULL CHECK (cardinality(currencies) > 0),
        methods text[] NOT NULL CHECK (cardinality(methods) > 0),
        config jsonb NOT NULL DEFAULT '{}',
        -- credentials and the webhook secret, AES-256-GCM under a versioned key (never returned, never logged)
        secrets_encrypted text NOT NULL,
        health_status text NOT NULL DEFAULT 'healthy' CHECK (health_status IN ('healthy', 'degraded', 'down')),
        health_checked_at timestamptz,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX gateways_code_key ON gateways (code) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE payments (
        id text PRIMARY KEY CHECK (id ~ '^pay_[0-9A-Z]{26}$'),
        merchant_id text NOT NULL REFERENCES merchants(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        method text NOT NULL CHECK (method IN ('upi', 'card', 'netbanking', 'wallet')),
        status text NOT NULL CHECK (status IN ('created', 'pending', 'captured', 'failed', 'cancelled', 'partially_refunded', 'refunded')),
        description text,
        customer jsonb,
        return_url text,
        metadata jsonb NOT NULL DEFAULT '{}',
        preferred_gateway text,
        gateway_id text REFERENCES gateways(id),
        gateway_code text,
        gateway_reference text,
        amount_refunded bigint NOT NULL DEFAULT 0,
        failure_code text,
        failure_message text,
        next_action jsonb,
        -- every candidate failed temporarily: the retry worker takes it again at next_retry_at
        retry_count integer NOT NULL DEFAULT 0,
        next_retry_at timestamptz,
        -- pending at a gateway: the stale monitor queries its status from stale_check_at on
        stale_check_at timestamptz,
        reconcile_attempts integer NOT NULL DEFAULT 0,
        needs_review boolean NOT NULL DEFAULT false,
        livemode boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (amount_refunded >= 0 AND amount_refunded <= amount)
      )`);
    await q.query(`CREATE INDEX payments_merchant_idx ON payments (merchant_id, id)`);
    await q.query(`CREATE INDEX payments_merchant_status_idx ON payments (merchant_id, status, id)`);
    await q.query(`CREATE INDEX payments_retry_idx ON payments (next_retry_at) WHERE next_retry_at IS NOT NULL`);
    await q.query(`CREATE INDEX payments_stale_idx ON payments (stale_check_at) WHERE stale_check_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE payment_attempts (
        id text PRIMARY KEY CHECK (id ~ '^att_[0-9A-Z]{26}$'),
        payment_id text NOT NULL REFERENCES payments(id),
        merchant_id text NOT NULL REFERENCES merchants(id),
        attempt_number integer NOT NULL CHECK (attempt_number > 0),
        gateway_id text NOT NULL REFERENCES gateways(id),
        gateway_code text NOT NULL,
        -- 'unknown' from the moment the request may have left: a crash before the answer is recorded must be
        -- resolved by a status query, never by trying another gateway
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed_permanent', 'failed_retryable', 'unknown')),
        gateway_reference text,
        error_code text,
        error_message text,
        routing jsonb NOT NULL DEFAULT '{}',
        latency_ms integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (payment_id, attempt_number)
      )`);
    await q.query(`CREATE INDEX payment_attempts_payment_idx ON payment_attempts (payment_id, attempt_number)`);

    await q.query(`
      CREATE TABLE refunds (
        id text PRIMARY KEY CHECK (id ~ '^rfd_[0-9A-Z]{26}$'),
        payment_id text NOT NULL REFERENCES payments(id),
        merchant_id text NOT NULL REFERENCES merchants(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        reason text,
        gateway_refund_reference text,
        failure_code text,
        failure_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refunds_payment_idx ON refunds (payment_id, id)`);
    await q.query(`CREATE INDEX refunds_merchant_idx ON refunds (merchant_id, id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        merchant_id text NOT NULL REFERENCES merchants(id),
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash text NOT NULL,
        -- the resource created under this key, written in the same transaction as the resource itself
        resource_id text,
        response_status integer,
        response_body jsonb,
        -- an in-progress key whose lock has lapsed belongs to a request that crashed: the next retry takes it over
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (merchant_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at)`);

    await q.query(`
      CREATE TABLE outbox_events (
        seq bigserial UNIQUE,
        id text PRIMARY KEY CHECK (id ~ '^evt_[0-9A-Z]{26}$'),
        merchant_id text REFERENCES merchants(id),
        type text NOT NULL,
        aggregate_type text NOT NULL,
        aggregate_id text NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        claimed_by text,
        claimed_until timestamptz,
        publish_attempts integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox_events (seq) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX outbox_aggregate_idx ON outbox_events (aggregate_id, seq)`);
    await q.query(`CREATE INDEX outbox_merchant_type_idx ON outbox_events (merchant_id, type, id)`);

    await q.query(`
      CREATE TABLE gateway_webhook_events (
        gateway_id text NOT NULL REFERENCES gateways(id),
        provider_event_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL,
        outcome text,
        PRIMARY KEY (gateway_id, provider_event_id)
      )`);

    for (const table of ['payments', 'payment_attempts', 'refunds', 'idempotency_keys', 'outbox_events']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_tenant ON ${table} USING (lsp_scope_admits(merchant_id)) WITH CHECK (lsp_scope_admits(merchant_id))`,
      );
    }
    await q.query(
      `GRANT SELECT, INSERT, UPDATE ON gateways, payments, payment_attempts, refunds, outbox_events, gateway_webhook_events TO lsp_app`,
    );
    // Expired idempotency keys are purged by the workers.
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO lsp_app`);
    await q.query(`GRANT USAGE ON SEQUENCE outbox_events_seq_seq TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE gateway_webhook_events, outbox_events, idempotency_keys, refunds, payment_attempts, payments, gateways`,
    );
  }
}
