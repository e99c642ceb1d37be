import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig, Logger } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import type { ScheduledRunPayload } from '@lsp/queues';
import { DeclaredQueues } from '../core/declared-queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, LOGGER } from '../core/tokens';
import { type RetentionReport, report } from './retention-report';
import {
  RETENTION_TARGETS as T,
  type RetentionTarget,
  type TargetOutcome,
  deleteInBatches,
} from './retention.repository';

/** Shared plumbing of the database cleaners: each target with its own retention, in small batches. */
@Injectable()
export class RetentionRunner {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(APP_CONFIG) readonly config: AppConfig,
    @Inject(LOGGER) readonly logger: Logger,
  ) {}

  async clean(targets: [RetentionTarget, number][]): Promise<TargetOutcome[]> {
    const outcomes: TargetOutcome[] = [];
    for (const [target, retentionMs] of targets) {
      const cutoff = new Date(Date.now() - retentionMs);
      outcomes.push(await deleteInBatches(this.db, target, cutoff, this.config.retentionBatchSize));
    }
    return outcomes;
  }
}

/**
 * (2) Finished deliveries of events past RETENTION_EVENTS (30 days, with their attempts), then attempts past
 * RETENTION_WEBHOOK_ATTEMPTS, then published events past RETENTION_EVENTS that no delivery references.
 */
@Injectable()
@ProcessesJob('retention', 'clean-webhook-history')
export class CleanWebhookHistoryProcessor implements JobProcessor<'retention', 'clean-webhook-history'> {
  constructor(@Inject(RetentionRunner) private readonly runner: RetentionRunner) {}

  async process(payload: ScheduledRunPayload): Promise<RetentionReport> {
    const c = this.runner.config;
    // In this order: deliveries reference their events, and removing them is what frees an event for deletion.
    const outcomes = await this.runner.clean([
      [T.finishedDeliveries, c.retentionEventsMs],
      [T.webhookAttempts, c.retentionWebhookAttemptsMs],
      [T.events, c.retentionEventsMs],
      [T.appliedEvents, c.retentionEventsMs],
    ]);
    return report(this.runner.logger, 'webhook-history', outcomes, payload.trigger);
  }
}

/** (3) Gateway health samples and queue metric samples past RETENTION_SAMPLES. */
@Injectable()
@ProcessesJob('retention', 'clean-health-samples')
export class CleanHealthSamplesProcessor implements JobProcessor<'retention', 'clean-health-samples'> {
  constructor(@Inject(RetentionRunner) private readonly runner: RetentionRunner) {}

  async process(payload: ScheduledRunPayload): Promise<RetentionReport> {
    const c = this.runner.config;
    const outcomes = await this.runner.clean([
      [T.gatewayHealthSamples, c.retentionSamplesMs],
      [T.queueMetricSamples, c.retentionSamplesMs],
    ]);
    return report(this.runner.logger, 'health-samples', outcomes, payload.trigger);
  }
}

/**
 * (4) Console sessions: refresh tokens that expired or were revoked more than RETENTION_SESSIONS ago (a session
 * is its refresh-token family; nothing else stores one).
 */
@Injectable()
@ProcessesJob('retention', 'clean-sessions')
export class CleanSessionsProcessor implements JobProcessor<'retention', 'clean-sessions'> {
  constructor(@Inject(RetentionRunner) private readonly runner: RetentionRunner) {}

  async process(payload: ScheduledRunPayload): Promise<RetentionReport> {
    const c = this.runner.config;
    const outcomes = await this.runner.clean([
      [T.expiredRefreshTokens, c.retentionSessionsMs],
      [T.revokedRefreshTokens, c.retentionSessionsMs],
    ]);
    return report(this.runner.logger, 'sessions', outcomes, payload.trigger);
  }
}

/** (5) Completed and failed BullMQ jobs of every queue past RETENTION_JOBS, resolved alerts past their retention. */
@Injectable()
@ProcessesJob('retention', 'clean-jobs-and-alerts')
export class CleanJobsAndAlertsProcessor implements JobProcessor<'retention', 'clean-jobs-and-alerts'> {
  constructor(
    @Inject(RetentionRunner) private readonly runner: RetentionRunner,
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
  ) {}

  async process(payload: ScheduledRunPayload): Promise<RetentionReport> {
    const c = this.runner.config;
    const outcomes: TargetOutcome[] = [];
    for (const { name, queue } of this.queues.all()) {
      for (const status of ['completed', 'failed'] as const) {
        let removed = 0;
        // BullMQ's clean removes at most `limit` jobs per call, atomically in Redis: small calls, no long block.
        for (;;) {
          const ids = await queue.clean(c.retentionJobsMs, c.retentionBatchSize, status);
          removed += ids.length;
          if (ids.length < c.retentionBatchSize) break;
        }
        outcomes.push({ name: `${status} jobs of ${name}`, removed });
      }
    }
    outcomes.push(...(await this.runner.clean([[T.resolvedAlerts, c.retentionResolvedAlertsMs]])));
    return report(this.runner.logger, 'jobs-and-alerts', outcomes, payload.trigger);
  }
}
