import type { INestApplicationContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { SystemStatusView, WorkerView } from '@lsp/contracts';
import { Database, dataSourceFor, sql } from '@lsp/persistence';
import {
  QUEUE_NAMES,
  WORKER_HEARTBEAT_TTL_MS,
  type StreamMessage,
  type WorkerHeartbeat,
  recentQueueSamplesKey,
  serializeWorkerHeartbeat,
  streamBufferKey,
  systemStatusKey,
  workerHeartbeatKey,
  workerRegistryKey,
} from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { HealthServer } from '../src/core/health/health-server';
import { HeartbeatService } from '../src/core/heartbeat.service';
import { bootWorkers, clearPrefix, plainRedis, testConfig } from './helpers';

/**
 * The monitoring queue's samplers in a real workers process (fast intervals): queue metrics into Redis, PostgreSQL
 * and the `queue-stats` stream; worker health with stale/dead classification and its alert; the system status
 * snapshot, stream and `/metrics` gauges.
 */
describe('monitoring samplers', () => {
  const config = testConfig('monitoring', {
    WORKER_QUEUES: 'monitoring,maintenance',
    MONITOR_INTERVAL: '200ms',
    WORKER_STALE_AFTER: '10s',
  });
  const db = new Database(dataSourceFor(config, 'app', 2));
  let app: INestApplicationContext;
  let redis: Redis;

  beforeAll(async () => {
    await db.dataSource.initialize();
    redis = plainRedis(config);
    app = await bootWorkers(config, { heartbeatIntervalMs: 200 });
  });
  afterAll(async () => {
    await app.close();
    await clearPrefix(config);
    redis.disconnect();
    await db.dataSource.destroy();
  });

  const latest = async <T>(
    stream: 'queue-stats' | 'worker-health' | 'system-status',
  ): Promise<StreamMessage<T> | undefined> => {
    const [entry] = await redis.xrevrange(streamBufferKey(config, stream), '+', '-', 'COUNT', 1);
    return entry ? ({ id: entry[0], ...JSON.parse(entry[1][1]) } as StreamMessage<T>) : undefined;
  };
  const alert = async (fingerprint: string) =>
    (
      await db.platform((em) =>
        sql<{ status: string; severity: string }>(
          em,
          `SELECT status, severity FROM alerts WHERE fingerprint = $1 ORDER BY first_seen_at DESC LIMIT 1`,
          [fingerprint],
        ),
      )
    )[0];

  it('samples every queue into Redis, queue_metric_samples and the queue-stats stream', async () => {
    const message = await eventually(() => latest<{ queues: { name: string; isPaused: boolean }[] }>('queue-stats'));
    expect(message.type).toBe('queue.stats');
    expect(message.data.queues.map((q) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(message.data.queues[0]).toEqual({
      name: expect.any(String),
      waiting: expect.any(Number),
      active: expect.any(Number),
      completed: expect.any(Number),
      failed: expect.any(Number),
      delayed: expect.any(Number),
      paused: expect.any(Number),
      isPaused: false,
    });
    const rows = await eventually(async () => {
      const r = await db.platform((em) =>
        sql<{ queue: string; n: string }>(em, `SELECT queue, count(*) AS n FROM queue_metric_samples GROUP BY queue`),
      );
      return r.length === QUEUE_NAMES.length ? r : undefined;
    });
    expect(rows.map((r) => r.queue).sort()).toEqual([...QUEUE_NAMES].sort());
    const recent = await redis.lrange(recentQueueSamplesKey(config, 'monitoring'), 0, -1);
    expect(recent.length).toBeGreaterThan(0);
    // The monitoring queue itself completes a job every tick: its total keeps growing.
    expect(JSON.parse(recent[0])).toMatchObject({ queue: 'monitoring', completedTotal: expect.any(Number) });
  });

  it('classifies workers by heartbeat age and alerts when one goes stale, then dead; resolves when it beats', async () => {
    const selfId = app.get(HeartbeatService).snapshot().id;
    const ghost: WorkerHeartbeat = {
      id: 'ghost-host-4242-abcdef',
      host: 'ghost-host',
      pid: 4242,
      queues: ['payments'],
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      lastBeatAt: new Date().toISOString(),
      processed: 7,
      failed: 1,
      version: 'test',
      activeJobs: 2,
      memory: { rss: 1000, heapUsed: 500 },
    };
    const beat = (lastBeatAt: Date) =>
      redis.set(
        workerHeartbeatKey(config, ghost.id),
        serializeWorkerHeartbeat({ ...ghost, lastBeatAt: lastBeatAt.toISOString() }),
        'PX',
        WORKER_HEARTBEAT_TTL_MS,
      );
    const statusOf = async (id: string, status: string) => {
      const m = await latest<{ workers: WorkerView[] }>('worker-health');
      const w = m?.data.workers.find((x) => x.id === id);
      return w?.status === status ? w : undefined;
    };

    await beat(new Date());
    const healthy = await eventually(() => statusOf(ghost.id, 'healthy'));
    expect(healthy).toMatchObject({ host: 'ghost-host', pid: 4242, jobsProcessed: 7, jobsFailed: 1, currentJobs: 2 });
    expect(healthy.memory).toEqual({ rssBytes: 1000, heapUsedBytes: 500 });
    await eventually(() => statusOf(selfId, 'healthy'));

    // It stops beating: its last beat ages past WORKER_STALE_AFTER.
    await beat(new Date(Date.now() - 15_000));
    await eventually(() => statusOf(ghost.id, 'stale'));
    expect(await eventually(() => alert(`worker-stale:${ghost.id}`))).toEqual({ status: 'open', severity: 'warning' });

    await beat(new Date());
    await eventually(() => statusOf(ghost.id, 'healthy'));
    await eventually(async () => ((await alert(`worker-stale:${ghost.id}`))?.status === 'resolved' ? true : undefined));

    // Its key expires: still listed, now dead, from the registry.
    await redis.del(workerHeartbeatKey(config, ghost.id));
    await eventually(() => statusOf(ghost.id, 'dead'));
    expect(await redis.hexists(workerRegistryKey(config), ghost.id)).toBe(1);
    expect(
      await eventually(async () => {
        const a = await alert(`worker-stale:${ghost.id}`);
        return a?.status === 'open' ? a : undefined;
      }),
    ).toEqual({ status: 'open', severity: 'critical' });
  });

  it('stores and publishes the system status and exports it in /metrics', async () => {
    // A check that began after the previous test left its ghost worker dead.
    const since = Date.now();
    const status = await eventually(async () => {
      const text = await redis.get(systemStatusKey(config));
      const s = text ? (JSON.parse(text) as SystemStatusView) : undefined;
      return s && Date.parse(s.checkedAt) > since + 500 ? s : undefined;
    });
    const byName = new Map(status.components.map((c) => [c.name, c]));
    expect(byName.get('postgresql')).toMatchObject({
      status: 'operational',
      metrics: { latencyMs: expect.any(Number) },
    });
    expect(byName.get('redis')).toMatchObject({ status: 'operational', metrics: { maxmemoryPolicy: 'noeviction' } });
    expect(byName.get('outbox')?.status).toBe('operational');
    expect(byName.get('queue:monitoring')?.status).toBe('operational');
    // This process serves monitoring and maintenance only: nobody takes payments or events jobs.
    expect(byName.get('queue:payments')).toMatchObject({ status: 'down', detail: 'no live worker serves this queue' });
    expect(status.status).toBe('down');
    const self = app.get(HeartbeatService).snapshot().id;
    expect(byName.get(`worker:${self}`)?.status).toBe('operational');

    const published = await eventually(() => latest<SystemStatusView>('system-status'));
    expect(published.type).toBe('system.status');
    expect(published.data.components.length).toBeGreaterThan(3);

    const port = app.get(HealthServer).port() as number;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^lsp_system_status 2$/m);
    expect(metrics).toMatch(/^lsp_system_component_status\{component="queue:payments",kind="queue"\} 2$/m);
    expect(metrics).toMatch(/^lsp_system_component_status\{component="postgresql",kind="postgresql"\} 0$/m);
  });
});
