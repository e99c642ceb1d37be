import type { EntityManager } from 'typeorm';
import type { AlertView } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { sql } from './sql';

export interface AlertInput {
  /** Identifies the condition, e.g. `audit-chain-broken` or `wallet-low:mer_…:INR`. One open alert per fingerprint. */
  fingerprint: string;
  severity: 'info' | 'warning' | 'critical';
  source: string;
  title: string;
  message: string;
  details?: Record<string, unknown>;
  merchantId?: string | null;
}

export interface RaisedAlert {
  id: string;
  /** False when an open alert for the same condition already existed and was only bumped. */
  created: boolean;
  occurrences: number;
}

export type AlertChange = 'raised' | 'acknowledged' | 'resolved';

/**
 * Raises an alert, or bumps the open one with the same fingerprint: a condition that persists is one alert with
 * a count, never a flood. Safe under concurrency: the partial unique index decides, not a read-then-write.
 * A new alert also records an `alert_notifications` row in the same statement, so the stream and the channels
 * hear of it exactly when it commits (a bump notifies nobody).
 */
export async function raiseAlert(em: EntityManager, alert: AlertInput): Promise<RaisedAlert> {
  const rows = (await sql(
    em,
    `WITH up AS (
       INSERT INTO alerts (id, fingerprint, severity, source, title, message, details, merchant_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (fingerprint) WHERE status <> 'resolved'
       DO UPDATE SET occurrences = alerts.occurrences + 1, last_seen_at = now(), message = EXCLUDED.message,
                     details = EXCLUDED.details, severity = EXCLUDED.severity
       RETURNING id, occurrences, (xmax = 0) AS created
     ), notified AS (
       INSERT INTO alert_notifications (alert_id, kind) SELECT id, 'raised' FROM up WHERE created
     )
     SELECT id, occurrences, created FROM up`,
    [
      newId('alert'),
      alert.fingerprint,
      alert.severity,
      alert.source,
      alert.title,
      alert.message,
      JSON.stringify(alert.details ?? {}),
      alert.merchantId ?? null,
    ],
  )) as { id: string; occurrences: number; created: boolean }[];
  return rows[0];
}

/** Closes the open alert for a condition that has cleared; a later recurrence opens a new alert. */
export async function resolveAlertByFingerprint(
  em: EntityManager,
  fingerprint: string,
  by = 'system',
): Promise<boolean> {
  const rows = await sql(
    em,
    `WITH resolved AS (
       UPDATE alerts SET status = 'resolved', resolved_at = now(), resolved_by = $2
        WHERE fingerprint = $1 AND status <> 'resolved' RETURNING id
     ), notified AS (
       INSERT INTO alert_notifications (alert_id, kind) SELECT id, 'resolved' FROM resolved
     )
     SELECT id FROM resolved`,
    [fingerprint, by],
  );
  return rows.length > 0;
}

/** Fingerprints of the alerts still open (or acknowledged) that start with `prefix`, e.g. `queue-backlog:`. */
export async function openAlertFingerprints(em: EntityManager, prefix: string): Promise<string[]> {
  const rows = await sql<{ fingerprint: string }>(
    em,
    `SELECT fingerprint FROM alerts WHERE status <> 'resolved' AND starts_with(fingerprint, $1)`,
    [prefix],
  );
  return rows.map((r) => r.fingerprint);
}

export interface AlertRow {
  id: string;
  fingerprint: string;
  severity: AlertView['severity'];
  source: string;
  title: string;
  message: string;
  details: Record<string, unknown>;
  merchant_id: string | null;
  status: AlertView['status'];
  occurrences: number;
  first_seen_at: Date;
  last_seen_at: Date;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  resolved_by: string | null;
  resolved_at: Date | null;
}

export const ALERT_COLUMNS = `id, fingerprint, severity, source, title, message, details, merchant_id, status, occurrences,
  first_seen_at, last_seen_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at`;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The one mapping of an alert row to its public shape: the API's list and the `alerts` stream share it. */
export function toAlertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    object: 'alert',
    fingerprint: row.fingerprint,
    severity: row.severity,
    source: row.source,
    title: row.title,
    message: row.message,
    details: row.details,
    merchantId: row.merchant_id,
    status: row.status,
    count: row.occurrences,
    firstSeenAt: row.first_seen_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: iso(row.acknowledged_at),
    resolvedBy: row.resolved_by,
    resolvedAt: iso(row.resolved_at),
  };
}

/**
 * An operator's acknowledge or resolve of one alert, with its notification, in the caller's transaction.
 * Returns the alert before and after, or null when the id names no alert; `after` is null when the alert's state
 * does not allow the change (acknowledging a resolved or acknowledged alert, resolving a resolved one).
 */
export async function changeAlertStatus(
  em: EntityManager,
  id: string,
  change: 'acknowledged' | 'resolved',
  by: string,
): Promise<{ before: AlertRow; after: AlertRow | null } | null> {
  const [before] = await sql<AlertRow>(em, `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1 FOR UPDATE`, [id]);
  if (!before) return null;
  const allowed = change === 'acknowledged' ? before.status === 'open' : before.status !== 'resolved';
  if (!allowed) return { before, after: null };
  const set =
    change === 'acknowledged'
      ? `status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2`
      : `status = 'resolved', resolved_at = now(), resolved_by = $2`;
  const [after] = await sql<AlertRow>(
    em,
    `WITH changed AS (UPDATE alerts SET ${set} WHERE id = $1 RETURNING ${ALERT_COLUMNS}),
          notified AS (INSERT INTO alert_notifications (alert_id, kind) SELECT id, $3 FROM changed)
     SELECT * FROM changed`,
    [id, by, change],
  );
  return { before, after };
}

export interface PendingAlertNotification {
  id: string;
  kind: AlertChange;
  alert: AlertRow;
}

/**
 * Locks up to `limit` undispatched notifications, oldest first, with their alert as it is now. Rows locked by
 * another dispatcher are skipped, so several workers share the work; the caller marks them dispatched in the same
 * transaction once they reached the stream and the channels' queue, so a crash before that dispatches them again.
 */
export async function lockPendingAlertNotifications(
  em: EntityManager,
  limit: number,
): Promise<PendingAlertNotification[]> {
  const rows = await sql<AlertRow & { notification_id: string; kind: AlertChange }>(
    em,
    `SELECT n.id::text AS notification_id, n.kind, ${ALERT_COLUMNS.split(',')
      .map((c) => `a.${c.trim()}`)
      .join(', ')}
       FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id
      WHERE n.dispatched_at IS NULL
      ORDER BY n.id LIMIT $1
        FOR UPDATE OF n SKIP LOCKED`,
    [limit],
  );
  return rows.map(({ notification_id, kind, ...alert }) => ({ id: notification_id, kind, alert }));
}

export async function markAlertNotificationsDispatched(em: EntityManager, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql(em, `UPDATE alert_notifications SET dispatched_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}
