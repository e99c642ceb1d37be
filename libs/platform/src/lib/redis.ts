import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from './config';

/**
 * One way to open Redis. `maxRetriesPerRequest: null` is what BullMQ requires for its blocking connections and
 * also keeps a short Redis outage from failing every command at once: callers that must fail fast (readiness,
 * rate limits) use `commandTimeout` through `fastFail`.
 */
export function createRedis(config: AppConfig, name: string, options: RedisOptions = {}): Redis {
  return new Redis(config.redisUrl, {
    connectionName: `${config.redisPrefix}:${name}`,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...options,
  });
}

/** A connection for request-path commands: fails within a second instead of queueing while Redis is down. */
export function createFastFailRedis(config: AppConfig, name: string): Redis {
  return createRedis(config, name, { maxRetriesPerRequest: 1, commandTimeout: 1000, enableOfflineQueue: false });
}

/** Every key we write is namespaced so two stacks (or two test runs) can share one Redis. */
export function redisKey(config: Pick<AppConfig, 'redisPrefix'>, ...parts: string[]): string {
  return [config.redisPrefix, ...parts].join(':');
}
