import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { AppConfig } from '@lsp/platform';
import { QUEUE_NAMES, type QueueName, bullConnection, bullPrefix } from '@lsp/queues';
import { APP_CONFIG } from '../core/tokens';

/**
 * Producer handles on every declared queue, whether or not this process consumes it: the alert rules inspect all
 * of them, the retention cleaner trims all of them, and the dispatcher adds deliveries to `alerts`. Opened on
 * first use; closed only at application shutdown, after running jobs have finished with them.
 */
@Injectable()
export class DeclaredQueues implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: bullConnection(this.config, 'workers-ops'),
        prefix: bullPrefix(this.config),
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  all(): [QueueName, Queue][] {
    return QUEUE_NAMES.map((name) => [name, this.get(name)]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
