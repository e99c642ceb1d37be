import { Inject, type Type } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES, QUEUE_METRICS_MAX_DATA_POINTS, type QueueName } from '@lsp/queues';
import { JobDispatcher } from './job-dispatcher';
import { WorkerStats } from './worker-stats';

export abstract class QueueWorkerHost extends WorkerHost {
  abstract readonly queue: QueueName;
}

/**
 * One @nestjs/bullmq worker per served queue. Decorators are static, but which queues a process serves comes
 * from config, so the host class is made per queue at module construction. It only forwards to the dispatcher
 * and counts outcomes for the heartbeat.
 */
export function queueWorkerHost(queue: QueueName): Type<QueueWorkerHost> {
  // Metrics: BullMQ keeps per-minute completed/failed counts, which the admin queue stats read.
  @Processor(queue, {
    concurrency: QUEUES[queue].concurrency,
    metrics: { maxDataPoints: QUEUE_METRICS_MAX_DATA_POINTS },
  })
  class Host extends QueueWorkerHost {
    readonly queue = queue;

    constructor(
      @Inject(JobDispatcher) private readonly dispatcher: JobDispatcher,
      @Inject(WorkerStats) private readonly stats: WorkerStats,
    ) {
      super();
    }

    async process(job: Job): Promise<unknown> {
      this.stats.active++;
      try {
        return await this.dispatcher.dispatch(queue, job);
      } finally {
        this.stats.active--;
      }
    }

    @OnWorkerEvent('completed')
    onCompleted(): void {
      this.stats.processed++;
    }

    // Every failed attempt counts, including ones BullMQ will retry.
    @OnWorkerEvent('failed')
    onFailed(): void {
      this.stats.failed++;
    }
  }
  const name = queue.replace(/(^|[-_])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
  Object.defineProperty(Host, 'name', { value: `${name}QueueWorker` });
  return Host;
}
