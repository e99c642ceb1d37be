import type { Type } from '@nestjs/common';
import { CreateWebhookDeliveriesHandler } from './create-webhook-deliveries.handler';
import { UpdateAnalyticsRollupsHandler } from '../analytics/update-analytics-rollups.handler';
import type { EventHandler } from './event-handler';
import { PublishTransactionStreamHandler } from './publish-transaction-stream.handler';
import { PostLedgerJournalHandler } from './post-ledger-journal.handler';

/**
 * Every consumer of outbox events, in the order they run for one event. To add one (ledger postings, merchant
 * webhook deliveries…): implement `EventHandler` as an @Injectable() class and list it here.
 */
export const EVENT_HANDLER_TYPES: Type<EventHandler>[] = [
  PublishTransactionStreamHandler,
  PostLedgerJournalHandler,
  CreateWebhookDeliveriesHandler,
  UpdateAnalyticsRollupsHandler,
];
