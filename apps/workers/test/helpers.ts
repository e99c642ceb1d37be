import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type AppConfig, createLogger, loadConfig } from '@lsp/platform';
import { WorkersModule, type WorkersOptions } from '../src/workers.module';

/**
 * Config for one test file: the run's database (from globalSetup) with a Redis prefix of its own, so BullMQ
 * queues, schedulers and heartbeats of one file never meet another's. Port 0: the OS picks a free health port.
 */
export function testConfig(label: string, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    REDIS_PREFIX: `${process.env['REDIS_PREFIX']}-${label}`,
    WORKERS_HEALTH_PORT: '0',
    // Long enough that only the run at scheduler creation happens during a test.
    AUDIT_VERIFY_EVERY: '1h',
    ...overrides,
  });
}

export async function bootWorkers(
  config: AppConfig,
  options: Partial<WorkersOptions> = {},
): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    WorkersModule.forRoot(config, {
      logger: createLogger('workers-test', config.logLevel),
      ...options,
    }),
    { logger: false, abortOnError: false },
  );
}

export function plainRedis(config: AppConfig): Redis {
  return new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
}

/** The global teardown clears `<run prefix>:*`; a file's own prefix needs its own sweep. */
export async function clearPrefix(config: AppConfig): Promise<void> {
  const redis = plainRedis(config);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redisPrefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
