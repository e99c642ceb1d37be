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
