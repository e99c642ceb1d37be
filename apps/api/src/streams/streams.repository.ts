import { Injectable } from '@nestjs/common';
import { Database, type Scope, sql } from '@lsp/persistence';
import type { StreamEvent } from './stream-event';

interface OutboxRow {
  id: string;
  type: string;
  merchant_id: string | null;
  aggregate_type: string;
  aggregate_id: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

@Injectable()
export class StreamsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Events of the given aggregate types recorded after `afterId`, oldest first, in the caller's scope (RLS, and an
   * explicit merchant filter). Event ids sort by creation time, so "missed since" is `id > afterId`. When more
   * than `limit` were missed, the newest `limit` are returned with `truncated`: a dashboard wants the present, and
   * is told to reload rather than shown a silent gap. The primary key bounds the scan from the newest end.
   */
  async eventsAfter(
    scope: Scope,
    afterId: string,
    aggregateTypes: readonly string[],
    limit: number,
  ): Promise<{ events: StreamEvent[]; truncated: boolean }> {
    const params: unknown[] = [afterId, aggregateTypes, limit + 1];
    if (scope.kind === 'merchant') params.push(scope.merchantId);
    const rows = await this.db.inScope(scope, (em) =>
      sql<OutboxRow>(
        em,
        `SELECT id, type, merchant_id, aggregate_type, aggregate_id, occurred_at, payload
           FROM outbox_events
          WHERE id > $1 AND aggregate_type = ANY($2::text[]) ${scope.kind === 'merchant' ? 'AND merchant_id = $4' : ''}
          ORDER BY id DESC
          LIMIT $3`,
        params,
      ),
    );
    return {
      events: rows
        .slice(0, limit)
        .reverse()
        .map((r) => ({
          id: r.id,
          type: r.type,
          merchantId: r.merchant_id,
          aggregateType: r.aggregate_type,
          aggregateId: r.aggregate_id,
          occurredAt: r.occurred_at.toISOString(),
          data: { object: r.payload },
        })),
      truncated: rows.length > limit,
    };
  }
}
