import type { ListResponse, PaymentTimelineEntry } from '@lsp/contracts';
import type { TimelineRow } from '../payment-timeline.repository';

/** A payment has a handful of events; the bound only guards against a pathological number of refunds. */
export const TIMELINE_LIMIT = 500;

/** Oldest first (a timeline reads forwards), unlike the newest-first lists; rows are fetched with `limit + 1`. */
export function toTimeline(rows: TimelineRow[], limit = TIMELINE_LIMIT): ListResponse<PaymentTimelineEntry> {
  return {
    object: 'list',
    data: rows.slice(0, limit).map((r) => ({
      id: r.id,
      type: r.type,
      occurredAt: r.occurred_at.toISOString(),
      aggregateType: r.aggregate_type,
      aggregateId: r.aggregate_id,
    })),
    hasMore: rows.length > limit,
  };
}
