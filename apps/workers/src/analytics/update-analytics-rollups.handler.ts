import { Inject, Injectable } from '@nestjs/common';
import { Database, applyEventToRollups } from '@lsp/persistence';
import type { EventEnvelope, EventType } from '@lsp/queues';
import type { EventHandler } from '../events/event-handler';

/**
 * Keeps the analytics rollups current: each payment outcome and succeeded refund adds to its hourly bucket.
 * Idempotent on the event id (recorded with the bucket update in one statement), as every handler must be.
 */
@Injectable()
export class UpdateAnalyticsRollupsHandler implements EventHandler {
  readonly name = 'analytics-rollups';
  readonly eventTypes: readonly EventType[] = [
    'payment.captured',
    'payment.failed',
    'payment.cancelled',
    'refund.succeeded',
  ];

  constructor(@Inject(Database) private readonly db: Database) {}

  async handle(event: EventEnvelope): Promise<void> {
    await this.db.platform((em) => applyEventToRollups(em, event));
  }
}
