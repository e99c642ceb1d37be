import type { AlertListQuery, AlertStatus, AlertView } from '@lsp/contracts';

export const ALERT_STREAM_TYPES = ['alert.raised', 'alert.acknowledged', 'alert.resolved'] as const;

export type AlertFilters = Pick<AlertListQuery, 'status' | 'severity' | 'source'>;

const STATUS_RANK: Record<AlertStatus, number> = { open: 0, acknowledged: 1, resolved: 2 };

/** Whether a stream payload looks like an alert; anything else is ignored rather than rendered. */
export function isAlertView(value: unknown): value is AlertView {
  if (!value || typeof value !== 'object') {
    return false;
  }
  const a = value as Partial<AlertView>;
  return (
    typeof a.id === 'string' &&
    typeof a.title === 'string' &&
    typeof a.status === 'string' &&
    a.status in STATUS_RANK &&
    typeof a.severity === 'string' &&
    typeof a.count === 'number'
  );
}

export function matchesAlertFilters(alert: AlertView, filters: AlertFilters): boolean {
  return (
    (!filters.status || alert.status === filters.status) &&
    (!filters.severity || alert.severity === filters.severity) &&
    (!filters.source || alert.source === filters.source)
  );
}

/**
 * The copy to show when a live one arrives. Stream messages repeat and may overtake each other, but an alert
 * only moves forward (open → acknowledged → resolved; a recurrence is a new alert) and its count only grows, so
 * the further-along copy wins.
 */
export function newerAlert(current: AlertView, incoming: AlertView): AlertView {
  const rank = STATUS_RANK[incoming.status] - STATUS_RANK[current.status];
  if (rank !== 0) {
    return rank > 0 ? incoming : current;
  }
  return incoming.count >= current.count && incoming.lastSeenAt >= current.lastSeenAt ? incoming : current;
}

/**
 * The list after a live alert. A known alert is updated in place (even if it no longer matches the status
 * filter: rows do not vanish under the operator's cursor; the next load drops it). A new one is prepended only
 * where the list would show it — the first page, within the filters — keeping the page size.
 */
export function applyLiveAlert(
  rows: readonly AlertView[],
  alert: AlertView,
  filters: AlertFilters,
  onFirstPage: boolean,
  pageSize: number,
): { rows: AlertView[]; overflowed: boolean } {
  if (rows.some((r) => r.id === alert.id)) {
    return { rows: rows.map((r) => (r.id === alert.id ? newerAlert(r, alert) : r)), overflowed: false };
  }
  if (!onFirstPage || !matchesAlertFilters(alert, filters)) {
    return { rows: [...rows], overflowed: false };
  }
  // Ids are time-ordered (ULID): the list is newest first by id, and so is the new alert's place.
  const next = [...rows, alert].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { rows: next.slice(0, pageSize), overflowed: next.length > pageSize };
}
