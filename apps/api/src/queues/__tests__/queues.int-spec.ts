import { type Job, Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import type {
  AuditLogView,
  ListResponse,
  QueueCleanResponse,
  QueueHistoryResponse,
  QueueJobRow,
  QueueJobView,
  QueueRetryResponse,
  QueueStatsResponse,
  QueueSummary,
} from '@lsp/contracts';
import { QUEUE_NAMES, bullConnection, bullPrefix } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { ApiHarness, expectError } from '../../../test/api-harness';
import { REDACTED } from '../job-redaction';

/**
 * Queue management (API.md §10) against real BullMQ queues in the run's Redis: jobs are added and run (or failed)
 * by a real BullMQ worker in the test, with metrics on as the workers app has them.
 */
describe('admin queues', () => {
  let api: ApiHarness;
  let admin: string;
  let sre: string;
  let finance: string;
  let queue: Queue;
  let worker: Worker;
  let options: { connection: ReturnType<typeof bullConnection>; prefix: string };
  // A job fails while its data says so and it has not been retried; a retried job then succeeds.
  const shouldFail = (job: Job) => job.data.fail === true && !job.data.retried;

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = (await api.login()).accessToken;
    const login = async (role: string) => {
      const u = await api.createUser(admin, [role]);
      return (await api.login(u.email, u.password)).accessToken;
    };
    [sre, finance] = await Promise.all([login('sre'), login('finance')]);
    options = { connection: bullConnection(api.config, 'queues-test'), prefix: bullPrefix(api.config) };
    queue = new Queue('maintenance', options);
    worker = new Worker(
      'maintenance',
      async (job) => {
        await job.log(`processing ${job.id}`);
        if (shouldFail(job)) throw new Error('boom: the audit chain walk failed');
        return 'ok';
      },
      { ...options, metrics: { maxDataPoints: 60 } },
    );
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    await api.close();
  });

  const get = <T>(path: string, token = admin) => api.request<T>('GET', path, { token });
  const finished = (id: string, state: 'completed' | 'failed') =>
    eventually(async () =>
      (await queue.getJob(id))?.finishedOn && (await queue.getJobState(id)) === state ? true : undefined,
    );

  it('lists every declared queue with counts, paused flag, throughput and failure rate', async () => {
    const ok = await queue.add('verify-audit-chain', { trigger: 'manual' }, { attempts: 1 });
    const bad = await queue.add('verify-audit-chain', { trigger: 'manual', fail: true }, { attempts: 1 });
    await finished(ok.id as string, 'completed');
    await finished(bad.id as string, 'failed');

    const res = await get<ListResponse<QueueSummary>>('/api/v1/admin/queues');
    expect(res.status).toBe(200);
    expect(res.body.data.map((q) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    const maintenance = res.body.data.find((q) => q.name === 'maintenance') as QueueSummary;
    expect(maintenance).toMatchObject({ isPaused: false, windowMinutes: 5, waiting: 0, active: 0 });
    expect(maintenance.completed).toBeGreaterThanOrEqual(1);
    expect(maintenance.failed).toBeGreaterThanOrEqual(1);
    expect(maintenance.throughputPerMinute).toBeGreaterThan(0);
    expect(maintenance.failureRate).toBeGreaterThan(0);
    expect(maintenance.failureRate).toBeLessThan(1);

    expect((await get('/api/v1/admin/queues', sre)).status).toBe(200);
    expectError(await get('/api/v1/admin/queues', finance), 403, 'permission_error');
  });

  it('serves per-minute completed and failed series, oldest first', async () => {
    const res = await get<QueueStatsResponse>('/api/v1/admin/queues/stats?queue=maintenance&minutes=5');
    expect(res.status).toBe(200);
    expect(res.body.minutes).toBe(5);
    const [series] = res.body.data;
    expect(series.queue).toBe('maintenance');
    expect(series.completed).toHaveLength(5);
    const minutes = series.completed.map((p) => Date.parse(p.at));
    expect(minutes).toEqual([...minutes].sort((x, y) => x - y));
    expect(minutes[4]).toBe(Math.floor(Date.now() / 60_000) * 60_000);
    expect(series.completed.reduce((s, p) => s + p.count, 0)).toBeGreaterThanOrEqual(1);
    expect(series.failed.reduce((s, p) => s + p.count, 0)).toBeGreaterThanOrEqual(1);

    const all = await get<QueueStatsResponse>('/api/v1/admin/queues/stats');
    expect(all.body.data.map((d) => d.queue).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(all.body.data[0].completed).toHaveLength(60);
    expectError(await get('/api/v1/admin/queues/stats?minutes=0'), 400, 'invalid_request_error', 'minutes');
    expectError(await get('/api/v1/admin/queues/stats?queue=nope'), 404, 'not_found');
  });

  it('shows one job with its data redacted, attempts, logs and the last failure', async () => {
    const job = await queue.add(
      'verify-audit-chain',
      { trigger: 'manual', fail: true, apiKey: 'lsp_test_secret', customer: { email: 'a@b.in' } },
      { attempts: 1 },
    );
    await finished(job.id as string, 'failed');
    const res = await get<QueueJobView>(`/api/v1/admin/queues/jobs/${job.id}?queue=maintenance`, sre);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: job.id,
      queue: 'maintenance',
      name: 'verify-audit-chain',
      state: 'failed',
      data: { trigger: 'manual', fail: true, apiKey: REDACTED, customer: REDACTED },
      attemptsMade: 1,
      maxAttempts: 1,
      failedReason: 'boom: the audit chain walk failed',
      logs: [`processing ${job.id}`],
    });
    expect(res.body.stacktrace).toContain('boom: the audit chain walk failed');
    expect(JSON.stringify(res.body)).not.toContain('lsp_test_secret');
    expect(JSON.stringify(res.body)).not.toContain('a@b.in');

    expectError(await get(`/api/v1/admin/queues/jobs/${job.id}?queue=nope`), 404, 'not_found');
    expectError(await get('/api/v1/admin/queues/jobs/999999?queue=maintenance'), 404, 'not_found');
    expectError(await get(`/api/v1/admin/queues/jobs/${job.id}`), 400, 'invalid_request_error', 'queue');
  });

  it('retries listed failed jobs (checking every id first), or all of them, and audits it', async () => {
    const failed = await queue.add('verify-audit-chain', { trigger: 'manual', fail: true }, { attempts: 1 });
    const done = await queue.add('verify-audit-chain', { trigger: 'manual' }, { attempts: 1 });
    await finished(failed.id as string, 'failed');
    await finished(done.id as string, 'completed');
    const retry = (body: unknown, token = admin) =>
      api.request<QueueRetryResponse>('POST', '/api/v1/admin/queues/retry', { token, body });

    // A completed job in the list, or an unknown one, refuses the whole request: the failed one stays failed.
    expectError(await retry({ queue: 'maintenance', jobIds: [failed.id, done.id] }), 409, 'conflict');
    expectError(await retry({ queue: 'maintenance', jobIds: [failed.id, '424242'] }), 404, 'not_found');
    expect(await queue.getJobState(failed.id as string)).toBe('failed');
    expectError(await retry({ queue: 'nope' }), 404, 'not_found');
    expectError(await retry({ queue: 'maintenance', jobIds: [] }), 400, 'invalid_request_error', 'jobIds');
    expectError(await retry({ queue: 'maintenance', extra: 1 }), 400, 'invalid_request_error', 'extra');
    expectError(await retry({ queue: 'maintenance' }, finance), 403, 'permission_error');

    await failed.updateData({ ...failed.data, retried: true });
    const one = await retry({ queue: 'maintenance', jobIds: [failed.id] }, sre);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ queue: 'maintenance', retried: 1 });
    await finished(failed.id as string, 'completed');

    const failedNow = await queue.getFailedCount();
    expect(failedNow).toBeGreaterThan(0);
    for (const j of await queue.getFailed()) await j.updateData({ ...j.data, retried: true });
    const all = await retry({ queue: 'maintenance' });
    expect(all.body).toEqual({ queue: 'maintenance', retried: failedNow });
    await eventually(async () => ((await queue.getFailedCount()) === 0 ? true : undefined));

    const audit = await get<ListResponse<AuditLogView>>('/api/v1/admin/audit-logs?action=queue.retry');
    expect(audit.body.data).toHaveLength(2);
    expect(audit.body.data[0]).toMatchObject({ objectType: 'queue', objectId: 'maintenance' });
  });

  it('cleans finished jobs older than a grace, returning how many, and refuses a negative grace', async () => {
    const clean = (body: unknown) =>
      api.request<QueueCleanResponse>('DELETE', '/api/v1/admin/queues/clean', { token: admin, body });
    expectError(
      await clean({ queue: 'maintenance', status: 'completed', olderThanMs: -1 }),
      400,
      'invalid_request_error',
      'olderThanMs',
    );
    expectError(
      await clean({ queue: 'maintenance', status: 'active', olderThanMs: 0 }),
      400,
      'invalid_request_error',
      'status',
    );
    expectError(await clean({ queue: 'nope', status: 'completed', olderThanMs: 0 }), 404, 'not_found');
    const completed = await queue.getCompletedCount();
    expect(completed).toBeGreaterThan(0);

    // Everything finished within the last hour: a one-hour grace removes nothing.
    const kept = await clean({ queue: 'maintenance', status: 'completed', olderThanMs: 3_600_000 });
    expect(kept.body).toEqual({ queue: 'maintenance', status: 'completed', olderThanMs: 3_600_000, removed: 0 });
    const res = await clean({ queue: 'maintenance', status: 'completed', olderThanMs: 0 });
    expect(res.status).toBe(200);
    expect(res.body.removed).toBe(completed);
    expect(await queue.getCompletedCount()).toBe(0);

    const audit = await get<ListResponse<AuditLogView>>('/api/v1/admin/audit-logs?action=queue.clean');
    expect(audit.body.data[0].diff.after).toMatchObject({ status: 'completed', olderThanMs: 0, removed: completed });
  });

  it('pauses and resumes a queue for every worker, audited', async () => {
    const pause = (paused: unknown, token = admin) =>
      api.request<QueueSummary>('POST', '/api/v1/admin/queues/pause', {
        token,
        body: { queue: 'maintenance', paused },
      });
    const res = await pause(true, sre);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'maintenance', isPaused: true });
    expect(await queue.isPaused()).toBe(true);
    const held = await queue.add('verify-audit-chain', { trigger: 'manual' });
    const listed = await get<ListResponse<QueueSummary>>('/api/v1/admin/queues');
    expect(listed.body.data.find((q) => q.name === 'maintenance')).toMatchObject({ isPaused: true, paused: 1 });
    expect(await queue.getJobState(held.id as string)).toBe('waiting');

    expectError(await pause('yes'), 400, 'invalid_request_error', 'paused');
    expect((await pause(false)).body.isPaused).toBe(false);
    await finished(held.id as string, 'completed');

    const audit = await get<ListResponse<AuditLogView>>('/api/v1/admin/audit-logs?objectType=queue&limit=100');
    expect(audit.body.data.map((e) => e.action)).toEqual(expect.arrayContaining(['queue.pause', 'queue.resume']));
  });

  describe('job listing', () => {
    // A queue no other test here touches and the API never enqueues to: every job in it is this test's own.
    let ledger: Queue;
    let failing: Worker | undefined;
    beforeAll(() => {
      ledger = new Queue('ledger', options);
    });
    afterAll(async () => {
      await failing?.close();
      await ledger.obliterate({ force: true });
      await ledger.close();
    });

    const list = (query: string, token = admin) =>
      get<ListResponse<QueueJobRow>>(`/api/v1/admin/queues/jobs?queue=ledger&${query}`, token);
    const failOne = async (n: number) => {
      const job = await ledger.add('reconcile-ledger', { n, apiKey: 'lsp_test_listing_secret' }, { attempts: 1 });
      await eventually(async () => ((await ledger.getJobState(job.id as string)) === 'failed' ? true : undefined));
      return job.id as string;
    };

    it('lists one state newest first, pages without gaps or repeats while jobs keep failing, and shows no data', async () => {
      failing = new Worker(
        'ledger',
        async () => {
          throw new Error('ledger unreachable\n    at dump {"apiKey":"lsp_test_listing_secret"}');
        },
        options,
      );
      const ids: string[] = [];
      // One after the other, so their finish times order them.
      for (let n = 0; n < 5; n++) ids.push(await failOne(n));
      const newestFirst = [...ids].reverse();

      const first = await list('state=failed&limit=2', sre);
      expect(first.status).toBe(200);
      expect(first.body.object).toBe('list');
      expect(first.body.hasMore).toBe(true);
      expect(first.body.data.map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
      expect(first.body.data[0]).toEqual({
        id: newestFirst[0],
        queue: 'ledger',
        name: 'reconcile-ledger',
        state: 'failed',
        attemptsMade: 1,
        maxAttempts: 1,
        createdAt: expect.any(String),
        processedAt: expect.any(String),
        finishedAt: expect.any(String),
        failedReason: 'ledger unreachable',
      });
      expect(JSON.stringify(first.body)).not.toContain('lsp_test_listing_secret');

      // A job failing between two pages lands on top: an offset-based page would now repeat a row.
      const late = await failOne(5);
      const paged = [...first.body.data];
      let page = first.body;
      while (page.hasMore) {
        page = (await list(`state=failed&limit=2&startingAfter=${paged[paged.length - 1].id}`)).body;
        paged.push(...page.data);
      }
      expect(paged.map((r) => r.id)).toEqual(newestFirst);
      expect(paged.every((r) => !('data' in r))).toBe(true);
      expect((await list('state=failed&limit=1')).body.data.map((r) => r.id)).toEqual([late]);
      expect((await list('state=completed')).body).toEqual({ object: 'list', data: [], hasMore: false });
      await failing.close();
      failing = undefined;
    });

    it('lists waiting, delayed and (only while the queue is paused) paused jobs', async () => {
      const a = await ledger.add('reconcile-ledger', { n: 'a' });
      const b = await ledger.add('reconcile-ledger', { n: 'b' });
      const later = await ledger.add('reconcile-ledger', { n: 'later' }, { delay: 3_600_000 });
      const ids = async (state: string) => (await list(`state=${state}`)).body.data.map((r) => r.id);

      expect(await ids('waiting')).toEqual([b.id, a.id]);
      expect(await ids('delayed')).toEqual([later.id]);
      expect(await ids('active')).toEqual([]);
      expect(await ids('paused')).toEqual([]);
      await ledger.pause();
      try {
        expect(await ids('paused')).toEqual([b.id, a.id]);
        const rows = (await list('state=paused&limit=1')).body;
        expect(rows).toMatchObject({ hasMore: true, data: [{ id: b.id, state: 'paused', failedReason: null }] });
      } finally {
        await ledger.resume();
      }
    });

    it('refuses a cursor that left the state, unknown queues, bad states and limits, and non-operators', async () => {
      const [newest] = (await list('state=failed&limit=1')).body.data;
      const retried = await api.request('POST', '/api/v1/admin/queues/retry', {
        token: admin,
        body: { queue: 'ledger', jobIds: [newest.id] },
      });
      expect(retried.status).toBe(200);
      // Its place in the failed set is gone: guessing one would skip or repeat rows.
      expectError(await list(`state=failed&startingAfter=${newest.id}`), 400, 'invalid_request_error', 'startingAfter');

      expectError(await get('/api/v1/admin/queues/jobs?queue=nope&state=failed'), 404, 'not_found');
      expectError(await list('state=stuck'), 400, 'invalid_request_error', 'state');
      expectError(await list(''), 400, 'invalid_request_error', 'state');
      expectError(await list('state=failed&limit=0'), 400, 'invalid_request_error', 'limit');
      expectError(await list('state=failed&limit=101'), 400, 'invalid_request_error', 'limit');
      expectError(await list('state=failed&startingAfter=no%20such'), 400, 'invalid_request_error', 'startingAfter');
      expectError(await get('/api/v1/admin/queues/jobs?state=failed'), 400, 'invalid_request_error', 'queue');

      const merchant = await api.createMerchant(admin);
      const user = await api.createUser(admin, ['merchant'], merchant.merchant.id);
      const merchantToken = (await api.login(user.email, user.password)).accessToken;
      expectError(await list('state=failed', finance), 403, 'permission_error');
      expectError(await list('state=failed', merchantToken), 403, 'permission_error');
    });
  });

  it('answers the sampled history of a queue in buckets, oldest first', async () => {
    const owner = new Client({ connectionString: process.env['DATABASE_URL'] });
    await owner.connect();
    try {
      const t0 = Date.parse('2026-11-20T10:00:00.000Z');
      const sample = (offsetS: number, waiting: number, completedTotal: number, isPaused = false) =>
        owner.query(
          `INSERT INTO queue_metric_samples
             (queue, at, waiting, active, completed, failed, delayed, paused, is_paused, completed_total, failed_total)
           VALUES ('events', $1, $2, 0, 0, 0, 0, 0, $3, $4, 0)`,
          [new Date(t0 + offsetS * 1000), waiting, isPaused, completedTotal],
        );
      await sample(0, 5, 100);
      await sample(2, 9, 104);
      await sample(5, 1, 110, true);
      await sample(3600, 50, 999); // outside the range asked for
      const from = new Date(t0).toISOString();
      const to = new Date(t0 + 10_000).toISOString();
      const res = await get<QueueHistoryResponse>(
        `/api/v1/admin/queues/history?queue=events&from=${from}&to=${to}`,
        sre,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ queue: 'events', from, to, bucketSeconds: 5 });
      expect(res.body.data).toEqual([
        {
          at: from,
          waiting: 9,
          active: 0,
          delayed: 0,
          failed: 0,
          completedInBucket: 4,
          failedInBucket: 0,
          isPaused: false,
        },
        {
          at: new Date(t0 + 5000).toISOString(),
          waiting: 1,
          active: 0,
          delayed: 0,
          failed: 0,
          completedInBucket: 0,
          failedInBucket: 0,
          isPaused: true,
        },
      ]);
    } finally {
      await owner.end();
    }
    expectError(
      await get('/api/v1/admin/queues/history?queue=events&from=2026-11-20T10:00:00Z&to=2026-11-20T09:00:00Z'),
      400,
      'invalid_request_error',
      'from',
    );
    expectError(
      await get('/api/v1/admin/queues/history?queue=events&from=yesterday'),
      400,
      'invalid_request_error',
      'from',
    );
    expectError(await get('/api/v1/admin/queues/history?queue=nope'), 404, 'not_found');
    expectError(await get('/api/v1/admin/queues/history'), 400, 'invalid_request_error', 'queue');
  });
});
