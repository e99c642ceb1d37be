/** An alert as `GET /api/v1/admin/alerts` shows it, and as the `alerts` stream carries it. */
export interface AlertView {
  id: string;
  object: 'alert';
  /** The condition, e.g. `gateway-down:gw_…`: at most one alert per fingerprint is open at a time. */
  fingerprint: string;
  severity: AlertSeverity;
  source: string;
  title: string;
  message: string;
  details: Record<string, unknown>;
  merchantId: string | null;
  status: AlertStatus;
  /** How often the condition was seen while this alert was open. */
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertListQuery {
  status?: AlertStatus;
  severity?: AlertSeverity;
  source?: string;
  limit?: number;
  startingAfter?: string;
}

/** Message types of the `alerts` stream. */
export type AlertStreamType = 'alert.raised' | 'alert.acknowledged' | 'alert.resolved';
