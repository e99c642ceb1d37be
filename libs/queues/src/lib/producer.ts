import type { Job, JobsOptions, Queue } from 'bullmq';
import { jobOptions, parseJobPayload, type JobName, type JobPayload, type QueueName } from './declarations';

/**
 * Adds a declared job: the payload is validated on the way in (a producer bug fails at the producer, not later in
 * a worker), options come from the declaration. Pass `jobId(...)` in `options.jobId` for idempotent enqueueing.
 */
export async function addJob<Q extends QueueName, J extends JobName<Q>>(
  queue: Queue,
  queueName: Q,
  job: J,
  payload: JobPayload<Q, J>,
  options: JobsOptions = {},
): Promise<Job> {
  if (queue.name !== queueName) {
    throw new Error(`addJob: queue instance "${queue.name}" is not "${queueName}"`);
  }
  const data = parseJobPayload(queueName, job, payload);
  return queue.add(job, data, jobOptions(queueName, job, options));
}

export interface BulkJob<Q extends QueueName, J extends JobName<Q> = JobName<Q>> {
  job: J;
  payload: JobPayload<Q, J>;
  options?: JobsOptions;
}

/**
 * Adds several declared jobs in one round trip (BullMQ runs the adds in a MULTI). Every payload is validated
 * before anything is sent, so one bad payload adds nothing. Jobs whose `jobId` already exists are skipped by
 * BullMQ, which makes a repeated bulk add idempotent.
 */
export async function addJobs<Q extends QueueName>(
  queue: Pick<Queue, 'name' | 'addBulk'>,
  queueName: Q,
  jobs: readonly BulkJob<Q>[],
): Promise<Job[]> {
  if (queue.name !== queueName) {
    throw new Error(`addJobs: queue instance "${queue.name}" is not "${queueName}"`);
  }
  if (jobs.length === 0) return [];
  const prepared = jobs.map(({ job, payload, options }) => ({
    name: job,
    data: parseJobPayload(queueName, job, payload),
    opts: jobOptions(queueName, job, options),
  }));
  return queue.addBulk(prepared);
}
