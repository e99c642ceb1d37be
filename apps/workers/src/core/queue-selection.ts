import { ConfigError } from '@lsp/platform';
import { QUEUE_NAMES, isQueueName, type QueueName } from '@lsp/queues';

/**
 * Which declared queues this process consumes: WORKER_QUEUES, or every queue when it is empty. An unknown name
 * is a configuration error rather than a silently idle process.
 */
export function selectQueues(workerQueues: readonly string[]): QueueName[] {
  if (workerQueues.length === 0) return [...QUEUE_NAMES];
  const unknown = workerQueues.filter((q) => !isQueueName(q));
  if (unknown.length > 0) {
    throw new ConfigError(
      'WORKER_QUEUES',
      `unknown queue ${unknown.map((q) => `"${q}"`).join(', ')} (declared: ${QUEUE_NAMES.join(', ')})`,
    );
  }
  return QUEUE_NAMES.filter((q) => workerQueues.includes(q));
}
