import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import { type ScheduledRunPayload, addJobs, deliverWebhookJobId } from '@lsp/queues';
import { DeclaredQueues } from '../core/declared-queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';
import { overdueDeliveries } from './webhook-deliveries.repository';

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
export class SweepWebhookDeliveriesProcessor implements JobProcessor<'webhooks', 'sweep-webhook-deliveries'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ requeued: number }> {
    const rows = await this.db.platform((em) => overdueDeliveries(em, OVERDUE_GRACE_MS, BATCH));
    await addJobs(
      this.queues.get('webhooks'),
      'webhooks',
      rows.map((r) => ({
        job: 'deliver-webhook' as const,
        payload: {
          merchantId: r.merchant_id,
          deliveryId: r.id,
          attempt: r.attempt_count + 1,
          deferrals: 0,
          endpointId: r.endpoint_id,
        },
        // A fresh id per sweep: the attempt's own job may be gone but its id still held by a finished record.
        options: { jobId: deliverWebhookJobId(r.id, r.attempt_count + 1, Date.now()) },
      })),
    );
    if (rows.length > 0)
      this.logger.warn({ requeued: rows.length, trigger: payload.trigger }, 'overdue webhook deliveries re-enqueued');
    return { requeued: rows.length };
  }
}
