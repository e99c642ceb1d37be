import type { Queue } from 'bullmq';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import { type ScheduledRunPayload, addJobs, deliverWebhookJobId } from '@lsp/queues';
import type { AppConfig } from '@lsp/platform';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER } from '../core/tokens';
import { overdueDeliveries } from './webhook-deliveries.repository';
import { openWebhooksQueue } from './webhooks-queue';

/** Overdue by this much, a pending attempt has surely lost its job (jobs run within a second of their time). */
const OVERDUE_GRACE_MS = 60_000;
const BATCH = 500;

/**
 * The safety net of delivery scheduling: an attempt is recorded and its successor enqueued in two steps (one in
 * PostgreSQL, one in Redis), so a crash between them, or a lost Redis, would leave a delivery pending forever.
 * This sweep re-enqueues such deliveries; the job id and the attempt lease make a duplicate harmless.
 */
@Injectable()
@ProcessesJob('webhooks', 'sweep-webhook-deliveries')
export class SweepWebhookDeliveriesProcessor
  implements JobProcessor<'webhooks', 'sweep-webhook-deliveries'>, OnApplicationShutdown
{
  private readonly queue: Queue;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = openWebhooksQueue(config, 'webhooks-sweep');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  async process(payload: ScheduledRunPayload): Promise<{ requeued: number }> {
    const rows = await this.db.platform((em) => overdueDeliveries(em, OVERDUE_GRACE_MS, BATCH));
    await addJobs(
      this.queue,
      'webhooks',
      rows.map((r) => ({
        job: 'deliver-webhook' as const,
        payload: { merchantId: r.merchant_id, deliveryId: r.id, attempt: r.attempt_count + 1, deferrals: 0 },
        // A fresh id per sweep: the attempt's own job may be gone but its id still held by a finished record.
        options: { jobId: deliverWebhookJobId(r.id, r.attempt_count + 1, Date.now()) },
      })),
    );
    if (rows.length > 0)
      this.logger.warn({ requeued: rows.length, trigger: payload.trigger }, 'overdue webhook deliveries re-enqueued');
    return { requeued: rows.length };
  }
}
