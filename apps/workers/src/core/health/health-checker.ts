import type { Redis } from 'ioredis';
import type { Database } from '@lsp/persistence';
import { errorMessage } from '../error-message';

export type CheckName = 'postgres' | 'redis' | 'migrations';

export interface CheckResult {
  status: 'up' | 'down';
  message?: string;
  pending?: string[];
}

/** Shaped like @nestjs/terminus' report so the API's and the workers' readiness read alike. */
export interface ReadinessReport {
  status: 'ok' | 'error';
  info: Partial<Record<CheckName, CheckResult>>;
  error: Partial<Record<CheckName, CheckResult>>;
  details: Record<CheckName, CheckResult>;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Readiness of a worker process: PostgreSQL answers through the runtime role, Redis answers PING, and the schema
 * has every migration this build knows. Each probe uses the process's own pooled connections, which reconnect by
 * themselves, so readiness returns to 200 when a dependency comes back without restarting the process.
 */
export class HealthChecker {
  constructor(
    private readonly db: Database,
    private readonly redis: Pick<Redis, 'ping'>,
    private readonly timeoutMs = 2000,
  ) {}

  async ready(): Promise<ReadinessReport> {
    const [postgres, redis, migrations] = await Promise.all([
      this.probe('postgres', async () => {
        await this.db.platform((em) => em.query('SELECT 1'));
        return { status: 'up' as const };
      }),
      this.probe('redis', async () => {
        const pong = await this.redis.ping();
        if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
        return { status: 'up' as const };
      }),
      this.probe('migrations', async () => {
        const pending = await this.db.pendingMigrations();
        return pending.length === 0
          ? { status: 'up' as const }
          : {
              status: 'down' as const,
              message: `${pending.length} migration(s) not applied`,
              pending,
            };
      }),
    ]);
    const details = { postgres, redis, migrations };
    const info: ReadinessReport['info'] = {};
    const error: ReadinessReport['error'] = {};
    for (const [name, result] of Object.entries(details) as [CheckName, CheckResult][]) {
      (result.status === 'up' ? info : error)[name] = result;
    }
    return {
      status: Object.keys(error).length === 0 ? 'ok' : 'error',
      info,
      error,
      details,
    };
  }

  private async probe(name: CheckName, check: () => Promise<CheckResult>): Promise<CheckResult> {
    try {
      return await withTimeout(check(), this.timeoutMs, name);
    } catch (err) {
      return { status: 'down', message: errorMessage(err) };
    }
  }
}
