import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { createLogger, loadConfig } from '@lsp/platform';
import { prepareDatabase } from '@lsp/persistence';

const OWNER_URL = process.env['TEST_DATABASE_OWNER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export const TEST_ADMIN_EMAIL = 'admin@test.lightspeedpay.local';
export const TEST_ADMIN_PASSWORD = 'test-admin-password-0001';

/**
 * Jest globalSetup: one fresh database (random name) and Redis prefix per test run, migrated once. The
 * environment variables set here are inherited by Jest's worker processes, which call `loadConfig()` as the
 * apps do. No fakes: the suites talk to the real PostgreSQL and Redis of this machine.
 */
export async function setupTestEnvironment(label: string): Promise<void> {
  const suffix = randomBytes(5).toString('hex');
  const dbName = `lsp_test_${label.replace(/[^a-z0-9]/gi, '_')}_${suffix}`;
  const dbUrl = new URL(OWNER_URL);
  dbUrl.pathname = `/${dbName}`;
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL,
    REDIS_PREFIX: `lsp_test_${label}_${suffix}`,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    BOOTSTRAP_ADMIN_EMAIL: TEST_ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    CONSOLE_DIST: '',
    // Every suite logs in from 127.0.0.1 as the same admin; the login limits get their own tests and Redis prefix.
    LOGIN_MAX_PER_IP: '100000',
    LOGIN_MAX_PER_EMAIL: '100000',
    // Suites drive sandbox failure scenarios (52, 55) through shared gateways and assert every attempt: a circuit
    // opened by another suite's failures would route around them. The breaker's own suites set a low threshold.
    CIRCUIT_FAILURE_THRESHOLD: '1000',
    // Every suite that boots the workers would otherwise create the day's T+1/T+2 runs in the shared database and
    // settle other suites' merchants; the settlement suites create their runs themselves.
    SETTLEMENT_SCHEDULES: 'false',
  });
  await prepareDatabase(loadConfig(), createLogger('test-setup', 'warn'));
}

/** Jest globalTeardown: drop the run's database and every Redis key under its prefix. */
export async function teardownTestEnvironment(): Promise<void> {
  const dbName = new URL(process.env['DATABASE_URL'] ?? '').pathname.slice(1);
  const prefix = process.env['REDIS_PREFIX'];
  if (dbName.startsWith('lsp_test_')) {
    const client = new Client({ connectionString: OWNER_URL });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  if (prefix?.startsWith('lsp_test_')) {
    const redis = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. For async effects; never sleep. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
