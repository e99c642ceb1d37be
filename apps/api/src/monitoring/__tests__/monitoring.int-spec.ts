import { Redis } from 'ioredis';
import type { ListResponse, SystemStatusView, WorkerView } from '@lsp/contracts';
import {
  type WorkerHeartbeat,
  serializeWorkerHeartbeat,
  systemStatusKey,
  workerHeartbeatKey,
  workerRegistryKey,
} from '@lsp/queues';
import { ApiHarness, expectError } from '../../../test/api-harness';

/**
 * Worker list and system status (API.md §10) as the API reads them from Redis: heartbeats (as the workers write
 * them), the workers' registry, and the checker's snapshot. The samplers themselves are tested in the workers app.
 */
describe('admin workers and system status', () => {
  let api: ApiHarness;
  let admin: string;
  let finance: string;
  let redis: Redis;
  const config = { redisPrefix: process.env['REDIS_PREFIX'] as string };

  beforeAll(async () => {
    api = await ApiHarness.start({ WORKER_STALE_AFTER: '10s', MONITOR_INTERVAL: '1s' });
    admin = (await api.login()).accessToken;
    const u = await api.createUser(admin, ['finance']);
    finance = (await api.login(u.email, u.password)).accessToken;
    redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await redis.del(systemStatusKey(config), workerRegistryKey(config));
    redis.disconnect();
    await api.close();
  });

  const heartbeat = (id: string, ageMs: number): WorkerHeartbeat => ({
    id,
    host: 'box',
    pid: 100,
    queues: ['payments', 'events'],
    startedAt: new Date(Date.now() - 600_000).toISOString(),
    lastBeatAt: new Date(Date.now() - ageMs).toISOString(),
    processed: 12,
    failed: 3,
    version: '1.0.0',
    activeJobs: 1,
    memory: { rss: 2048, heapUsed: 1024 },
  });

  it('lists workers as healthy, stale or dead by heartbeat age', async () => {
    const put = (h: WorkerHeartbeat) =>
      redis.set(workerHeartbeatKey(config, h.id), serializeWorkerHeartbeat(h), 'PX', 30_000);
    await put(heartbeat('box-1-aaaaaa', 1_000));
    await put(heartbeat('box-2-bbbbbb', 20_000));
    // Its key expired; the registry still knows it.
    await redis.hset(
      workerRegistryKey(config),
      'box-3-cccccc',
      serializeWorkerHeartbeat(heartbeat('box-3-cccccc', 40_000)),
    );

    const res = await api.request<ListResponse<WorkerView>>('GET', '/api/v1/admin/workers', { token: admin });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.data.map((w) => [w.id, w]));
    expect(byId.get('box-1-aaaaaa')).toMatchObject({
      status: 'healthy',
      host: 'box',
      pid: 100,
      queues: ['payments', 'events'],
      jobsProcessed: 12,
      jobsFailed: 3,
      currentJobs: 1,
      memory: { rssBytes: 2048, heapUsedBytes: 1024 },
      version: '1.0.0',
    });
    expect(byId.get('box-1-aaaaaa')?.heartbeatAgeMs).toBeLessThan(10_000);
    expect(byId.get('box-2-bbbbbb')?.status).toBe('stale');
    expect(byId.get('box-3-cccccc')).toMatchObject({ status: 'dead', currentJobs: 0 });
    expectError(await api.request('GET', '/api/v1/admin/workers', { token: finance }), 403, 'permission_error');
  });

  it('says the status is down when no checker has reported, and serves the latest snapshot', async () => {
    await redis.del(systemStatusKey(config));
    const none = await api.request<SystemStatusView>('GET', '/api/v1/admin/system-status', { token: admin });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ status: 'down', components: [{ name: 'status-checker', status: 'down' }] });
    expect(await api.request('GET', '/metrics')).toMatchObject({
      body: expect.stringMatching(/^lsp_system_status 2$/m),
    });

    const snapshot: SystemStatusView = {
      status: 'degraded',
      checkedAt: new Date().toISOString(),
      components: [
        { name: 'postgresql', kind: 'postgresql', status: 'operational', detail: 'answers in 2 ms', metrics: {} },
        { name: 'redis', kind: 'redis', status: 'degraded', detail: 'maxmemory-policy is allkeys-lru', metrics: {} },
      ],
    };
    await redis.set(systemStatusKey(config), JSON.stringify(snapshot));
    const res = await api.request<SystemStatusView>('GET', '/api/v1/admin/system-status', { token: admin });
    expect(res.body).toEqual(snapshot);
    const metrics = (await api.request<string>('GET', '/metrics')).body;
    expect(metrics).toMatch(/^lsp_system_status 1$/m);
    expect(metrics).toMatch(/^lsp_system_component_status\{component="redis",kind="redis"\} 1$/m);
    expectError(await api.request('GET', '/api/v1/admin/system-status', { token: finance }), 403, 'permission_error');
  });

  it('flags a snapshot several checks old instead of presenting it as current', async () => {
    const old: SystemStatusView = {
      status: 'operational',
      checkedAt: new Date(Date.now() - 60_000).toISOString(),
      components: [{ name: 'postgresql', kind: 'postgresql', status: 'operational', detail: 'ok', metrics: {} }],
    };
    await redis.set(systemStatusKey(config), JSON.stringify(old));
    const res = await api.request<SystemStatusView>('GET', '/api/v1/admin/system-status', { token: admin });
    expect(res.body.status).toBe('degraded');
    expect(res.body.components.find((c) => c.name === 'status-checker')).toMatchObject({ status: 'degraded' });
  });
});
