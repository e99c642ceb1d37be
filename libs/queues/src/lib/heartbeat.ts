import type { Redis } from 'ioredis';
import { type AppConfig, redisKey } from '@lsp/platform';
import { arrayOf, integer, object, objectOf, optional, string } from './validation';

/**
 * Worker heartbeats: each worker process writes `<prefix>:workers:<workerId>` every few seconds with a TTL, so a
 * process that dies without cleaning up disappears by itself. The API lists them for `GET /api/v1/admin/workers`.
 */
export const WORKER_HEARTBEAT_INTERVAL_MS = 5_000;
export const WORKER_HEARTBEAT_TTL_MS = 30_000;

/** What the process's outbox relay last measured; absent when the process runs no relay (or has not measured). */
export interface OutboxRelayStatus {
  /** Age of the oldest unpublished outbox event, by the database clock; 0 when everything is published. */
  lagMs: number;
  /** Unpublished events, counted up to `OUTBOX_BACKLOG_CAP`. */
  backlog: number;
  /** ISO-8601 instant of the measurement. */
  checkedAt: string;
}

export const OUTBOX_BACKLOG_CAP = 10_000;

export interface WorkerHeartbeat {
  /** `<host>-<pid>-<random>`; unique per process start. */
  id: string;
  host: string;
  pid: number;
  /** Queues this process consumes. */
  queues: string[];
  /** ISO-8601 instants. */
  startedAt: string;
  lastBeatAt: string;
  /** Jobs completed / attempts failed since the process started. */
  processed: number;
  failed: number;
  version: string;
  outbox?: OutboxRelayStatus;
  /** Jobs running in this process at the beat. */
  activeJobs?: number;
  /** Process memory at the beat, in bytes. */
  memory?: { rss: number; heapUsed: number };
}

export const WORKER_ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const validateHeartbeat = objectOf<WorkerHeartbeat>({
  id: string({ pattern: WORKER_ID_PATTERN }),
  host: string({ maxLength: 255 }),
  pid: integer({ min: 0 }),
  queues: arrayOf(string({ maxLength: 100 }), { maxItems: 100 }),
  startedAt: string({ pattern: ISO_INSTANT }),
  lastBeatAt: string({ pattern: ISO_INSTANT }),
  processed: integer({ min: 0 }),
  failed: integer({ min: 0 }),
  version: string({ maxLength: 100 }),
  outbox: optional(
    object<OutboxRelayStatus>({
      lagMs: integer({ min: 0 }),
      backlog: integer({ min: 0 }),
      checkedAt: string({ pattern: ISO_INSTANT }),
    }),
  ),
  activeJobs: optional(integer({ min: 0 })),
  memory: optional(
    object<{ rss: number; heapUsed: number }>({ rss: integer({ min: 0 }), heapUsed: integer({ min: 0 }) }),
  ),
});

export function workerHeartbeatKey(config: Pick<AppConfig, 'redisPrefix'>, workerId: string): string {
  if (!WORKER_ID_PATTERN.test(workerId)) throw new Error(`invalid worker id "${workerId}"`);
  return redisKey(config, 'workers', workerId);
}

export function workerHeartbeatPattern(config: Pick<AppConfig, 'redisPrefix'>): string {
  return redisKey(config, 'workers', '*');
}

export function serializeWorkerHeartbeat(heartbeat: WorkerHeartbeat): string {
  return JSON.stringify(heartbeat);
}

/** Parses a stored heartbeat; null for a missing, malformed or foreign value (never throws). */
export function parseWorkerHeartbeat(text: string | null | undefined): WorkerHeartbeat | null {
  if (!text) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const result = validateHeartbeat(data);
  return result.ok ? result.value : null;
}

/** Every live heartbeat under the prefix, sorted by id. Expired workers are simply absent. */
export async function readWorkerHeartbeats(
  redis: Pick<Redis, 'scan' | 'mget'>,
  config: Pick<AppConfig, 'redisPrefix'>,
): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', workerHeartbeatPattern(config), 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  // A key may expire between SCAN and MGET; parse drops the resulting nulls.
  const values = await redis.mget(...new Set(keys));
  return values
    .map((v) => parseWorkerHeartbeat(v))
    .filter((h): h is WorkerHeartbeat => h !== null)
    .sort((a, b) => a.id.localeCompare(b.id));
}
