import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ComponentStatus, ListResponse, SystemStatusView, WorkerView } from '@lsp/contracts';
import { type AppConfig, registerSystemStatusGauges } from '@lsp/platform';
import { readWorkerHealth, systemStatusKey, toWorkerView } from '@lsp/queues';
import { APP_CONFIG, REDIS } from '../core/infra/tokens';
import { metricsRegistry } from '../metrics/metrics';

const RANK: Record<ComponentStatus, number> = { operational: 0, degraded: 1, down: 2 };

/** Workers by heartbeat, and the system status the workers' checker last wrote (also exported in /metrics). */
@Injectable()
export class MonitoringService implements OnModuleInit {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    registerSystemStatusGauges(metricsRegistry, () => this.snapshot());
  }

  async workers(): Promise<ListResponse<WorkerView>> {
    const health = await readWorkerHealth(this.redis, this.config, this.config.workerStaleAfterMs);
    return { object: 'list', data: health.map(toWorkerView), hasMore: false };
  }

  /**
   * The checker's latest snapshot. The checker runs in the workers every MONITOR_INTERVAL × 2; when its snapshot
   * is missing or several runs old, the status says so instead of showing an old "operational" as current.
   */
  async systemStatus(): Promise<SystemStatusView> {
    const snapshot = await this.snapshot();
    const maxAgeMs = this.config.monitorIntervalMs * 2 * 3;
    if (!snapshot) {
      return {
        status: 'down',
        checkedAt: new Date().toISOString(),
        components: [
          {
            name: 'status-checker',
            kind: 'checker',
            status: 'down',
            detail: 'No system status has been reported: no worker serves the monitoring queue',
            metrics: {},
          },
        ],
      };
    }
    const ageMs = Date.now() - Date.parse(snapshot.checkedAt);
    if (ageMs <= maxAgeMs) return snapshot;
    const components = [
      ...snapshot.components,
      {
        name: 'status-checker',
        kind: 'checker' as const,
        status: 'degraded' as const,
        detail: `The last status check is ${Math.round(ageMs / 1000)} s old: the monitoring queue is not being served`,
        metrics: { ageMs },
      },
    ];
    const status = components.reduce<ComponentStatus>(
      (worst, c) => (RANK[c.status] > RANK[worst] ? c.status : worst),
      snapshot.status,
    );
    return { ...snapshot, status: RANK[status] > RANK['degraded'] ? status : 'degraded', components };
  }

  private async snapshot(): Promise<SystemStatusView | null> {
    const text = await this.redis.get(systemStatusKey(this.config));
    if (!text) return null;
    try {
      const value = JSON.parse(text) as SystemStatusView;
      return typeof value.checkedAt === 'string' && Array.isArray(value.components) ? value : null;
    } catch {
      return null;
    }
  }
}
