import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert notifications (the outbox of alert changes), indexes for the alert list filters, the grants the data
 * retention cleaners need, and the analytics rollups.
 *
 * Rollups are maintained incrementally by the workers from payment and refund events, one hourly and one daily
 * bucket per (merchant, gateway, method, status, currency); the overview reads only them, never `payments`. Latency is kept
 * as a fixed histogram per bucket (`latency_le_<ms>` columns, the last one open-ended) so p95 can be taken over
 * any set of buckets by summing columns in the same single pass.
 */
// Frozen with this migration; libs/persistence analytics-rollups.ts names the same columns.
const LATENCY_BUCKETS_MS = [25, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000];

export class AlertsRetentionAnalytics1764195000000 implements MigrationInterface {
  name = 'AlertsRetentionAnalytics1764195000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per alert change that must reach the alerts stream and the channels. Written in the transaction
    // that changed the alert, so a change is never lost to a crash between commit and delivery.
    await q.query(`
      CREATE TABLE alert_notifications (
        id bigserial PRIMARY KEY,
        alert_id text NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('raised', 'acknowledged', 'resolved')),
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX alert_notifications_pending_idx ON alert_notifications (id) WHERE dispatched_at IS NULL`,
    );
    await q.query(`CREATE INDEX alert_notifications_alert_idx ON alert_notifications (alert_id)`);

    await q.query(`CREATE INDEX alerts_severity_idx ON alerts (severity, id)`);
    await q.query(`CREATE INDEX alerts_source_idx ON alerts (source, id)`);
    await q.query(`CREATE INDEX alerts_resolved_at_idx ON alerts (resolved_at) WHERE status = 'resolved'`);
    // The failed-transaction rule reads outcomes of the last minutes.
    await q.query(`CREATE INDEX payments_updated_at_idx ON payments (updated_at)`);
    // Retention: expired or revoked refresh tokens, events past their retention.
    await q.query(`CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at)`);
    await q.query(
      `CREATE INDEX refresh_tokens_revoked_idx ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX outbox_events_occurred_idx ON outbox_events (occurred_at) WHERE published_at IS NOT NULL`,
    );

    const histogram = LATENCY_BUCKETS_MS.map((ms) => `latency_le_${ms} bigint NOT NULL DEFAULT 0`)
      .concat('latency_over bigint NOT NULL DEFAULT 0')
      .join(',\n        ');
    // Hourly buckets serve short ranges and hourly series; daily buckets (the same figures) keep a month's overview
    // to a few thousand rows. Both are written by the same statement, so they always agree.
    for (const [table, column, seconds] of [
      ['analytics_hourly', 'bucket', 3600],
      ['analytics_daily', 'day', 86400],
    ] as const) {
      await q.query(`
        CREATE TABLE ${table} (
          -- the start of the UTC hour (day), whatever the session's time zone
          ${column} timestamptz NOT NULL CHECK (extract(epoch FROM ${column})::bigint % ${seconds} = 0),
          merchant_id text NOT NULL REFERENCES merchants(id),
          -- '' when the payment reached no gateway (every candidate refused, or none could take it)
          gateway text NOT NULL,
          method text NOT NULL,
          -- a payment's outcome (captured, failed, cancelled), or 'refund' for a succeeded refund
          status text NOT NULL CHECK (status IN ('captured', 'failed', 'cancelled', 'refund')),
          currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
          count bigint NOT NULL DEFAULT 0 CHECK (count >= 0),
          amount bigint NOT NULL DEFAULT 0 CHECK (amount >= 0),
          latency_count bigint NOT NULL DEFAULT 0,
          ${histogram},
          PRIMARY KEY (${column}, merchant_id, gateway, method, status, currency)
        )`);
      await q.query(`CREATE INDEX ${table}_merchant_idx ON ${table} (merchant_id, ${column})`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_tenant ON ${table} USING (lsp_scope_admits(merchant_id)) WITH CHECK (lsp_scope_admits(merchant_id))`,
      );
    }
    // Which events the rollups already counted: applying an event is idempotent however often it is delivered.
    await q.query(`
      CREATE TABLE analytics_applied_events (
        event_id text PRIMARY KEY CHECK (event_id ~ '^evt_[0-9A-Z]{26}$'),
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX analytics_applied_events_at_idx ON analytics_applied_events (applied_at)`);

    await q.query(`GRANT SELECT, INSERT, UPDATE ON alert_notifications, analytics_hourly, analytics_daily TO lsp_app`);
    await q.query(`GRANT USAGE ON SEQUENCE alert_notifications_id_seq TO lsp_app`);
    // Retention cleaners delete from these; audit logs (and, when they land, ledger journals and entries) get no
    // DELETE grant at all, so no cleaner bug can remove them.
    await q.query(`GRANT DELETE ON alerts, alert_notifications, refresh_tokens, outbox_events TO lsp_app`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON analytics_applied_events TO lsp_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE DELETE ON alerts, refresh_tokens, outbox_events FROM lsp_app`);
    await q.query(`DROP TABLE analytics_applied_events, analytics_daily, analytics_hourly, alert_notifications`);
    for (const index of [
      'outbox_events_occurred_idx',
      'refresh_tokens_revoked_idx',
      'refresh_tokens_expires_idx',
      'payments_updated_at_idx',
      'alerts_resolved_at_idx',
      'alerts_source_idx',
      'alerts_severity_idx',
    ]) {
      await q.query(`DROP INDEX ${index}`);
    }
  }
}
