/** Operations plane (API.md §10): queues, workers, system status. */

export const CLEANABLE_JOB_STATES = ['completed', 'failed'] as const;
export type CleanableJobState = (typeof CLEANABLE_JOB_STATES)[number];

/** States `GET /api/v1/admin/queues/jobs` lists; `paused` is the wait list while the queue is paused. */
export const LISTABLE_JOB_STATES = ['failed', 'delayed', 'waiting', 'active', 'completed', 'paused'] as const;
export type ListableJobState = (typeof LISTABLE_JOB_STATES)[number];

/** One declared queue as `GET /api/v1/admin/queues` shows it. */
export interface QueueSummary {
  name: string;
  description: string;
  /** Jobs per state, as BullMQ holds them now (finished jobs only while they are kept). */
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  /** Jobs waiting in a paused queue. */
  paused: number;
  prioritized: number;
  isPaused: boolean;
  /** Jobs completed per minute over the last `windowMinutes` (BullMQ metrics). */
  throughputPerMinute: number;
  /** failed / (completed + failed) over the same window; null when nothing finished. */
  failureRate: number | null;
  windowMinutes: number;
}

export interface QueueMetricPoint {
  /** Start of the minute, ISO-8601. */
  at: string;
  count: number;
}

/** `GET /api/v1/admin/queues/stats`: per-minute completed/failed series, oldest first. */
export interface QueueStatsResponse {
  minutes: number;
  data: { queue: string; completed: QueueMetricPoint[]; failed: QueueMetricPoint[] }[];
}

/** One bucket of `GET /api/v1/admin/queues/history`: the largest counts sampled in it (peaks stay visible). */
export interface QueueHistoryPoint {
  at: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Jobs completed / failed within the bucket (from BullMQ's running totals). */
  completedInBucket: number;
  failedInBucket: number;
  isPaused: boolean;
}

export interface QueueHistoryResponse {
  queue: string;
  from: string;
  to: string;
  bucketSeconds: number;
  data: QueueHistoryPoint[];
}

export interface QueueRetryResponse {
  queue: string;
  retried: number;
}

export interface QueueCleanResponse {
  queue: string;
  status: CleanableJobState;
  olderThanMs: number;
  removed: number;
}

/** `GET /api/v1/admin/queues/jobs/:id?queue=`: secrets and personal data in `data` are replaced by `[redacted]`. */
export interface QueueJobView {
  id: string;
  queue: string;
  name: string;
  state: string;
  data: unknown;
  attemptsMade: number;
  maxAttempts: number;
  createdAt: string | null;
  processedAt: string | null;
  finishedAt: string | null;
  failedReason: string | null;
  /** Stack trace of the last failed attempt. */
  stacktrace: string | null;
  logs: string[];
}

/**
 * One row of `GET /api/v1/admin/queues/jobs`. Never the job's data: it can hold secrets or personal data, and only
 * the detail view (`jobs/:id`) shows it, redacted.
 */
export interface QueueJobRow {
  id: string;
  queue: string;
  name: string;
  /** The state the list was asked for. */
  state: ListableJobState;
  attemptsMade: number;
  maxAttempts: number;
  createdAt: string | null;
  processedAt: string | null;
  /** When it completed or (last) failed. */
  finishedAt: string | null;
  /** First line of the last failure's message, truncated. */
  failedReason: string | null;
}

export type WorkerStatus = 'healthy' | 'stale' | 'dead';

/** `GET /api/v1/admin/workers` and the `worker-health` stream. */
export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  startedAt: string;
  lastHeartbeatAt: string;
  heartbeatAgeMs: number;
  status: WorkerStatus;
  jobsProcessed: number;
  jobsFailed: number;
  currentJobs: number;
  memory: { rssBytes: number; heapUsedBytes: number } | null;
  version: string;
}

export type ComponentStatus = 'operational' | 'degraded' | 'down';

export interface SystemComponent {
  /** e.g. `postgresql`, `redis`, `queue:payments`, `worker:<id>`, `gateway:<code>`, `outbox`. */
  name: string;
  kind: 'postgresql' | 'redis' | 'queue' | 'worker' | 'gateway' | 'outbox' | 'checker';
  status: ComponentStatus;
  detail: string;
  metrics: Record<string, number | string | null>;
}

/** `GET /api/v1/admin/system-status` and the `system-status` stream. */
export interface SystemStatusView {
  status: ComponentStatus;
  checkedAt: string;
  components: SystemComponent[];
}
