import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { eventually } from '@lsp/testing';
import { WORKER_HEARTBEAT_TTL_MS, addJob, jobId, readWorkerHeartbeats, workerHeartbeatKey } from '@lsp/queues';
import { HeartbeatService } from '../src/core/heartbeat.service';
import { bootWorkers, clearPrefix, plainRedis, testConfig } from './helpers';

describe('worker heartbeat', () => {
  const config = testConfig('heartbeat', { WORKER_QUEUES: 'maintenance' });
  let app: INestApplicationContext | null = null;
  let redis: Redis;

  beforeAll(() => {
    redis = plainRedis(config);
  });

  afterEach(async () => {
    await app?.close();
    app = null;
  });

  afterAll(async () => {
    await clearPrefix(config);
    redis.disconnect();
  });

  it('publishes a heartbeat naming the served queues, with a TTL, and counts processed jobs', async () => {
    app = await bootWorkers(config, { heartbeatIntervalMs: 100 });
    const key = app.get(HeartbeatService).key;

    const [beat] = await eventually(async () => {
      const beats = await readWorkerHeartbeats(redis, config);
      return beats.length === 1 ? beats : undefined;
    });
    expect(key).toBe(workerHeartbeatKey(config, beat.id));
    expect(beat).toMatchObject({
      host: expect.any(String),
      pid: process.pid,
      queues: ['maintenance'],
      failed: 0,
      version: expect.any(String),
    });
    expect(Date.parse(beat.lastBeatAt)).toBeGreaterThanOrEqual(Date.parse(beat.startedAt));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WORKER_HEARTBEAT_TTL_MS);

    const queue = app.get<Queue>(getQueueToken('maintenance'));
    const before = beat.processed;
    const job = await addJob(
      queue,
      'maintenance',
      'verify-audit-chain',
      { trigger: 'manual' },
      {
        jobId: jobId('maintenance', 'verify-audit-chain', 'manual', 'heartbeat'),
      },
    );
    await eventually(async () => ((await job.getState()) === 'completed' ? true : undefined));
    await eventually(async () => {
      const [latest] = await readWorkerHeartbeats(redis, config);
      return latest && latest.processed > before && latest.lastBeatAt > beat.lastBeatAt ? latest : undefined;
    });
  });

  it('removes the heartbeat on graceful shutdown', async () => {
    const booted = await bootWorkers(config);
    const key = booted.get(HeartbeatService).key;
    await eventually(async () => ((await redis.exists(key)) === 1 ? true : undefined));
    await booted.close();
    expect(await redis.exists(key)).toBe(0);
    expect(await readWorkerHeartbeats(redis, config)).toEqual([]);
  });
});
