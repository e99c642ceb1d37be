import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';
import { PAYMENT_WORKER_OPTIONS, type PaymentWorkerOptions } from './payment-worker-options';
import { paymentScansRepository as scans } from './payment-scans.repository';

/**
 * Deletes idempotency keys past their 24 hours (API.md §5), one short transaction per batch so the API's inserts
 * and lookups never wait long behind it. A run stops after `maxPages` batches; the next run continues.
 */
@Injectable()
@ProcessesJob('payments', 'purge-idempotency-keys')
export class PurgeIdempotencyKeysProcessor implements JobProcessor<'payments', 'purge-idempotency-keys'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(PAYMENT_WORKER_OPTIONS) private readonly options: PaymentWorkerOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ deleted: number }> {
    let deleted = 0;
    for (let page = 0; page < this.options.maxPages; page++) {
      const n = await this.db.platform((em) => scans.purgeExpiredIdempotencyKeys(em, this.options.batchSize));
      deleted += n;
      if (n < this.options.batchSize) break;
    }
    this.logger.info({ deleted, trigger: payload.trigger }, 'expired idempotency keys purged');
    return { deleted };
  }
}
