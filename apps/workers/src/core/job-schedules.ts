import type { Queue } from 'bullmq';
import type { Logger } from '@lsp/platform';
import { JOB_SCHEDULES, type QueueName, type ScheduleConfig, scheduledJobOptions } from '@lsp/queues';

/**
 * Installs the declared repeating jobs of the served queues. `upsertJobScheduler` is keyed by the schedule id, so
 * every worker process (and every restart) converges on one scheduler per id instead of adding another. Schedulers
 * on these queues that the declaration no longer has are removed, so deleting a schedule from the code deletes
 * it from Redis.
 */
export async function installJobSchedules(
  queues: ReadonlyMap<QueueName, Queue>,
  config: ScheduleConfig,
  logger: Logger,
): Promise<void> {
  for (const [name, queue] of queues) {
    const declared = JOB_SCHEDULES.filter((s) => s.queue === name);
    for (const schedule of declared) {
      const every = schedule.everyMs(config);
      // The job's declared options (e.g. a scan's single attempt) apply to every run the scheduler adds.
      await queue.upsertJobScheduler(
        schedule.id,
        { every },
        { name: schedule.job, data: schedule.payload, opts: scheduledJobOptions(schedule) },
      );
      logger.info({ queue: name, scheduler: schedule.id, every }, 'job scheduler installed');
    }
    const ids = new Set(declared.map((s) => s.id));
    for (const existing of await queue.getJobSchedulers()) {
      if (existing.key && !ids.has(existing.key)) {
        await queue.removeJobScheduler(existing.key);
        logger.info({ queue: name, scheduler: existing.key }, 'stale job scheduler removed');
      }
    }
  }
}
