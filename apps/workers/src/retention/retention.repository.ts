import type { EntityManager } from 'typeorm';
import { type Database, sql } from '@lsp/persistence';

/**
 * One kind of row a cleaner removes: `condition` selects rows past retention given `$1` = the cutoff instant.
 * Table and condition are constants of this code, never input. Ledger journals and entries and the audit log are
 * deliberately absent from every target (the runtime role cannot delete them either).
 */
export interface RetentionTarget {
  /** Name in the cleaner's report. */
  name: string;
  table: string;
  condition: string;
}

export interface TargetOutcome {
  name: string;
  removed: number;
  /** Set when the table does not exist (yet): its feature is not deployed, so there is nothing to clean. */
  skipped?: 'table absent';
}

async function tableExists(em: EntityManager, table: string): Promise<boolean> {
  const [row] = await sql<{ present: boolean }>(em, `SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
  return row.present;
}

/**
 * Deletes the target's rows older than `cutoff`, `batchSize` rows per transaction, so each statement holds its
 * row locks for milliseconds and the API's writes to the same table never queue behind a long delete. Stops
 * after `maxBatches`; the next run continues.
 */
export async function deleteInBatches(
  db: Database,
  target: RetentionTarget,
  cutoff: Date,
  batchSize: number,
  maxBatches = 1000,
): Promise<TargetOutcome> {
  if (!(await db.platform((em) => tableExists(em, target.table)))) {
    return { name: target.name, removed: 0, skipped: 'table absent' };
  }
  let removed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await db.platform((em) =>
      sql(
        em,
        `DELETE FROM ${target.table} WHERE ctid IN (
           SELECT ctid FROM ${target.table} WHERE ${target.condition} LIMIT $2
         ) RETURNING 1`,
        [cutoff, batchSize],
      ),
    );
    removed += rows.length;
    if (rows.length < batchSize) break;
  }
  return { name: target.name, removed };
}

/**
 * The webhook delivery attempts table is created by the merchant-webhooks work, built in parallel: its name and
 * time column are assumed here (`webhook_delivery_attempts.at`). Until that table exists the cleaner
 * reports it as absent; if the webhooks work names it differently, change these two constants.
 */
export const WEBHOOK_ATTEMPTS_TABLE = 'webhook_delivery_attempts';
export const WEBHOOK_ATTEMPTS_TIME_COLUMN = 'at';

export const RETENTION_TARGETS = {
  webhookAttempts: {
    name: 'webhook delivery attempts',
    table: WEBHOOK_ATTEMPTS_TABLE,
    condition: `${WEBHOOK_ATTEMPTS_TIME_COLUMN} < $1`,
  },
  // Only published events: an unpublished one is still owed to its consumers, however old.
  events: { name: 'outbox events', table: 'outbox_events', condition: `published_at IS NOT NULL AND occurred_at < $1` },
  // The rollups' memory of counted events only has to outlive the events themselves.
  appliedEvents: { name: 'analytics applied events', table: 'analytics_applied_events', condition: `applied_at < $1` },
  gatewayHealthSamples: { name: 'gateway health samples', table: 'gateway_health_samples', condition: `at < $1` },
  queueMetricSamples: { name: 'queue metric samples', table: 'queue_metric_samples', condition: `at < $1` },
  // Rotated tokens that have not expired stay: presenting one again is how refresh-token reuse is detected.
  expiredRefreshTokens: { name: 'expired refresh tokens', table: 'refresh_tokens', condition: `expires_at < $1` },
  revokedRefreshTokens: { name: 'revoked refresh tokens', table: 'refresh_tokens', condition: `revoked_at < $1` },
  resolvedAlerts: { name: 'resolved alerts', table: 'alerts', condition: `status = 'resolved' AND resolved_at < $1` },
} as const satisfies Record<string, RetentionTarget>;
