import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { eventually } from '@lsp/testing';
import { bullConnection, bullPrefix } from '@lsp/queues';
import { bootWorkers, clearPrefix, testConfig } from './helpers';

describe('job schedules', () => {
  const config = testConfig('schedules');
  let queue: Queue;
  const apps: INestApplicationContext[] = [];

  async function schedulerState(): Promise<{
    ids: string[];
    every: (number | undefined)[];
    pending: number;
  }> {
    const schedulers = await queue.getJobSchedulers();
    const counts = await queue.getJobCounts('delayed', 'waiting', 'prioritized');
    return {
      ids: schedulers.map((s) => s.key),
      every: schedulers.map((s) => s.every),
      pending: counts['delayed'] + counts['waiting'] + counts['prioritized'],
    };
  }

  beforeAll(() => {
    queue = new Queue('maintenance', {
      connection: bullConnection(config, 'test'),
      prefix: bullPrefix(config),
    });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await queue.close();
    await clearPrefix(config);
  });

  it('keeps one audit-chain scheduler however many workers boot, and drops undeclared ones', async () => {
    await queue.upsertJobScheduler('obsolete-job', { every: 60_000 }, { name: 'obsolete-job', data: {} });

    const first = await bootWorkers(config);
    await first.close();
    apps.push(...(await Promise.all([bootWorkers(config), bootWorkers(config)])));

    const state = await eventually(async () => {
      const s = await schedulerState();
      // Each scheduler keeps exactly one next run pending once the immediate first run has been taken.
      return s.pending === 1 ? s : undefined;
    });
    expect(state).toEqual({
      ids: ['verify-audit-chain'],
      every: [3_600_000],
      pending: 1,
    });
    expect(await queue.getJobSchedulersCount()).toBe(1);
  });
});
