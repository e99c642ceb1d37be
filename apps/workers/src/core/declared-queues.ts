import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { AppConfig } from '@lsp/platform';
import { QUEUES, QUEUE_NAMES, type QueueName, bullConnection, bullPrefix } from '@lsp/queues';
import { APP_CONFIG } from './tokens';

/**
 * Handles on every declared queue, whichever this process consumes: the monitoring samplers report them all, the
 * alert rules inspect them, the retention cleaner trims them and the alert dispatcher adds deliveries. Opened on
 * first use, closed at application shutdown. Their connections fail commands at once while Redis is down: the job
 * fails and is retried (or the next tick samples again) instead of hanging.
 */
@Injectable()
export class DeclaredQueues implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: { ...bullConnection(this.config, `declared-${name}`), enableOfflineQueue: false },
        prefix: bullPrefix(this.config),
        defaultJobOptions: QUEUES[name].defaultJobOptions,
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  all(): { name: QueueName; queue: Queue }[] {
    return QUEUE_NAMES.map((name) => ({ name, queue: this.get(name) }));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
