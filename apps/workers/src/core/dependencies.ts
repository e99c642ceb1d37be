import { Client } from 'pg';
import { Redis } from 'ioredis';
import { type AppConfig, type Logger, createFastFailRedis } from '@lsp/platform';
import { errorMessage } from './error-message';
import { StartupError } from './startup-error';

// PostgreSQL errors that waiting will not fix: bad password, unknown role or database.
const PERMANENT_PG_ERRORS = new Set(['28P01', '28000', '3D000']);

/** `postgres://user@host:port/db` without the password, for messages. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  u.password = '';
  return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

async function pingPostgres(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() rejects with a bare "Connection is closed"; the error event has the cause (ECONNREFUSED, auth…).
  let cause: Error | undefined;
  redis.on('error', (err: Error) => {
    cause = err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw cause ?? err;
  } finally {
    redis.disconnect();
  }
}

/**
 * Waits, for at most `timeoutMs`, until PostgreSQL (as the runtime role) and Redis answer. Short outages at
 * start (a container still booting) are retried; past the deadline, or on an error waiting cannot fix, it throws
 * a StartupError naming the dependency — never hangs.
 */
export async function waitForDependencies(
  config: Pick<AppConfig, 'appDatabaseUrl' | 'redisUrl'>,
  logger: Logger,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const checks: { name: string; url: string; ping: () => Promise<void> }[] = [
    {
      name: 'PostgreSQL',
      url: config.appDatabaseUrl,
      ping: () => pingPostgres(config.appDatabaseUrl, 2000),
    },
    {
      name: 'Redis',
      url: config.redisUrl,
      ping: () => pingRedis(config.redisUrl, 2000),
    },
  ];
  for (const check of checks) {
    for (let attempt = 1; ; attempt++) {
      try {
        await check.ping();
        break;
      } catch (err) {
        const reason = errorMessage(err);
        const code = (err as { code?: string }).code ?? '';
        const where = describeUrl(check.url);
        if (PERMANENT_PG_ERRORS.has(code)) {
          throw new StartupError(`${check.name} refused ${where}: ${reason}`);
        }
        if (Date.now() + 500 > deadline) {
          throw new StartupError(
            `${check.name} is unreachable at ${where} after ${Math.round(timeoutMs / 1000)} s: ${reason}`,
          );
        }
        if (attempt === 1) {
          logger.warn({ dependency: check.name, reason }, 'waiting for dependency');
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

/**
 * Opens the fail-fast Redis connection and waits (bounded) until it is ready, since a fail-fast client refuses
 * commands until then. Afterwards ioredis reconnects by itself after an outage.
 */
export async function connectRedis(config: AppConfig, name: string, timeoutMs = 10_000): Promise<Redis> {
  const redis = createFastFailRedis(config, name);
  // Outages are reported by readiness and the heartbeat; the listener keeps ioredis from printing each retry.
  redis.on('error', () => undefined);
  if (redis.status === 'ready') return redis;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      redis.disconnect();
      reject(
        new StartupError(
          `Redis is unreachable at ${describeUrl(config.redisUrl)} after ${Math.round(timeoutMs / 1000)} s`,
        ),
      );
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
  return redis;
}
