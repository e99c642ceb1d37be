import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type {
  ListResponse,
  QueueCleanResponse,
  QueueHistoryResponse,
  QueueJobRow,
  QueueJobView,
  QueueRetryResponse,
  QueueStatsResponse,
  QueueSummary,
} from '@lsp/contracts';
import { Database } from '@lsp/persistence';
import { QUEUES, QUEUE_NAMES, type QueueName, metricSeries } from '@lsp/queues';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/principal';
import { ApiException } from '../core/http/api.exception';
import { resolveTimeRange } from '../core/http/time-range';
import { DEFAULT_PAGE_SIZE, toListResponse } from '../core/http/pagination';
import type { CleanJobsDto, JobListQueryDto, PauseQueueDto, RetryJobsDto } from './dto/queues.dto';
import { JOB_ID_PATTERN } from './dto/queues.dto';
import { readJobPage } from './job-page';
import { redactJobData } from './job-redaction';
import { QueueHistoryRepository } from './queue-history.repository';
import { QueueRegistry } from './queue-registry';

/** Throughput and failure rate are taken over this many recent minutes. */
export const THROUGHPUT_WINDOW_MINUTES = 5;
/** Jobs BullMQ's clean removes per call; small batches keep each Lua script (which blocks Redis) short. */
const CLEAN_BATCH = 1000;
const JOB_LOG_LINES = 100;
/** History answers at most this many buckets, and spans at most a week. */
const HISTORY_MAX_POINTS = 720;
const HISTORY_MAX_SPAN_MS = 7 * 24 * 3600_000;

@Injectable()
export class QueuesService {
  constructor(
    private readonly registry: QueueRegistry,
    private readonly db: Database,
    private readonly audit: AuditService,
    private readonly historyRepo: QueueHistoryRepository,
  ) {}

  /** Sampled counts of one queue over time (from `queue_metric_samples`), bucketed to at most 720 points. */
  async history(
    queueName: string,
    fromText: string | undefined,
    toText: string | undefined,
  ): Promise<QueueHistoryResponse> {
    const queue = this.registry.get(queueName).name;
    const { from, to } = resolveTimeRange(fromText, toText, {
      defaultSpanMs: 3600_000,
      maxSpanMs: HISTORY_MAX_SPAN_MS,
      maxSpanText: '7 days',
    });
    const bucketSeconds = Math.max(5, Math.ceil((to.getTime() - from.getTime()) / 1000 / HISTORY_MAX_POINTS));
    const data = await this.historyRepo.history(queue, from, to, bucketSeconds);
    return { queue, from: from.toISOString(), to: to.toISOString(), bucketSeconds, data };
  }

  async list(): Promise<ListResponse<QueueSummary>> {
    const data = await Promise.all(QUEUE_NAMES.map((name) => this.summary(name)));
    return { object: 'list', data, hasMore: false };
  }

  async summary(name: QueueName): Promise<QueueSummary> {
    const queue = this.registry.get(name);
    const now = Date.now();
    const [counts, isPaused, completed, failed] = await Promise.all([
      queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'),
      queue.isPaused(),
      queue.getMetrics('completed', 0, THROUGHPUT_WINDOW_MINUTES),
      queue.getMetrics('failed', 0, THROUGHPUT_WINDOW_MINUTES),
    ]);
    const sum = (points: { count: number }[]) => points.reduce((total, p) => total + p.count, 0);
    const done = sum(metricSeries(completed, THROUGHPUT_WINDOW_MINUTES, now));
    const lost = sum(metricSeries(failed, THROUGHPUT_WINDOW_MINUTES, now));
    return {
      name,
      description: QUEUES[name].description,
      waiting: counts['waiting'] ?? 0,
      active: counts['active'] ?? 0,
      completed: counts['completed'] ?? 0,
      failed: counts['failed'] ?? 0,
      delayed: counts['delayed'] ?? 0,
      // BullMQ 6 keeps a paused queue's jobs in its wait list: they are the ones the pause holds back.
      paused: isPaused ? (counts['waiting'] ?? 0) : 0,
      prioritized: counts['prioritized'] ?? 0,
      isPaused,
      throughputPerMinute: Math.round((done / THROUGHPUT_WINDOW_MINUTES) * 100) / 100,
      failureRate: done + lost === 0 ? null : Math.round((lost / (done + lost)) * 10_000) / 10_000,
      windowMinutes: THROUGHPUT_WINDOW_MINUTES,
    };
  }

  async stats(queueName: string | undefined, minutes: number): Promise<QueueStatsResponse> {
    const names = queueName === undefined ? QUEUE_NAMES : [this.registry.get(queueName).name as QueueName];
    const now = Date.now();
    const data = await Promise.all(
      names.map(async (name) => {
        const queue = this.registry.get(name);
        const [completed, failed] = await Promise.all([
          queue.getMetrics('completed', 0, minutes),
          queue.getMetrics('failed', 0, minutes),
        ]);
        const points = (m: typeof completed) =>
          metricSeries(m, minutes, now).map((p) => ({ at: new Date(p.minute * 60_000).toISOString(), count: p.count }));
        return { queue: name, completed: points(completed), failed: points(failed) };
      }),
    );
    return { minutes, data };
  }

  /**
   * Retries the listed failed jobs, or every failed job. Listed ids are all checked first (each must exist and
   * have failed), so a bad list changes nothing.
   */
  async retry(input: RetryJobsDto, actor: Actor): Promise<QueueRetryResponse> {
    const queue = this.registry.get(input.queue);
    let retried: number;
    if (input.jobIds) {
      const jobs = await Promise.all(input.jobIds.map((id) => queue.getJob(id)));
      const states = await Promise.all(jobs.map((job) => job?.getState()));
      input.jobIds.forEach((id, i) => {
        if (!jobs[i]) throw ApiException.notFound('job', id);
        if (states[i] !== 'failed') {
          throw ApiException.conflict(
            'job_not_failed',
            `Job '${id}' is ${String(states[i])}; only failed jobs are retried`,
          );
        }
      });
      for (const job of jobs) await job?.retry('failed');
      retried = jobs.length;
    } else {
      retried = await queue.getFailedCount();
      // BullMQ moves them in batches until none is left.
      await queue.retryJobs({ state: 'failed', count: CLEAN_BATCH });
    }
    await this.record(actor, 'queue.retry', queue.name, null, { retried, jobIds: input.jobIds ?? 'all failed' });
    return { queue: queue.name, retried };
  }

  async clean(input: CleanJobsDto, actor: Actor): Promise<QueueCleanResponse> {
    const queue = this.registry.get(input.queue);
    let removed = 0;
    for (;;) {
      const ids = await queue.clean(input.olderThanMs, CLEAN_BATCH, input.status);
      removed += ids.length;
      if (ids.length < CLEAN_BATCH) break;
    }
    await this.record(actor, 'queue.clean', queue.name, null, {
      status: input.status,
      olderThanMs: input.olderThanMs,
      removed,
    });
    return { queue: queue.name, status: input.status, olderThanMs: input.olderThanMs, removed };
  }

  async pause(input: PauseQueueDto, actor: Actor): Promise<QueueSummary> {
    const queue = this.registry.get(input.queue);
    const before = await queue.isPaused();
    if (input.paused) await queue.pause();
    else await queue.resume();
    await this.record(
      actor,
      input.paused ? 'queue.pause' : 'queue.resume',
      queue.name,
      { isPaused: before },
      {
        isPaused: input.paused,
      },
    );
    return this.summary(queue.name as QueueName);
  }

  /** One page of a state's jobs, newest first, without their data. */
  async jobs(query: JobListQueryDto): Promise<ListResponse<QueueJobRow>> {
    const queue = this.registry.get(query.queue);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await readJobPage(queue, query.state, query.startingAfter, limit + 1);
    if (rows === 'cursor-gone') {
      throw ApiException.invalid(
        'startingAfter',
        `Job '${String(query.startingAfter)}' is no longer ${query.state}; list again from the first page`,
        'cursor_expired',
      );
    }
    return toListResponse(rows, limit, (row) => row);
  }

  async job(queueName: string, id: string): Promise<QueueJobView> {
    const queue = this.registry.get(queueName);
    if (!JOB_ID_PATTERN.test(id)) throw ApiException.notFound('job', id.slice(0, 64));
    const job = await queue.getJob(id);
    if (!job?.id) throw ApiException.notFound('job', id);
    const [state, logs] = await Promise.all([job.getState(), queue.getJobLogs(id, 0, JOB_LOG_LINES - 1)]);
    const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
    return {
      id: job.id,
      queue: queue.name,
      name: job.name,
      state,
      data: redactJobData(job.data),
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      createdAt: iso(job.timestamp),
      processedAt: iso(job.processedOn),
      finishedAt: iso(job.finishedOn),
      failedReason: job.failedReason || null,
      stacktrace: job.stacktrace?.length ? job.stacktrace[job.stacktrace.length - 1] : null,
      logs: logs.logs,
    };
  }

  private record(actor: Actor, action: string, queue: Queue['name'], before: object | null, after: object) {
    return this.db.platform((em) =>
      this.audit.record(em, actor, { action, objectType: 'queue', objectId: queue, before, after }),
    );
  }
}
