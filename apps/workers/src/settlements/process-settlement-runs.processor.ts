import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, Logger } from '@lsp/platform';
import { Database, claimRun, ensureScheduledRuns, executeRun } from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER } from '../core/tokens';

/** Runs one tick works through at most; the rest wait for the next tick (or another process). */
const MAX_RUNS_PER_TICK = 10;

/**
 * The Settlement Processor. Each tick creates the day's scheduled runs (once per schedule and Indian business
 * day, whichever worker ticks first) and then claims open runs one at a time: requested by finance, due by
 * schedule, or abandoned by a worker that died mid-batch (its lease lapsed). Work and progress live in
 * PostgreSQL, so this job itself is disposable: a lost or repeated tick settles nothing twice.
 */
@Injectable()
@ProcessesJob('settlements', 'process-settlement-runs')
export class ProcessSettlementRunsProcessor implements JobProcessor<'settlements', 'process-settlement-runs'> {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<{ scheduled: number; runs: string[] }> {
    const scheduled = this.config.settlementSchedules
      ? await this.db.platform((em) => ensureScheduledRuns(em, new Date()))
      : 0;
    const runs: string[] = [];
    while (runs.length < MAX_RUNS_PER_TICK) {
      const run = await claimRun(this.db, this.config.settlementRunLeaseMs);
      if (!run) break;
      this.logger.info({ runId: run.id, attempt: run.attempts, trigger: payload.trigger }, 'settlement run claimed');
      const done = await executeRun(this.db, run, {
        batchSize: this.config.settlementBatchSize,
        leaseMs: this.config.settlementRunLeaseMs,
      });
      this.logger.info(
        {
          runId: done.id,
          settlements: done.settlements_created,
          items: Number(done.items_settled),
          refusals: done.refusals.length,
        },
        'settlement run completed',
      );
      runs.push(done.id);
    }
    return { scheduled, runs };
  }
}
