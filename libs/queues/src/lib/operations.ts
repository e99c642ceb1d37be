import type { Redis } from 'ioredis';
import { type AppConfig, redisKey } from '@lsp/platform';
import { type WorkerHeartbeat, parseWorkerHeartbeat, readWorkerHeartbeats } from './heartbeat';

/*
 * Shared between the workers' monitoring samplers (writers) and the API's operations endpoints (readers): Redis
 * keys and formats of the queue metric samples, the worker registry and the system status snapshot.
 */

/** Per-minute points BullMQ keeps of each queue's completed/failed counts: one day. */
export const QUEUE_METRICS_MAX_DATA_POINTS = 24 * 60;

/** How many recent queue samples Redis keeps (one hour at the default 5 s interval). */
export const RECENT_QUEUE_SAMPLES = 720;

export interface QueueCountsSample {
  queue: string;
  at: string;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  paused: number;
  prioritized: number;
  isPaused: boolean;
  /** Totals since the queue's metrics began (BullMQ metrics `count`); deltas give throughput. */
  completedTotal: number;
  failedTotal: number;
}

/** Capped list of recent samples, newest first: `<prefix>:queue-samples:<queue>`. */
export function recentQueueSamplesKey(config: Pick<AppConfig, 'redisPrefix'>, queue: string): string {
  return redisKey(config, 'queue-samples', queue);
}

/** The latest system status snapshot written by the checker: `<prefix>:system-status`. */
export function systemStatusKey(config: Pick<AppConfig, 'redisPrefix'>): string {
  return redisKey(config, 'system-status');
}

/**
 * Every worker seen alive recently, id → last heartbeat: `<prefix>:workers-seen`. A heartbeat key expires with
 * its process, so without this a worker that died would simply vanish; kept here it is listed as `dead` until
 * it is reaped.
 */
export function workerRegistryKey(config: Pick<AppConfig, 'redisPrefix'>): string {
  return redisKey(config, 'workers-seen');
}

/** How long a dead worker stays listed before it is reaped (and its stale alert resolved). */
export const DEAD_WORKER_RETENTION_MS = 60 * 60_000;

export type WorkerHealthStatus = 'healthy' | 'stale' | 'dead';

export interface WorkerHealth {
  heartbeat: WorkerHeartbeat;
  status: WorkerHealthStatus;
  ageMs: number;
}

/**
 * `healthy` while the last beat is younger than `staleAfterMs`, `stale` after that while its key lives, `dead`
 * once the key expired (the process stopped beating for the whole TTL) or was removed.
 */
export function classifyWorker(
  heartbeat: WorkerHeartbeat,
  live: boolean,
  now: number,
  staleAfterMs: number,
): WorkerHealth {
  const ageMs = Math.max(0, now - Date.parse(heartbeat.lastBeatAt));
  const status: WorkerHealthStatus = !live ? 'dead' : ageMs > staleAfterMs ? 'stale' : 'healthy';
  return { heartbeat, status, ageMs };
}

/** Live heartbeats plus the registry's workers that stopped beating, classified, sorted by id. */
export async function readWorkerHealth(
  redis: Pick<Redis, 'scan' | 'mget' | 'hgetall'>,
  config: Pick<AppConfig, 'redisPrefix'>,
  staleAfterMs: number,
  now = Date.now(),
): Promise<WorkerHealth[]> {
  const [live, seen] = await Promise.all([
    readWorkerHeartbeats(redis, config),
    redis.hgetall(workerRegistryKey(config)),
  ]);
  const liveIds = new Set(live.map((h) => h.id));
  const gone = Object.values(seen)
    .map((text) => parseWorkerHeartbeat(text))
    .filter((h): h is WorkerHeartbeat => h !== null && !liveIds.has(h.id));
  return [
    ...live.map((h) => classifyWorker(h, true, now, staleAfterMs)),
    ...gone.map((h) => classifyWorker(h, false, now, staleAfterMs)),
  ].sort((a, b) => a.heartbeat.id.localeCompare(b.heartbeat.id));
}

/** BullMQ's `getMetrics` result: `meta.prevTS` is the minute in progress, `data[i]` the minute `i + 1` before it. */
export interface BullMetrics {
  meta: { count: number; prevTS: number; prevCount: number };
  data: number[];
}

/**
 * The last `minutes` per-minute counts ending with the current minute, oldest first, from BullMQ metrics. BullMQ
 * only writes a point when a job finishes in a later minute, so the minute in progress is `count - prevCount` and
 * minutes after it (nothing finished since) are zero.
 */
export function metricSeries(metrics: BullMetrics, minutes: number, now: number): { minute: number; count: number }[] {
  const nowMinute = Math.floor(now / 60_000);
  const prevMinute = metrics.meta.prevTS > 0 ? Math.floor(metrics.meta.prevTS / 60_000) : null;
  const series: { minute: number; count: number }[] = [];
  for (let minute = nowMinute - minutes + 1; minute <= nowMinute; minute++) {
    let count = 0;
    if (prevMinute !== null && minute === prevMinute) count = metrics.meta.count - metrics.meta.prevCount;
    else if (prevMinute !== null && minute < prevMinute) count = metrics.data[prevMinute - 1 - minute] ?? 0;
    series.push({ minute, count: Math.max(0, count) });
  }
  return series;
}

/** A worker as `GET /api/v1/admin/workers` and the `worker-health` stream show it (contracts `WorkerView`). */
export function toWorkerView(health: WorkerHealth) {
  const h = health.heartbeat;
  return {
    id: h.id,
    host: h.host,
    pid: h.pid,
    queues: h.queues,
    startedAt: h.startedAt,
    lastHeartbeatAt: h.lastBeatAt,
    heartbeatAgeMs: health.ageMs,
    status: health.status,
    jobsProcessed: h.processed,
    jobsFailed: h.failed,
    currentJobs: health.status === 'dead' ? 0 : (h.activeJobs ?? 0),
    memory: h.memory ? { rssBytes: h.memory.rss, heapUsedBytes: h.memory.heapUsed } : null,
    version: h.version,
  };
}
