import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { eventually } from '@lsp/testing';
import { addJob, bullConnection, bullPrefix, jobId } from '@lsp/queues';
import { HeartbeatService } from '../src/core/heartbeat.service';
import { ProcessesJob, type JobProcessor } from '../src/core/job-processor';
import type { QueueWorkerHost } from '../src/core/queue-worker-host';
import { QUEUE_HOSTS } from '../src/core/tokens';
import { bootWorkers, clearPrefix, deferred, plainRedis, testConfig } from './helpers';

const started = deferred<Job>();
const release = deferred();

/** Stands in for a long job: runs until the test lets it finish. */
@Injectable()
@ProcessesJob('maintenance', 'verify-audit-chain')
class BlockingProcessor implements JobProcessor<'maintenance', 'verify-audit-chain'> {
  async process(_payload: unknown, job: Job): Promise<unknown> {
    started.resolve(job);
    await release.promise;
    return { finished: true };
  }
}

describe('graceful shutdown', () => {
  // Only the queue BlockingProcessor stands in for.
  const config = testConfig('shutdown', { WORKER_QUEUES: 'maintenance' });
  let app: INestApplicationContext;
  let redis: Redis;
  // The test's own producer: it outlives the workers' connections.
  let queue: Queue;

  beforeAll(() => {
    redis = plainRedis(config);
    queue = new Queue('maintenance', {
      connection: bullConnection(config, 'test'),
      prefix: bullPrefix(config),
    });
  });

  afterAll(async () => {
    release.resolve();
    await queue.close();
    await clearPrefix(config);
    redis.disconnect();
  });

  it('stops taking jobs, lets the running job finish, then removes the heartbeat', async () => {
    app = await bootWorkers(config, { processors: [BlockingProcessor] });
    const key = app.get(HeartbeatService).key;
    const [host] = app.get<QueueWorkerHost[]>(QUEUE_HOSTS);
    // The scheduler enqueues its first run at once; that run is our long job.
    const running = await started.promise;

    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    await eventually(async () => (host.worker.closing ? true : undefined));
    const late = await addJob(
      queue,
      'maintenance',
      'verify-audit-chain',
      { trigger: 'manual' },
      { jobId: jobId('maintenance', 'verify-audit-chain', 'manual', 'late') },
    );
    // Shutdown waits for the job in progress; the process is still visible meanwhile.
    expect(closed).toBe(false);
    expect(await queue.getJobState(running.id as string)).toBe('active');
    expect(await redis.exists(key)).toBe(1);

    release.resolve();
    await closing;
    expect(await queue.getJobState(running.id as string)).toBe('completed');
    expect(await queue.getJobState(late.id as string)).toBe('waiting');
    expect(await redis.exists(key)).toBe(0);
  });
});
