import type { Redis } from 'ioredis';
import type { AppConfig, Logger } from '@lsp/platform';
import {
  type OutboxRelayStatus,
  WORKER_HEARTBEAT_TTL_MS,
  serializeWorkerHeartbeat,
  workerHeartbeatKey,
  workerRegistryKey,
  type WorkerHeartbeat,
} from '@lsp/queues';
import type { WorkerStats } from './worker-stats';

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  startedAt: Date;
  version: string;
}

/**
 * Writes this process's heartbeat every interval with a TTL: the API lists live workers from these keys, and a
 * process that dies without cleaning up drops out when its key expires. A Redis outage only logs; beats resume
 * when Redis is back.
 */
export class HeartbeatService {
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly config: Pick<AppConfig, 'redisPrefix'>,
    private readonly identity: WorkerIdentity,
    private readonly stats: WorkerStats,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    /** The process's outbox relay, whose lag each beat reports; null when it runs none. */
    private readonly outbox: { readonly status: OutboxRelayStatus | null } | null = null,
  ) {}

  get key(): string {
    return workerHeartbeatKey(this.config, this.identity.id);
  }

  snapshot(now = new Date()): WorkerHeartbeat {
    return {
      id: this.identity.id,
      host: this.identity.host,
      pid: this.identity.pid,
      queues: this.identity.queues,
      startedAt: this.identity.startedAt.toISOString(),
      lastBeatAt: now.toISOString(),
      processed: this.stats.processed,
      failed: this.stats.failed,
      version: this.identity.version,
      ...(this.outbox?.status ? { outbox: this.outbox.status } : {}),
      activeJobs: this.stats.active,
      memory: { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed },
    };
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes one heartbeat now; overlapping calls share the write in flight. */
  beat(): Promise<void> {
    this.inflight ??= this.write().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /**
   * Stops beating and removes the key and the registry entry, so the worker disappears from the admin list at
   * once: a process stopped on purpose is gone, not `dead`.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inflight;
    try {
      await this.redis.multi().del(this.key).hdel(workerRegistryKey(this.config), this.identity.id).exec();
    } catch (err) {
      this.logger.warn({ err }, 'could not remove heartbeat; it expires by itself');
    }
  }

  private async write(): Promise<void> {
    try {
      await this.redis.set(this.key, serializeWorkerHeartbeat(this.snapshot()), 'PX', WORKER_HEARTBEAT_TTL_MS);
    } catch (err) {
      this.logger.warn({ err }, 'heartbeat not written');
    }
  }
}
