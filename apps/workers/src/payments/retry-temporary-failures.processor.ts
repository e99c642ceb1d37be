import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Logger } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import { type ScheduledRunPayload, addJobs, retryPaymentJobId } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';
import { PAYMENT_WORKER_OPTIONS, type PaymentWorkerOptions } from './payment-worker-options';
import { paymentScansRepository as scans } from './payment-scans.repository';
import { scanPages } from './scan-pages';

/**
 * The retry scan: every pending payment whose `next_retry_at` has come becomes one `retry-payment` job. The job id
 * is the payment and the retry count the scan saw, so overlapping scans (a slow tick, several processes) enqueue
 * each due retry once; the retry itself is claimed under the payment's row lock, so even a duplicate job that
 * slipped through routes nothing twice. The backoff (RETRY_BASE_DELAY · 2^retry_count) and the final
 * `all_gateways_unavailable` come from PaymentProcessor.
 */
@Injectable()
@ProcessesJob('payments', 'retry-temporary-failures')
export class RetryTemporaryFailuresProcessor implements JobProcessor<'payments', 'retry-temporary-failures'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @InjectQueue('payments') private readonly queue: Queue,
    @Inject(PAYMENT_WORKER_OPTIONS) private readonly options: PaymentWorkerOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ due: number }> {
    const due = await scanPages(
      (after) => this.db.platform((em) => scans.dueRetries(em, this.options.batchSize, after)),
      (rows) =>
        addJobs(
          this.queue,
          'payments',
          rows.map((r) => ({
            job: 'retry-payment' as const,
            payload: { merchantId: r.merchant_id, paymentId: r.id, retryCount: r.retry_count },
            options: { jobId: retryPaymentJobId(r.id, r.retry_count) },
          })),
        ),
      this.options,
    );
    if (due > 0) this.logger.info({ due, trigger: payload.trigger }, 'payment retries enqueued');
    return { due };
  }
}
