import type { QueueSummary } from '@lsp/contracts';

/** `data` of a `queue.stats` message on the `queue-stats` stream (contracts.md). */
export interface QueueStatsData {
  queues: QueueCountsNow[];
  at: string;
}

export interface QueueCountsNow {
  name: string;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  paused: number;
  isPaused: boolean;
}

export const QUEUE_STATS_TYPE = 'queue.stats';

/** Whether a stream payload has the contract's shape; a malformed message is ignored rather than shown. */
export function isQueueStatsData(value: unknown): value is QueueStatsData {
  if (!value || typeof value !== 'object') {
    return false;
  }
  const data = value as Partial<QueueStatsData>;
  return (
    typeof data.at === 'string' &&
    Array.isArray(data.queues) &&
    data.queues.every(
      (q) =>
        typeof q?.name === 'string' &&
        ['waiting', 'active', 'completed', 'failed', 'delayed', 'paused'].every(
          (k) => typeof (q as unknown as Record<string, unknown>)[k] === 'number',
        ),
    )
  );
}

/**
 * The table's rows after a live sample: counts and the paused flag come from the sample; throughput and failure
 * rate (which the stream does not carry) stay as the last REST read computed them. Queues the sample does not
 * mention are left alone; queues the table does not know yet are not invented (they lack a description).
 */
export function mergeQueueCounts(rows: readonly QueueSummary[], sample: QueueStatsData): QueueSummary[] {
  const byName = new Map(sample.queues.map((q) => [q.name, q]));
  return rows.map((row) => {
    const now = byName.get(row.name);
    return now
      ? {
          ...row,
          waiting: now.waiting,
          active: now.active,
          completed: now.completed,
          failed: now.failed,
          delayed: now.delayed,
          paused: now.paused,
          isPaused: now.isPaused,
        }
      : row;
  });
}

/** Jobs waiting to run: what an SRE means by a queue's depth. */
export function queueDepth(q: { waiting: number; delayed: number; prioritized?: number }): number {
  // A paused queue's waiting jobs are also reported as `paused`: counting `waiting` alone counts them once.
  return q.waiting + q.delayed + (q.prioritized ?? 0);
}

/** A clean grace typed in minutes, as the API's `olderThanMs`; null unless a whole number of minutes ≥ 0. */
export function graceMinutesToMs(input: string): number | null {
  const text = input.trim();
  if (!/^\d{1,6}$/.test(text)) {
    return null;
  }
  const minutes = Number(text);
  // The API accepts at most a year.
  return minutes <= 365 * 24 * 60 ? minutes * 60_000 : null;
}
