import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, type Logger, redisKey } from '@lsp/platform';
import { Database, raiseAlert, resolveAlertByFingerprint } from '@lsp/persistence';
import {
  DEAD_WORKER_RETENTION_MS,
  type WorkerHealth,
  publishStreamMessage,
  readWorkerHealth,
  serializeWorkerHeartbeat,
  toWorkerView,
  workerRegistryKey,
} from '@lsp/queues';
import { APP_CONFIG, LOGGER, REDIS } from '../core/tokens';

export const workerStaleFingerprint = (workerId: string): string => `worker-stale:${workerId}`;

/**
 * Classifies every worker by heartbeat age, keeps the registry that lets a dead worker be listed after its key
 * expired, alerts on transitions only (a worker stale for an hour is one alert, not 720 bumps) and publishes the
 * list on `worker-health`. `worker-stale:<id>` opens when a worker goes stale or dead and resolves when it beats
 * again or is reaped (an hour after its last beat).
 *
 * It runs on a timer in every workers process, whatever queues it serves, not as a scheduled BullMQ job: a
 * frozen process holding a scheduler's current job stops that schedule until BullMQ declares the job stalled,
 * which would silence exactly the check that should notice the frozen process. Each tick a short Redis lease
 * elects one process, so the check runs once per interval while any worker lives.
 */
@Injectable()
export class WorkerHealthMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.config.monitorIntervalMs);
    this.timer.unref();
  }

  /** Stops ticking and waits for a check in progress (before the process closes its connections). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    try {
      // Shorter than the interval: a process that froze holding it loses it before the next tick.
      const lease = Math.max(50, Math.floor(this.config.monitorIntervalMs * 0.8));
      const won = await this.redis.set(redisKey(this.config, 'lease', 'worker-health'), '1', 'PX', lease, 'NX');
      if (won !== 'OK') return;
      this.running = this.check();
      await this.running;
    } catch (err) {
      this.logger.warn({ err }, 'worker health check failed; retried next tick');
    } finally {
      this.running = null;
    }
  }

  async check(): Promise<{ workers: number; reaped: number }> {
    const health = await readWorkerHealth(this.redis, this.config, this.config.workerStaleAfterMs);
    const statusKey = redisKey(this.config, 'workers-status');
    const previous = await this.redis.hgetall(statusKey);
    const reaped = health.filter((w) => w.status === 'dead' && w.ageMs > DEAD_WORKER_RETENTION_MS);
    const listed = health.filter((w) => !reaped.includes(w));

    for (const worker of listed) {
      const before = previous[worker.heartbeat.id];
      if (before === worker.status) continue;
      if (worker.status !== 'healthy') await this.raise(worker);
      else if (before) await this.resolve(worker.heartbeat.id);
    }
    for (const worker of reaped) await this.resolve(worker.heartbeat.id);

    const update = this.redis.multi();
    for (const w of listed) {
      if (w.status !== 'dead')
        update.hset(workerRegistryKey(this.config), w.heartbeat.id, serializeWorkerHeartbeat(w.heartbeat));
      update.hset(statusKey, w.heartbeat.id, w.status);
    }
    // Reaped, or stopped gracefully (its heartbeat and registry entry removed by the process itself).
    const vanished = Object.keys(previous).filter((id) => !health.some((w) => w.heartbeat.id === id));
    for (const id of vanished) if (previous[id] !== 'healthy') await this.resolve(id);
    const gone = [...reaped.map((w) => w.heartbeat.id), ...vanished];
    if (gone.length > 0) {
      update.hdel(workerRegistryKey(this.config), ...gone).hdel(statusKey, ...gone);
    }
    await update.exec();
    if (reaped.length > 0) this.logger.info({ reaped: reaped.map((w) => w.heartbeat.id) }, 'dead workers reaped');

    await publishStreamMessage(this.redis, this.config, 'worker-health', {
      type: 'worker.health',
      data: { workers: listed.map(toWorkerView) },
    });
    return { workers: listed.length, reaped: reaped.length };
  }

  private async raise(worker: WorkerHealth): Promise<void> {
    const { id, host, pid } = worker.heartbeat;
    const seconds = Math.round(worker.ageMs / 1000);
    await this.db.platform((em) =>
      raiseAlert(em, {
        fingerprint: workerStaleFingerprint(id),
        severity: worker.status === 'dead' ? 'critical' : 'warning',
        source: 'workers/monitoring',
        title: worker.status === 'dead' ? `Worker ${id} is dead` : `Worker ${id} is stale`,
        message: `No heartbeat from ${host} pid ${pid} for ${seconds} s`,
        details: { workerId: id, host, pid, status: worker.status, lastHeartbeatAt: worker.heartbeat.lastBeatAt },
      }),
    );
    this.logger.warn({ workerId: id, status: worker.status, ageMs: worker.ageMs }, 'worker not beating');
  }

  private async resolve(workerId: string): Promise<void> {
    await this.db.platform((em) => resolveAlertByFingerprint(em, workerStaleFingerprint(workerId)));
  }
}
