import { Queue } from 'bullmq';
import type { AppConfig } from '@lsp/platform';
import { QUEUES, bullConnection, bullPrefix } from '@lsp/queues';

/**
 * A producer of the `webhooks` queue for code that may run in a process not serving that queue (the events
 * fan-out): BullMQ's registered queues exist only for served queues.
 */
export function openWebhooksQueue(config: Pick<AppConfig, 'redisUrl' | 'redisPrefix'>, name: string): Queue {
  const queue = new Queue('webhooks', {
    connection: { ...bullConnection(config, name), enableOfflineQueue: false },
    prefix: bullPrefix(config),
    defaultJobOptions: QUEUES.webhooks.defaultJobOptions,
  });
  // Connection errors surface as rejected adds (the job then fails and is retried); no unhandled 'error' events.
  queue.on('error', () => undefined);
  return queue;
}
