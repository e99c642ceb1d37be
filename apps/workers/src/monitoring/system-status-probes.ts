import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ComponentStatus, SystemComponent } from '@lsp/contracts';
import { type Database, outboxBacklog, sql } from '@lsp/persistence';
import type { WorkerHealth } from '@lsp/queues';

/** Longest one probe may take; a dependency slower than this is reported down, and the check still completes. */
export const PROBE_TIMEOUT_MS = 3000;
const SLOW_PROBE_MS = 250;

export interface ProbeThresholds {
  queueBacklogWarn: number;
  outboxLagWarnMs: number;
}

const RANK: Record<ComponentStatus, number> = { operational: 0, degraded: 1, down: 2 };
export const worst = (statuses: ComponentStatus[]): ComponentStatus =>
  statuses.reduce<ComponentStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'operational');

function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 300);

export async function probePostgres(db: Database): Promise<SystemComponent> {
  const started = performance.now();
  try {
    const row = await bounded(
      db.platform(async (em) => {
        const [r] = await sql<{
          connections: number;
          max_connections: number;
          replica: boolean;
          replay_lag_ms: number | null;
          replication_lag_ms: number | null;
        }>(
          em,
          // pg_stat_replication shows lag only to privileged roles; for lsp_app it is null, which we report as is.
          `SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())::int AS connections,
                  current_setting('max_connections')::int AS max_connections,
                  pg_is_in_recovery() AS replica,
                  CASE WHEN pg_is_in_recovery()
                       THEN (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::float8 END AS replay_lag_ms,
                  (SELECT (max(extract(epoch FROM replay_lag)) * 1000)::float8 FROM pg_stat_replication) AS replication_lag_ms`,
        );
        return r;
      }),
      'PostgreSQL',
    );
    const latencyMs = Math.round(performance.now() - started);
    const lagMs = row.replica ? row.replay_lag_ms : row.replication_lag_ms;
    const usage = row.connections / row.max_connections;
    const problems = [
      latencyMs > SLOW_PROBE_MS ? `slow (${latencyMs} ms)` : null,
      usage > 0.8 ? `${row.connections} of ${row.max_connections} connections in use` : null,
      lagMs !== null && lagMs > 10_000 ? `replication lag ${Math.round(lagMs / 1000)} s` : null,
    ].filter((p): p is string => p !== null);
    return {
      name: 'postgresql',
      kind: 'postgresql',
      status: problems.length ? 'degraded' : 'operational',
      detail: problems.length ? problems.join('; ') : `answers in ${latencyMs} ms`,
      metrics: {
        latencyMs,
        connections: row.connections,
        maxConnections: row.max_connections,
        replicationLagMs: lagMs === null ? null : Math.round(lagMs),
      },
    };
  } catch (err) {
    return { name: 'postgresql', kind: 'postgresql', status: 'down', detail: reason(err), metrics: {} };
  }
}

function infoField(info: string, field: string): string | null {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m ? m[1].trim() : null;
}

export async function probeRedis(redis: Redis): Promise<SystemComponent> {
  const started = performance.now();
  try {
    await bounded(redis.ping(), 'Redis');
    const latencyMs = Math.round(performance.now() - started);
    const info = await bounded(redis.info('memory'), 'Redis');
    const used = Number(infoField(info, 'used_memory') ?? 0);
    const max = Number(infoField(info, 'maxmemory') ?? 0);
    const policy = infoField(info, 'maxmemory_policy') ?? 'unknown';
    const problems = [
      // Any other policy lets Redis evict BullMQ jobs, stream buffers or rate-limit windows under pressure.
      policy !== 'noeviction' ? `maxmemory-policy is ${policy}, not noeviction: queued jobs may be evicted` : null,
      max > 0 && used / max > 0.9 ? `memory ${Math.round((used / max) * 100)} % of maxmemory` : null,
      latencyMs > SLOW_PROBE_MS ? `slow (${latencyMs} ms)` : null,
    ].filter((p): p is string => p !== null);
    return {
      name: 'redis',
      kind: 'redis',
      status: problems.length ? 'degraded' : 'operational',
      detail: problems.length ? problems.join('; ') : `answers in ${latencyMs} ms`,
      metrics: { latencyMs, usedMemoryBytes: used, maxMemoryBytes: max, maxmemoryPolicy: policy },
    };
  } catch (err) {
    return { name: 'redis', kind: 'redis', status: 'down', detail: reason(err), metrics: {} };
  }
}

export async function probeQueue(
  name: string,
  queue: Queue,
  workers: WorkerHealth[],
  thresholds: ProbeThresholds,
): Promise<SystemComponent> {
  const component = `queue:${name}`;
  try {
    const [counts, isPaused] = await bounded(
      Promise.all([queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'failed'), queue.isPaused()]),
      `queue ${name}`,
    );
    const backlog = (counts['waiting'] ?? 0) + (counts['delayed'] ?? 0) + (counts['prioritized'] ?? 0);
    const servedBy = workers.filter((w) => w.status !== 'dead' && w.heartbeat.queues.includes(name)).length;
    const metrics = {
      backlog,
      active: counts['active'] ?? 0,
      failed: counts['failed'] ?? 0,
      servedBy,
      isPaused: String(isPaused),
    };
    if (servedBy === 0) {
      return { name: component, kind: 'queue', status: 'down', detail: 'no live worker serves this queue', metrics };
    }
    const problems = [
      isPaused ? 'paused' : null,
      backlog > thresholds.queueBacklogWarn ? `backlog ${backlog} above ${thresholds.queueBacklogWarn}` : null,
    ].filter((p): p is string => p !== null);
    return {
      name: component,
      kind: 'queue',
      status: problems.length ? 'degraded' : 'operational',
      detail: problems.length ? problems.join('; ') : `backlog ${backlog}, served by ${servedBy} worker(s)`,
      metrics,
    };
  } catch (err) {
    return { name: component, kind: 'queue', status: 'down', detail: reason(err), metrics: {} };
  }
}

export function workerComponent(worker: WorkerHealth): SystemComponent {
  const seconds = Math.round(worker.ageMs / 1000);
  const status: ComponentStatus =
    worker.status === 'healthy' ? 'operational' : worker.status === 'stale' ? 'degraded' : 'down';
  return {
    name: `worker:${worker.heartbeat.id}`,
    kind: 'worker',
    status,
    detail: `${worker.status}: last heartbeat ${seconds} s ago`,
    metrics: {
      heartbeatAgeMs: worker.ageMs,
      jobsProcessed: worker.heartbeat.processed,
      jobsFailed: worker.heartbeat.failed,
      currentJobs: worker.heartbeat.activeJobs ?? 0,
    },
  };
}

export async function probeGateways(db: Database): Promise<SystemComponent[]> {
  const rows = await bounded(
    db.platform((em) =>
      sql<{ code: string; health_status: 'healthy' | 'degraded' | 'down'; health_checked_at: Date | null }>(
        em,
        `SELECT code, health_status, health_checked_at FROM gateways
          WHERE deleted_at IS NULL AND enabled ORDER BY priority, code`,
      ),
    ),
    'gateways',
  );
  return rows.map((g) => ({
    name: `gateway:${g.code}`,
    kind: 'gateway' as const,
    status: g.health_status === 'healthy' ? 'operational' : g.health_status,
    detail: `${g.health_status}${g.health_checked_at ? ` (checked ${g.health_checked_at.toISOString()})` : ''}`,
    metrics: { checkedAt: g.health_checked_at?.toISOString() ?? null },
  }));
}

export async function probeOutbox(db: Database, thresholds: ProbeThresholds): Promise<SystemComponent> {
  try {
    const { lagMs, backlog } = await bounded(
      db.platform((em) => outboxBacklog(em)),
      'outbox',
    );
    const lagging = lagMs > thresholds.outboxLagWarnMs;
    return {
      name: 'outbox',
      kind: 'outbox',
      status: lagging ? 'degraded' : 'operational',
      detail: lagging
        ? `oldest unpublished event is ${Math.round(lagMs / 1000)} s old (${backlog} waiting)`
        : `${backlog} event(s) waiting, lag ${lagMs} ms`,
      metrics: { lagMs, backlog },
    };
  } catch (err) {
    return { name: 'outbox', kind: 'outbox', status: 'down', detail: reason(err), metrics: {} };
  }
}

/**
 * The overall status: `down` when the platform cannot take or process payments (PostgreSQL or Redis down, a queue
 * nobody serves, every enabled gateway down); `degraded` when anything else is not operational (one dead worker
 * among live ones, one gateway down while routing fails over, a backlog); `operational` otherwise.
 */
export function overallStatus(components: SystemComponent[]): ComponentStatus {
  const critical = components.filter(
    (c) => c.kind === 'postgresql' || c.kind === 'redis' || c.kind === 'queue' || c.kind === 'outbox',
  );
  const gateways = components.filter((c) => c.kind === 'gateway');
  if (worst(critical.map((c) => c.status)) === 'down') return 'down';
  if (gateways.length > 0 && gateways.every((g) => g.status === 'down')) return 'down';
  return worst(components.map((c) => c.status)) === 'operational' ? 'operational' : 'degraded';
}
