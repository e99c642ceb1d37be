import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '@lsp/platform';
import { Database, sql } from '@lsp/persistence';
import {
  type QueueCountsSample,
  RECENT_QUEUE_SAMPLES,
  type ScheduledRunPayload,
  publishStreamMessage,
  recentQueueSamplesKey,
} from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, REDIS } from '../core/tokens';
import { DeclaredQueues } from '../core/declared-queues';

export async function sampleQueue(name: string, queue: Queue, at: Date): Promise<QueueCountsSample> {
  const [counts, isPaused, completed, failed] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'),
    queue.isPaused(),
    queue.getMetrics('completed', 0, 0),
    queue.getMetrics('failed', 0, 0),
  ]);
  return {
    queue: name,
    at: at.toISOString(),
    waiting: counts['waiting'] ?? 0,
    active: counts['active'] ?? 0,
    completed: counts['completed'] ?? 0,
    failed: counts['failed'] ?? 0,
    delayed: counts['delayed'] ?? 0,
    // BullMQ 6 keeps a paused queue's jobs in its wait list.
    paused: isPaused ? (counts['waiting'] ?? 0) : 0,
    prioritized: counts['prioritized'] ?? 0,
    isPaused,
    completedTotal: completed.meta.count,
    failedTotal: failed.meta.count,
  };
}

/**
 * The Queue Metrics Collector: every MONITOR_INTERVAL, each declared queue's job counts go to a capped Redis list
 * (the recent hour, for live charts), to `queue_metric_samples` (history, pruned by the retention cleaner) and
 * out on the `queue-stats` stream. BullMQ runs one per tick however many workers serve the queue.
 */
@Injectable()
@ProcessesJob('monitoring', 'collect-queue-metrics')
export class CollectQueueMetricsProcessor implements JobProcessor<'monitoring', 'collect-queue-metrics'> {
  constructor(
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async process(_payload: ScheduledRunPayload): Promise<{ queues: number }> {
    const at = new Date();
    const samples = await Promise.all(this.queues.all().map(({ name, queue }) => sampleQueue(name, queue, at)));

    const recent = this.redis.multi();
    for (const s of samples) {
      const key = recentQueueSamplesKey(this.config, s.queue);
      recent.lpush(key, JSON.stringify(s)).ltrim(key, 0, RECENT_QUEUE_SAMPLES - 1);
    }
    await recent.exec();

    await this.db.platform((em) =>
      sql(
        em,
        `INSERT INTO queue_metric_samples
           (queue, at, waiting, active, completed, failed, delayed, paused, is_paused, completed_total, failed_total)
         SELECT queue, at, waiting, active, completed, failed, delayed, paused, "isPaused", "completedTotal", "failedTotal"
           FROM jsonb_to_recordset($1::jsonb) AS s(queue text, at timestamptz, waiting int, active int, completed int,
                failed int, delayed int, paused int, "isPaused" boolean, "completedTotal" bigint, "failedTotal" bigint)
         ON CONFLICT (queue, at) DO NOTHING`,
        [JSON.stringify(samples)],
      ),
    );

    await publishStreamMessage(this.redis, this.config, 'queue-stats', {
      type: 'queue.stats',
      data: {
        at: at.toISOString(),
        queues: samples.map((s) => ({
          name: s.queue,
          waiting: s.waiting,
          active: s.active,
          completed: s.completed,
          failed: s.failed,
          delayed: s.delayed,
          paused: s.paused,
          isPaused: s.isPaused,
        })),
      },
    });
    return { queues: samples.length };
  }
}
