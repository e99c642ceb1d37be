import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { AppConfig } from '@lsp/platform';
import { QUEUES, type QueueName, bullConnection, bullPrefix, isQueueName } from '@lsp/queues';
import { ApiException } from '../core/http/api.exception';
import { APP_CONFIG } from '../core/infra/tokens';

/**
 * The API's handles on the declared BullMQ queues, for the admin views and actions. Opened on first use; the
 * connections do not queue commands while Redis is down, so a request fails (503) instead of hanging.
 */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The declared queue, or 404: a queue that is not declared has no jobs to show or act on. */
  get(name: string): Queue {
    if (!isQueueName(name)) throw ApiException.notFound('queue', name);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: { ...bullConnection(this.config, `api-queue-${name}`), enableOfflineQueue: false },
        prefix: bullPrefix(this.config),
        defaultJobOptions: QUEUES[name].defaultJobOptions,
      });
      // Connection errors surface as rejected commands; without a listener BullMQ would print each one.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
