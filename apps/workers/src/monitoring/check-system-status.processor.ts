import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { SystemComponent, SystemStatusView } from '@lsp/contracts';
import type { AppConfig } from '@lsp/platform';
import { Database } from '@lsp/persistence';
import {
  DEAD_WORKER_RETENTION_MS,
  type ScheduledRunPayload,
  publishStreamMessage,
  readWorkerHealth,
  systemStatusKey,
} from '@lsp/queues';
import { ProcessesJob, type JobProcessor } from '../core/job-processor';
import { APP_CONFIG, REDIS } from '../core/tokens';
import { DeclaredQueues } from '../core/declared-queues';
import {
  overallStatus,
  probeGateways,
  probeOutbox,
  probePostgres,
  probeQueue,
  probeRedis,
  workerComponent,
} from './system-status-probes';

/**
 * The System Status Checker: probes PostgreSQL, Redis, every queue, worker and enabled gateway, and the outbox;
 * stores the result in Redis (what `GET /admin/system-status` and every process's `/metrics` read) and publishes
 * it on `system-status`. A failing probe marks its component down; the check itself still completes.
 */
@Injectable()
@ProcessesJob('monitoring', 'check-system-status')
export class CheckSystemStatusProcessor implements JobProcessor<'monitoring', 'check-system-status'> {
  constructor(
    @Inject(DeclaredQueues) private readonly queues: DeclaredQueues,
    @Inject(Database) private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async process(_payload: ScheduledRunPayload): Promise<{ status: string }> {
    const status = await this.check();
    await this.redis.set(
      systemStatusKey(this.config),
      JSON.stringify(status),
      'PX',
      Math.max(60_000, this.config.monitorIntervalMs * 20),
    );
    await publishStreamMessage(this.redis, this.config, 'system-status', { type: 'system.status', data: status });
    return { status: status.status };
  }

  async check(): Promise<SystemStatusView> {
    const thresholds = { queueBacklogWarn: this.config.queueBacklogWarn, outboxLagWarnMs: this.config.outboxLagWarnMs };
    const workers = (await readWorkerHealth(this.redis, this.config, this.config.workerStaleAfterMs)).filter(
      (w) => w.status !== 'dead' || w.ageMs <= DEAD_WORKER_RETENTION_MS,
    );
    const [postgres, redis, outbox, gateways, ...queues] = await Promise.all([
      probePostgres(this.db),
      probeRedis(this.redis),
      probeOutbox(this.db, thresholds),
      probeGateways(this.db).catch((): SystemComponent[] => []),
      ...this.queues.all().map(({ name, queue }) => probeQueue(name, queue, workers, thresholds)),
    ]);
    const components = [postgres, redis, outbox, ...queues, ...workers.map(workerComponent), ...gateways];
    return { status: overallStatus(components), checkedAt: new Date().toISOString(), components };
  }
}
