import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sql } from '@lsp/persistence';

export interface TimelineRow {
  id: string;
  type: string;
  aggregate_type: 'payment' | 'refund';
  aggregate_id: string;
  occurred_at: Date;
}

@Injectable()
export class PaymentTimelineRepository {
  /**
   * The outbox events of a payment and of its refunds, in the order they were recorded (`seq`; each aggregate's
   * changes are serialised by its row lock). Runs in the caller's scope, so RLS hides other merchants' rows. Both
   * lookups use indexes: refunds (payment_id, id) and outbox_events (aggregate_id, seq).
   */
  eventsOf(em: EntityManager, paymentId: string, limit: number): Promise<TimelineRow[]> {
    return sql<TimelineRow>(
      em,
      `SELECT id, type, aggregate_type, aggregate_id, occurred_at
         FROM outbox_events
        WHERE aggregate_id = ANY(ARRAY[$1::text] || ARRAY(SELECT id FROM refunds WHERE payment_id = $1))
        ORDER BY seq
        LIMIT $2`,
      [paymentId, limit + 1],
    );
  }
}
