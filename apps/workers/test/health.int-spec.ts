import type { INestApplicationContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createLogger } from '@lsp/platform';
import { Database, dataSourceFor } from '@lsp/persistence';
import { eventually } from '@lsp/testing';
import { connectRedis } from '../src/core/dependencies';
import { HealthChecker, type ReadinessReport } from '../src/core/health/health-checker';
import { HealthServer } from '../src/core/health/health-server';
import { bootWorkers, clearPrefix, testConfig } from './helpers';
import { TcpProxy, viaProxy } from '@lsp/testing';

async function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, body: await res.json() };
}

describe('health endpoints', () => {
  const config = testConfig('health');
  const logger = createLogger('health-test', 'silent');
  let app: INestApplicationContext;
  let port: number;

  beforeAll(async () => {
    app = await bootWorkers(config);
    port = app.get(HealthServer).port() as number;
  });

  afterAll(async () => {
    await app.close();
    await clearPrefix(config);
  });

  it('answers liveness', async () => {
    expect(await get(port, '/health/live')).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('answers readiness when PostgreSQL, Redis and migrations are fine', async () => {
    const { status, body } = await get(port, '/health/ready');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      error: {},
      details: {
        postgres: { status: 'up' },
        redis: { status: 'up' },
        migrations: { status: 'up' },
      },
    });
  });

  it('serves nothing else', async () => {
    expect((await get(port, '/api/v1/payments')).status).toBe(404);
    expect((await get(port, '/health/ready', 'POST')).status).toBe(405);
  });

  it('answers 503 naming the failed check when Redis is unreachable', async () => {
    const redis = await connectRedis(config, 'health-test');
    // A client whose server has gone: fail-fast, so PING fails at once instead of queueing.
    const unreachable = redis.duplicate({ port: 1, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    redis.disconnect();
    const server = new HealthServer(new HealthChecker(app.get(Database), unreachable as Redis), logger);
    const unreachablePort = await server.listen(0);
    try {
      const { status, body } = await get(unreachablePort, '/health/ready');
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: 'error',
        info: { postgres: { status: 'up' }, migrations: { status: 'up' } },
        error: { redis: { status: 'down', message: expect.any(String) } },
      });
    } finally {
      await server.close();
      unreachable.disconnect();
    }
  });

  it('reports pending migrations as not ready', async () => {
    const db = app.get(Database);
    const behind = Object.create(db) as Database;
    behind.pendingMigrations = async () => ['Payments1764200000000'];
    const report = await new HealthChecker(behind, {
      ping: async () => 'PONG',
    }).ready();
    expect(report.status).toBe('error');
    expect(report.error.migrations).toEqual({
      status: 'down',
      message: '1 migration(s) not applied',
      pending: ['Payments1764200000000'],
    });
  });

  it('turns not ready while PostgreSQL and Redis are down, and ready again by itself when they return', async () => {
    const pg = new TcpProxy('127.0.0.1', Number(new URL(config.appDatabaseUrl).port || 5432));
    const rd = new TcpProxy('127.0.0.1', Number(new URL(config.redisUrl).port || 6379));
    const proxied = {
      ...config,
      appDatabaseUrl: viaProxy(config.appDatabaseUrl, await pg.start()),
      redisUrl: viaProxy(config.redisUrl, await rd.start()),
    };
    const dataSource = dataSourceFor(proxied, 'app', 2);
    await dataSource.initialize();
    const redis = await connectRedis(proxied, 'health-proxy');
    const checker = new HealthChecker(new Database(dataSource), redis, 1000);
    try {
      expect((await checker.ready()).status).toBe('ok');

      await Promise.all([pg.cut(), rd.cut()]);
      const down = await eventually(async () => {
        const report = await checker.ready();
        return report.error.postgres && report.error.redis ? report : undefined;
      });
      expect(down.status).toBe('error');

      await Promise.all([pg.restore(), rd.restore()]);
      const up: ReadinessReport = await eventually(async () => {
        const report = await checker.ready();
        return report.status === 'ok' ? report : undefined;
      }, 15_000);
      expect(up.error).toEqual({});
    } finally {
      redis.disconnect();
      await dataSource.destroy().catch(() => undefined);
      await Promise.all([pg.cut(), rd.cut()]);
    }
  });
});
