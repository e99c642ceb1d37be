import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { type AppConfig, type Logger, createFastFailRedis, createRedis } from '@lsp/platform';
import { Database, dataSourceFor } from '@lsp/persistence';
import { APP_CONFIG, LOGGER, REDIS, REDIS_SUBSCRIBER } from './tokens';

export interface Infra {
  config: AppConfig;
  logger: Logger;
  dataSource: DataSource;
  redis: Redis;
  subscriber: Redis;
}

/**
 * Process-wide resources, opened once in main.ts (so a dead dependency fails the boot with one clear line) and
 * handed to Nest as values.
 */
@Global()
@Module({})
export class InfraModule implements OnApplicationShutdown {
  static forRoot(infra: Infra): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: APP_CONFIG, useValue: infra.config },
        { provide: LOGGER, useValue: infra.logger },
        { provide: Database, useValue: new Database(infra.dataSource) },
        { provide: REDIS, useValue: infra.redis },
        { provide: REDIS_SUBSCRIBER, useValue: infra.subscriber },
      ],
      exports: [APP_CONFIG, LOGGER, Database, REDIS, REDIS_SUBSCRIBER],
    };
  }

  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    this.subscriber.disconnect();
    if (this.db.dataSource.isInitialized) await this.db.dataSource.destroy();
  }
}

/** Opens every dependency or throws a one-line reason; bounded so a dead dependency never hangs the boot. */
export async function openInfra(config: AppConfig, logger: Logger): Promise<Infra> {
  const dataSource = dataSourceFor(config, 'app');
  try {
    await dataSource.initialize();
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${redactUrl(config.appDatabaseUrl)} as lsp_app: ${(e as Error).message}`,
    );
  }
  const redis = createFastFailRedis(config, 'api');
  const subscriber = createRedis(config, 'api-sub');
  try {
    await Promise.all([waitReady(redis, 5000), waitReady(subscriber, 5000)]);
  } catch (e) {
    redis.disconnect();
    subscriber.disconnect();
    await dataSource.destroy();
    throw new Error(`Redis is not reachable at ${redactUrl(config.redisUrl)}: ${(e as Error).message}`);
  }
  logger.debug('infrastructure ready');
  return { config, logger, dataSource, redis, subscriber };
}

function waitReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
    // Errors while connecting are retried by ioredis; the timeout decides when to give up.
    redis.on('error', () => undefined);
  });
}

export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
