import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { Database } from '@lsp/persistence';
import { Public } from '../auth/access.decorators';
import { REDIS } from '../core/infra/tokens';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** The process is up and its event loop answers. Never touches a dependency: restarting would not help them. */
  @Get('live')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready to serve: PostgreSQL answers as lsp_app, Redis answers, and the schema has every migration. */
  @Get('ready')
  @Public()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.probe('database', () => this.db.dataSource.query('SELECT 1')),
        () => this.probe('redis', () => this.redis.ping()),
        () =>
          this.probe('migrations', async () => {
            const pending = await this.db.pendingMigrations();
            if (pending.length) throw new Error(`pending: ${pending.join(', ')}`);
          }),
      ]);
    } catch (e) {
      if (e instanceof ServiceUnavailableException) {
        void reply.status(503);
        return e.getResponse() as HealthCheckResult;
      }
      throw e;
    }
  }

  private async probe(key: string, check: () => Promise<unknown>) {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(check(), CHECK_TIMEOUT_MS);
      return indicator.up();
    } catch (e) {
      return indicator.down({ message: (e as Error).message.slice(0, 200) });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
