import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity, merchants, API keys, audit log and alerts, plus the runtime role and row-level security.
 *
 * The API and workers connect as `lsp_app`: no superuser, no BYPASSRLS, not the owner of any table. Every
 * merchant-scoped table has a policy admitting only rows of the merchant bound to the current transaction
 * (`set_config('app.merchant_id', …, true)`) or every row when admin code declared the platform scope
 * (`set_config('app.scope', 'platform', true)`). A query outside such a transaction sees no merchant rows.
 */
export class Foundation1764130000000 implements MigrationInterface {
  name = 'Foundation1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lsp_app') THEN
          CREATE ROLE lsp_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        END IF;
      END $$`);
    await q.query(`DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO lsp_app', current_database()); END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO lsp_app`);

    await q.query(`
      CREATE FUNCTION lsp_scope_admits(row_merchant text) RETURNS boolean
      LANGUAGE sql STABLE AS $$
        SELECT coalesce(current_setting('app.scope', true), '') = 'platform'
            OR (row_merchant IS NOT NULL AND row_merchant = nullif(current_setting('app.merchant_id', true), ''))
      $$`);

    await q.query(`
      CREATE TABLE merchants (
        id text PRIMARY KEY CHECK (id ~ '^mer_[0-9A-Z]{26}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        email text NOT NULL CHECK (position('@' in email) > 1),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        settlement_schedule text NOT NULL DEFAULT 'T+1' CHECK (settlement_schedule IN ('T+1', 'T+2', 'manual')),
        rate_limit_per_minute integer NOT NULL DEFAULT 600 CHECK (rate_limit_per_minute BETWEEN 1 AND 1000000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX merchants_status_idx ON merchants (status, id)`);

    await q.query(`
      CREATE TABLE users (
        id text PRIMARY KEY CHECK (id ~ '^usr_[0-9A-Z]{26}$'),
        email text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['admin','finance','sre','merchant']::text[]),
        merchant_id text REFERENCES merchants(id),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- a merchant user belongs to exactly one merchant; staff belong to none
        CHECK (('merchant' = ANY(roles)) = (merchant_id IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_merchant_idx ON users (merchant_id)`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id),
        family_id text NOT NULL,
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        replaced_by text,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);

    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY CHECK (id ~ '^key_[0-9A-Z]{26}$'),
        merchant_id text NOT NULL REFERENCES merchants(id),
        mode text NOT NULL CHECK (mode IN ('test', 'live')),
        secret_hash text NOT NULL UNIQUE,
        last4 text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
        expires_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_merchant_idx ON api_keys (merchant_id, id)`);

    await q.query(`
      CREATE TABLE audit_logs (
        seq bigserial UNIQUE,
        id text PRIMARY KEY,
        actor_id text,
        actor_email text,
        action text NOT NULL,
        object_type text NOT NULL,
        object_id text,
        diff jsonb NOT NULL,
        request_id text,
        ip text,
        created_at timestamptz NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL UNIQUE
      )`);
    for (const col of ['actor_id', 'action', 'object_type', 'object_id', 'created_at']) {
      await q.query(`CREATE INDEX audit_logs_${col}_idx ON audit_logs (${col}, id)`);
    }

    await q.query(`
      CREATE TABLE audit_chain_checks (
        id text PRIMARY KEY,
        checked_at timestamptz NOT NULL DEFAULT now(),
        ok boolean NOT NULL,
        rows_checked integer NOT NULL,
        broken_at_id text,
        head_id text,
        head_hash text,
        message text NOT NULL
      )`);

    await q.query(`
      CREATE TABLE alerts (
        id text PRIMARY KEY CHECK (id ~ '^alr_[0-9A-Z]{26}$'),
        fingerprint text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        source text NOT NULL,
        title text NOT NULL,
        message text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        merchant_id text REFERENCES merchants(id),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
        occurrences integer NOT NULL DEFAULT 1,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_by text,
        acknowledged_at timestamptz,
        resolved_by text,
        resolved_at timestamptz
      )`);
    // One open (or acknowledged) alert per condition: raising it again bumps the count instead.
    await q.query(`CREATE UNIQUE INDEX alerts_open_fingerprint_key ON alerts (fingerprint) WHERE status <> 'resolved'`);
    await q.query(`CREATE INDEX alerts_status_idx ON alerts (status, id)`);

    for (const [table, column] of [
      ['merchants', 'id'],
      ['users', 'merchant_id'],
      ['api_keys', 'merchant_id'],
    ] as const) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_tenant ON ${table} USING (lsp_scope_admits(${column})) WITH CHECK (lsp_scope_admits(${column}))`,
      );
    }

    await q.query(`GRANT SELECT, INSERT, UPDATE ON merchants, users, refresh_tokens, api_keys, alerts TO lsp_app`);
    // The audit log and its checks are append-only for the runtime role: no UPDATE, no DELETE.
    await q.query(`GRANT SELECT, INSERT ON audit_logs, audit_chain_checks TO lsp_app`);
    await q.query(`GRANT USAGE ON SEQUENCE audit_logs_seq_seq TO lsp_app`);
    await q.query(`GRANT SELECT ON migrations TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alerts, audit_chain_checks, audit_logs, api_keys, refresh_tokens, users, merchants`);
    await q.query(`DROP FUNCTION lsp_scope_admits(text)`);
  }
}
