import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Logger } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import { type ScheduledRunPayload, addJobs, reconcilePaymentJobId } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';
import { PAYMENT_WORKER_OPTIONS, type PaymentWorkerOptions } from './payment-worker-options';
import { paymentScansRepository as scans } from './payment-scans.repository';
import { scanPages } from './scan-pages';

/**
 * The stale-transaction monitor: every payment pending at a gateway past its `stale_check_at` (a lost callback,
 * an unknown outcome) becomes one `reconcile-payment` job, keyed by the payment and its status checks so far, so
 * overlapping scans enqueue each due check once.
 */
@Injectable()
@ProcessesJob('payments', 'monitor-stale-payments')
export class MonitorStalePaymentsProcessor implements JobProcessor<'payments', 'monitor-stale-payments'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @InjectQueue('payments') private readonly queue: Queue,
    @Inject(PAYMENT_WORKER_OPTIONS) private readonly options: PaymentWorkerOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ due: number }> {
    const due = await scanPages(
      (after) => this.db.platform((em) => scans.dueChecks(em, this.options.batchSize, after)),
      (rows) =>
        addJobs(
          this.queue,
          'payments',
          rows.map((r) => ({
            job: 'reconcile-payment' as const,
            payload: { merchantId: r.merchant_id, paymentId: r.id, reconcileAttempts: r.reconcile_attempts },
            options: { jobId: reconcilePaymentJobId(r.id, r.reconcile_attempts) },
          })),
        ),
      this.options,
    );
    if (due > 0) this.logger.info({ due, trigger: payload.trigger }, 'stale payments enqueued for a status check');
    return { due };
  }
}
