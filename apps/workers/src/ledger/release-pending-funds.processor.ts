import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@lsp/platform';
import { Database, releaseDue } from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { LOGGER } from '../core/tokens';

/**
 * Releases per transaction: each holds the ledger's writer lock, so postings wait at most one batch, and each
 * journal is a subtransaction (at most 64 keep PostgreSQL's per-backend cache of them from overflowing).
 */
const BATCH = 50;
/** A run stops after this many batches; the next run continues where it left off. */
const MAX_BATCHES = 400;

/**
 * Pending → available for every capture whose settlement cut-off (`T+1`/`T+2` by the merchant's schedule, at
 * midnight in India) has passed. Each release is its own journal with reference `release:<paymentId>`, so a run
 * that crashes half-way and runs again moves nothing twice. A release the ledger refuses is held and alerted by
 * `releaseDue`, and the others go on.
 */
@Injectable()
@ProcessesJob('ledger', 'release-pending-funds')
export class ReleasePendingFundsProcessor implements JobProcessor<'ledger', 'release-pending-funds'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ released: number; amount: number; refused: number }> {
    const now = new Date();
    let released = 0;
    let amount = 0;
    let refused = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const result = await this.db.platform((em) => releaseDue(em, now, { limit: BATCH }));
      released += result.released;
      amount += result.amount;
      refused += result.refused.length;
      // Refused releases are held (and alerted) by releaseDue, so they leave the due set like released ones.
      if (result.released + result.refused.length < BATCH) break;
    }
    if (released > 0) this.logger.info({ released, trigger: payload.trigger }, 'pending funds released');
    if (refused > 0) this.logger.warn({ refused, trigger: payload.trigger }, 'pending releases refused and held');
    return { released, amount, refused };
  }
}
