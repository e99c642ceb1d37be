import type { Type } from '@nestjs/common';
import type { Job } from 'bullmq';
import { jobNamesOf, type JobName, type JobPayload, type QueueName } from '@lsp/queues';
import { StartupError } from './startup-error';

/**
 * Handles one declared job. The dispatcher has already validated the payload against the declaration when
 * `process` is called; throwing makes BullMQ retry the job with the queue's backoff.
 */
export interface JobProcessor<Q extends QueueName = QueueName, J extends JobName<Q> = JobName<Q>> {
  process(payload: JobPayload<Q, J>, job: Job): Promise<unknown>;
}

export interface JobTarget {
  queue: QueueName;
  /** One job, or several that share a handling (the `events` queue: one job name per event type). */
  jobs: readonly string[];
}

const targets = new WeakMap<object, JobTarget>();

/** Marks a provider class as the processor of `queue`/`job`, or of each of several jobs of one queue. */
export function ProcessesJob<Q extends QueueName, J extends JobName<Q>>(
  queue: Q,
  job: J | readonly J[],
): (target: Type<JobProcessor<Q, J>>) => void {
  const jobs: readonly string[] = typeof job === 'string' ? [job] : [...job];
  if (jobs.length === 0) throw new Error(`@ProcessesJob('${queue}', []) names no job`);
  return (target) => {
    targets.set(target, { queue, jobs });
  };
}

export function jobTargetOf(type: Type<unknown>): JobTarget | undefined {
  return targets.get(type);
}

export const jobKey = (queue: string, job: string): string => `${queue}/${job}`;

/**
 * Picks the processors of the served queues and proves, before anything starts consuming, that every declared
 * job of those queues has exactly one processor. A job without a processor would otherwise sit in Redis, or
 * fail on every attempt, until someone noticed.
 */
export function processorsForQueues(
  queues: readonly QueueName[],
  processors: readonly Type<JobProcessor>[],
): Type<JobProcessor>[] {
  const byJob = new Map<string, Type<JobProcessor>>();
  const served: Type<JobProcessor>[] = [];
  for (const type of processors) {
    const target = jobTargetOf(type);
    if (!target) {
      throw new StartupError(`${type.name} is listed as a job processor but has no @ProcessesJob(queue, job)`);
    }
    for (const job of target.jobs) {
      const key = jobKey(target.queue, job);
      const existing = byJob.get(key);
      if (existing) {
        throw new StartupError(`job ${key} has two processors: ${existing.name} and ${type.name}`);
      }
      byJob.set(key, type);
    }
    if (queues.includes(target.queue)) served.push(type);
  }
  const missing = queues.flatMap((queue) =>
    jobNamesOf(queue)
      .map((job) => jobKey(queue, job))
      .filter((key) => !byJob.has(key)),
  );
  if (missing.length > 0) {
    throw new StartupError(`no processor for declared job${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  return served;
}
