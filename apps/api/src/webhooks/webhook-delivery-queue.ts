import { Inject, Injectable } from '@nestjs/common';
import { type Logger } from '@lsp/platform';
import { addJobs, deliverWebhookJobId } from '@lsp/queues';
import { LOGGER } from '../core/infra/tokens';
import { QueueRegistry } from '../queues/queue-registry';

/**
 * The API's producer of delivery attempts (replays). The delivery rows are already pending with an attempt due
 * when this runs, so a failed enqueue (Redis down) loses nothing: the workers' sweep enqueues overdue deliveries.
 */
@Injectable()
export class WebhookDeliveryQueue {
  constructor(
    private readonly queues: QueueRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async attemptNow(
    merchantId: string,
    deliveries: { id: string; endpoint_id: string; attempt_count: number }[],
  ): Promise<void> {
    if (deliveries.length === 0) return;
    // A unique id per replay: the attempt's earlier job (a deferral, a far-off retry) may still hold the plain id;
    // whichever runs first takes the attempt's lease, the other finds it made.
    const stamp = Date.now();
    await addJobs(
      this.queues.get('webhooks'),
      'webhooks',
      deliveries.map((d) => ({
        job: 'deliver-webhook' as const,
        // The endpoint lets the worker wait for its slot before taking the attempt's lease.
        payload: {
          merchantId,
          deliveryId: d.id,
          attempt: d.attempt_count + 1,
          deferrals: 0,
          endpointId: d.endpoint_id,
        },
        options: { jobId: deliverWebhookJobId(d.id, d.attempt_count + 1, stamp) },
      })),
    ).catch((err: unknown) => {
      this.logger.warn({ err, merchantId, deliveries: deliveries.length }, 'replay not enqueued; the sweep will');
    });
  }
}
