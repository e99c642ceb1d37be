import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '@lsp/platform';
import { isJobName, parseJobPayload, type QueueName } from '@lsp/queues';
import { errorMessage } from './error-message';
import { jobKey, type JobProcessor, type JobTarget } from './job-processor';
import { JOB_PROCESSORS, LOGGER } from './tokens';

export interface ResolvedProcessor {
  target: JobTarget;
  instance: JobProcessor;
}

/**
 * Routes a BullMQ job of a served queue to its processor. Validation happens here, once, from the declaration:
 * a payload that does not match can never succeed, so it fails without retries (UnrecoverableError) instead
 * of burning attempts. Any other failure is logged with the job id and rethrown so BullMQ retries it.
 */
@Injectable()
export class JobDispatcher {
  private readonly processors = new Map<string, JobProcessor>();

  constructor(
    @Inject(JOB_PROCESSORS) processors: ResolvedProcessor[],
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const { target, instance } of processors) {
      for (const job of target.jobs) this.processors.set(jobKey(target.queue, job), instance);
    }
  }

  async dispatch(queue: QueueName, job: Job): Promise<unknown> {
    const log = this.logger.child({
      queue,
      job: job.name,
      jobId: job.id,
      attempt: job.attemptsMade + 1,
    });
    const processor = this.processors.get(jobKey(queue, job.name));
    let payload: unknown;
    try {
      if (!isJobName(queue, job.name) || !processor) {
        throw new Error(`queue ${queue} has no job "${job.name}"`);
      }
      payload = parseJobPayload(queue, job.name, job.data);
    } catch (err) {
      const message = errorMessage(err);
      log.error({ err }, `job refused: ${message}`);
      throw new UnrecoverableError(message);
    }
    const started = Date.now();
    try {
      const result = await processor.process(payload as never, job);
      log.info({ ms: Date.now() - started }, 'job completed');
      return result;
    } catch (err) {
      log.error({ err, ms: Date.now() - started }, 'job failed');
      throw err;
    }
  }
}
