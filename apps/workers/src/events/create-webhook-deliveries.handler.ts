import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@lsp/persistence';
import type { AppConfig } from '@lsp/platform';
import { EVENT_TYPES, type EventEnvelope, type EventType, addJobs, deliverWebhookJobId } from '@lsp/queues';
import { isWebhookEventType } from '@lsp/webhooks';
import { DeclaredQueues } from '../core/declared-queues';
import { APP_CONFIG } from '../core/tokens';
import { createDeliveries } from '../webhooks/webhook-deliveries.repository';
import type { EventHandler } from './event-handler';

/**
 * Fans a merchant's event out to its webhook endpoints: one delivery per subscribed, enabled endpoint (unique per
 * event and endpoint, so a re-run creates none twice) and the first attempt of each enqueued (idempotent job id).
 */
@Injectable()
export class CreateWebhookDeliveriesHandler implements EventHandler {
  readonly name = 'merchant-webhooks';
  readonly eventTypes: readonly EventType[] = EVENT_TYPES.filter((type) => isWebhookEventType(type));
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
  ) {}

  async handle(event: EventEnvelope): Promise<void> {
    const merchantId = event.merchantId;
    if (!merchantId) return;
    const deliveries = await this.db.merchant(merchantId, (em) =>
      createDeliveries(em, { id: event.id, type: event.type, merchantId }, this.config.webhookMaxEndpoints),
    );
    await addJobs(
      this.queues.get('webhooks'),
      'webhooks',
      deliveries.map((d) => ({
        job: 'deliver-webhook' as const,
        payload: { merchantId, deliveryId: d.id, attempt: 1, deferrals: 0, endpointId: d.endpoint_id },
        options: { jobId: deliverWebhookJobId(d.id, 1) },
      })),
    );
  }
}
