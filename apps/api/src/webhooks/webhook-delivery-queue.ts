import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { type AppConfig, type Logger } from '@lsp/platform';
import { QUEUES, addJobs, bullConnection, bullPrefix, deliverWebhookJobId } from '@lsp/queues';
import { APP_CONFIG, LOGGER } from '../core/infra/tokens';

/**
 * The API's producer of delivery attempts (replays). The delivery rows are already pending with an attempt due
 * when this runs, so a failed enqueue (Redis down) loses nothing: the workers' sweep enqueues overdue deliveries.
 */
@Injectable()
export class WebhookDeliveryQueue implements OnModuleDestroy {
  private readonly queue: Queue;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new Queue('webhooks', {
      connection: { ...bullConnection(config, 'api-webhooks'), enableOfflineQueue: false },
      prefix: bullPrefix(config),
      defaultJobOptions: QUEUES.webhooks.defaultJobOptions,
    });
    this.queue.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    // With Redis unreachable, BullMQ's QUIT rejects; shutting down must still finish.
    await this.queue.close().catch(() => undefined);
  }

  async attemptNow(merchantId: string, deliveries: { id: string; attempt_count: number }[]): Promise<void> {
    if (deliveries.length === 0) return;
    // A unique id per replay: the attempt's earlier job (a deferral, a far-off retry) may still hold the plain id;
    // whichever runs first takes the attempt's lease, the other finds it made.
    const stamp = Date.now();
    await addJobs(
      this.queue,
      'webhooks',
      deliveries.map((d) => ({
        job: 'deliver-webhook' as const,
        payload: { merchantId, deliveryId: d.id, attempt: d.attempt_count + 1, deferrals: 0 },
        options: { jobId: deliverWebhookJobId(d.id, d.attempt_count + 1, stamp) },
      })),
    ).catch((err: unknown) => {
      this.logger.warn({ err, merchantId, deliveries: deliveries.length }, 'replay not enqueued; the sweep will');
    });
  }
}
