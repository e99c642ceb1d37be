import type { EntityManager } from 'typeorm';
import { sql } from './sql';
import { newId } from '@lsp/domain';

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

/**
 * Raises an alert, or bumps the open one with the same fingerprint: a condition that persists is one alert with
 * a count, never a flood. Safe under concurrency: the partial unique index decides, not a read-then-write.
 */
export async function raiseAlert(em: EntityManager, alert: AlertInput): Promise<RaisedAlert> {
  const rows = (await sql(
    em,
    `INSERT INTO alerts (id, fingerprint, severity, source, title, message, details, merchant_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (fingerprint) WHERE status <> 'resolved'
     DO UPDATE SET occurrences = alerts.occurrences + 1, last_seen_at = now(), message = EXCLUDED.message,
                   details = EXCLUDED.details, severity = EXCLUDED.severity
     RETURNING id, occurrences, (xmax = 0) AS created`,
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
  const rows = (await sql(
    em,
    `UPDATE alerts SET status = 'resolved', resolved_at = now(), resolved_by = $2 WHERE fingerprint = $1 AND status <> 'resolved' RETURNING id`,
    [fingerprint, by],
  )) as unknown[];
  return rows.length > 0;
}
