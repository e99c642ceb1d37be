import type { DefaultJobOptions, RedisOptions } from 'bullmq';
import type { AppConfig } from '@lsp/platform';
import { QUEUES, type QueueName } from './declarations';

/** Every BullMQ key lives under `<REDIS_PREFIX>:bull:…`, so two stacks or test runs can share one Redis. */
export function bullPrefix(config: Pick<AppConfig, 'redisPrefix'>): string {
  return `${config.redisPrefix}:bull`;
}

/**
 * Connection options for BullMQ built from REDIS_URL. Options rather than a shared client: BullMQ then owns its
 * connections (a blocking one per worker) and closes them with the queue or worker. `maxRetriesPerRequest: null`
 * is required by BullMQ workers.
 */
export function bullConnection(config: Pick<AppConfig, 'redisUrl' | 'redisPrefix'>, name = 'bull'): RedisOptions {
  const url = new URL(config.redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    // URL keeps IPv6 literals in brackets; ioredis wants them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    connectionName: `${config.redisPrefix}:${name}`,
    maxRetriesPerRequest: null,
  };
}

/** What `BullModule.registerQueue` (or `new Queue`) needs for a declared queue, apart from root options. */
export function queueRegistration(queue: QueueName): {
  name: QueueName;
  defaultJobOptions: DefaultJobOptions;
} {
  return { name: queue, defaultJobOptions: QUEUES[queue].defaultJobOptions };
}
