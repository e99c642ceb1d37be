import type { INestApplicationContext } from '@nestjs/common';
import { type Job, Queue } from 'bullmq';
import { Client } from 'pg';
import { type AppConfig, createLogger } from '@lsp/platform';
import { Database, type OutboxEventInput, claimOutboxBatch, dataSourceFor, recordEvent } from '@lsp/persistence';
import { type EventType, bullConnection, bullPrefix, eventJobId, readWorkerHeartbeats } from '@lsp/queues';
import { TcpProxy, eventually, viaProxy } from '@lsp/testing';
import type { WorkerIdentity } from '../src/core/heartbeat.service';
import { OUTBOX_RELAY, WORKER_IDENTITY } from '../src/core/tokens';
import {
  type EventsQueue,
  OUTBOX_INVALID_EVENT_ALERT,
  OutboxRelay,
  type OutboxRelayOptions,
  createEventsQueue,
} from '../src/outbox/outbox-relay.service';
import { createMerchant, outboxEvent } from './factories/outbox-event.factory';
import { bootWorkers, clearPrefix, deferred, plainRedis, testConfig } from './helpers';

interface OutboxState {
  id: string;
  type: EventType;
  merchant_id: string | null;
  aggregate_type: string;
  aggregate_id: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  published_at: Date | null;
  claimed_by: string | null;
  claimed_until: Date | null;
  publish_attempts: number;
}

describe('outbox relay', () => {
  const logger = createLogger('outbox-relay-test', 'silent');
  let owner: Client;
  let db: Database;
  let merchantId: string;
  // Undone after each test, last registered first: relays stop before their queues close and prefixes are cleared.
  let cleanups: (() => Promise<unknown>)[] = [];
  let configs = 0;
  /** Every event this file recorded. */
  const recorded: string[] = [];

  /** A Redis prefix of its own per test, so job counts are exact. */
  function freshConfig(overrides: Record<string, string> = {}): AppConfig {
    configs++;
    return testConfig(`outbox${configs}`, overrides);
  }

  /** The test's own view of the events queue. */
  function eventsQueue(config: AppConfig): Queue {
    const queue = new Queue('events', { connection: bullConnection(config, 'test'), prefix: bullPrefix(config) });
    cleanups.push(async () => {
      await queue.close();
      await clearPrefix(config);
    });
    return queue;
  }

  function relay(
    config: AppConfig,
    options: Partial<OutboxRelayOptions> & Pick<OutboxRelayOptions, 'relayId'>,
  ): OutboxRelay {
    const queue = createEventsQueue(config);
    const created = new OutboxRelay(db, queue, logger, { idleDelayMs: 20, ...options }, () => queue.close());
    cleanups.push(() => created.stop());
    return created;
  }

  async function record(count: number, overrides: Partial<OutboxEventInput> = {}): Promise<string[]> {
    return db.merchant(merchantId, async (em) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await recordEvent(em, outboxEvent({ merchantId, ...overrides })));
      recorded.push(...ids);
      return ids;
    });
  }

  async function rows(ids: readonly string[]): Promise<OutboxState[]> {
    const { rows: found } = await owner.query<OutboxState>(
      `SELECT * FROM outbox_events WHERE id = ANY($1) ORDER BY seq`,
      [ids],
    );
    expect(found).toHaveLength(ids.length);
    return found;
  }

  function allPublished(ids: readonly string[]): Promise<OutboxState[]> {
    return eventually(async () => {
      const found = await rows(ids);
      return found.every((r) => r.published_at !== null) ? found : undefined;
    });
  }

  /**
   * Jobs in the queue carrying one of `eventIds`. Other suites share the database, so a relay may also publish
   * events they record meanwhile: only the test's own events are counted.
   */
  async function jobCount(queue: Queue, eventIds: readonly string[]): Promise<number> {
    const jobs = await queue.getJobs([
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
      'prioritized',
      'waiting-children',
    ]);
    return jobs.filter((job) => eventIds.includes((job.data as { id?: string }).id ?? '')).length;
  }

  async function jobsOf(queue: Queue, published: readonly OutboxState[]): Promise<(Job | undefined)[]> {
    return Promise.all(published.map((r) => queue.getJob(eventJobId({ type: r.type, id: r.id }))));
  }

  beforeAll(async () => {
    const config = testConfig('outbox');
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    db = new Database(dataSourceFor(config, 'app', 6));
    await db.dataSource.initialize();
    merchantId = await createMerchant(owner);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
    // Every test leaves its events published (or deleted), so no relay of another test (or file) sees its rows.
    const { rows: left } = await owner.query(
      `SELECT id FROM outbox_events WHERE published_at IS NULL AND id = ANY($1)`,
      [recorded],
    );
    expect(left).toEqual([]);
  });

  afterAll(async () => {
    await db.dataSource.destroy();
    await owner.end();
  });

  it('publishes recorded events once each, as events jobs keyed by the event id, marks them and reports no lag', async () => {
    const config = freshConfig({ WORKER_QUEUES: 'maintenance' });
    const queue = eventsQueue(config);
    const app: INestApplicationContext = await bootWorkers(config, {
      heartbeatIntervalMs: 100,
      outboxRelay: { idleDelayMs: 50, lagCheckEveryMs: 100 },
    });
    cleanups.push(() => app.close());
    const workerId = app.get<WorkerIdentity>(WORKER_IDENTITY).id;

    const ids = [
      ...(await record(1, { type: 'payment.created' })),
      ...(await record(1, { type: 'payment.captured' })),
      // A platform event: no merchant.
      await db.platform(async (em) => {
        const id = await recordEvent(em, outboxEvent({ type: 'refund.failed', aggregateType: 'refund' }));
        recorded.push(id);
        return id;
      }),
    ];

    const published = await allPublished(ids);
    for (const row of published) expect(row).toMatchObject({ publish_attempts: 1, claimed_by: workerId });
    const jobs = await jobsOf(queue, published);
    published.forEach((row, i) => {
      expect(jobs[i]?.id).toBe(`events.${row.type}.${row.id}`);
      expect(jobs[i]?.name).toBe(row.type);
      expect(jobs[i]?.data).toEqual({
        id: row.id,
        type: row.type,
        merchantId: row.merchant_id,
        aggregateType: row.aggregate_type,
        aggregateId: row.aggregate_id,
        occurredAt: row.occurred_at.toISOString(),
        data: { object: row.payload },
      });
    });
    expect(published.map((r) => r.merchant_id)).toEqual([merchantId, merchantId, null]);

    // Later passes leave published rows alone: still one job per event, one claim per row.
    const relayInApp = app.get<OutboxRelay>(OUTBOX_RELAY);
    const passes = relayInApp.totals.passes;
    await eventually(async () => (relayInApp.totals.passes >= passes + 3 ? true : undefined));
    expect(await jobCount(queue, ids)).toBe(3);
    expect((await rows(ids)).map((r) => r.publish_attempts)).toEqual([1, 1, 1]);

    const redis = plainRedis(config);
    try {
      const beat = await eventually(async () => {
        const [latest] = await readWorkerHeartbeats(redis, config);
        return latest?.outbox?.backlog === 0 ? latest : undefined;
      });
      expect(beat.outbox).toMatchObject({ lagMs: 0, backlog: 0, checkedAt: expect.any(String) });
    } finally {
      redis.disconnect();
    }
  });

  it('lets two relays publish 200 events concurrently: each claimed once, one job each, none missing', async () => {
    const config = freshConfig();
    const queue = eventsQueue(config);
    const ids: string[] = [];
    for (let t = 0; t < 10; t++) ids.push(...(await record(20)));

    const a = relay(config, { relayId: 'relay-a', batchSize: 10 });
    const b = relay(config, { relayId: 'relay-b', batchSize: 10 });
    // Both claim at once from the first pass on; SKIP LOCKED keeps their batches disjoint.
    a.start();
    b.start();

    const published = await allPublished(ids);
    expect(published.filter((r) => r.publish_attempts !== 1)).toEqual([]);
    expect(new Set(published.map((r) => r.claimed_by))).toEqual(new Set(['relay-a', 'relay-b']));
    // At least ours: events other suites record meanwhile may be relayed too.
    expect(a.totals.published + b.totals.published).toBeGreaterThanOrEqual(200);
    expect(await jobCount(queue, ids)).toBe(200);
    expect((await jobsOf(queue, published)).filter((job) => !job)).toEqual([]);
  });

  it('reclaims the rows of a relay that crashed after claiming them once the claim lapses', async () => {
    const config = freshConfig();
    const queue = eventsQueue(config);
    const orphaned = await record(5);
    // The "crashed" relay: it claimed and never came back.
    const claimed = await db.platform((em) => claimOutboxBatch(em, 'crashed-relay', { limit: 100, leaseMs: 2000 }));
    expect(claimed.map((r) => r.id)).toEqual(orphaned);
    const claimedUntil = (await rows(orphaned))[0].claimed_until as Date;

    const survivor = relay(config, { relayId: 'survivor' });
    survivor.start();
    // While the claim holds, the survivor publishes newer events but leaves the claimed ones alone.
    const later = await record(1);
    await allPublished(later);
    for (const row of await rows(orphaned)) {
      expect(row).toMatchObject({ published_at: null, claimed_by: 'crashed-relay', publish_attempts: 1 });
    }

    const reclaimed = await allPublished(orphaned);
    for (const row of reclaimed) {
      expect(row).toMatchObject({ claimed_by: 'survivor', publish_attempts: 2 });
      expect((row.published_at as Date).getTime()).toBeGreaterThanOrEqual(claimedUntil.getTime());
    }
    expect(await jobCount(queue, [...orphaned, ...later])).toBe(6);
  });

  it('adds no duplicate job when events that reached Redis but were never marked are published again', async () => {
    const config = freshConfig();
    const queue = eventsQueue(config);
    const ids = await record(5);

    // A relay that loses PostgreSQL right after BullMQ took its batch: the jobs exist, the rows stay claimed.
    let postgresReachable = true;
    const flakyDb = {
      platform: (work: Parameters<Database['platform']>[0]) =>
        postgresReachable ? db.platform(work) : Promise.reject(new Error('Connection terminated unexpectedly')),
    } as Database;
    const realQueue = createEventsQueue(config);
    cleanups.push(() => realQueue.close());
    const publishesThenLosesPostgres: EventsQueue = {
      name: 'events',
      addBulk: async (jobs) => {
        const added = await realQueue.addBulk(jobs);
        postgresReachable = false;
        return added;
      },
    };
    const crashing = new OutboxRelay(flakyDb, publishesThenLosesPostgres, logger, {
      relayId: 'crashing',
      leaseMs: 1000,
      publishTimeoutMs: 500,
    });
    await expect(crashing.relayOnce()).rejects.toThrow('Connection terminated unexpectedly');
    expect(await jobCount(queue, ids)).toBe(5);
    for (const row of await rows(ids)) expect(row).toMatchObject({ published_at: null, claimed_by: 'crashing' });
    const firstJobs = await jobsOf(queue, await rows(ids));

    const next = relay(config, { relayId: 'next' });
    next.start();
    const published = await allPublished(ids);
    for (const row of published) expect(row).toMatchObject({ claimed_by: 'next', publish_attempts: 2 });
    expect(next.totals.published).toBeGreaterThanOrEqual(5);
    // Re-published, not re-added: still five jobs, the very ones the first relay created.
    expect(await jobCount(queue, ids)).toBe(5);
    const jobs = await jobsOf(queue, published);
    expect(jobs.map((j) => j?.timestamp)).toEqual(firstJobs.map((j) => j?.timestamp));
  });

  it('keeps events while Redis is down and publishes them once it is back, reporting the lag meanwhile', async () => {
    const config = freshConfig();
    const queue = eventsQueue(config);
    const target = new URL(config.redisUrl);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    cleanups.push(() => proxy.cut());
    const viaTheProxy = { ...config, redisUrl: viaProxy(config.redisUrl, proxy.port) };
    const relayed = relay(viaTheProxy, {
      relayId: 'through-proxy',
      maxBackoffMs: 200,
      publishTimeoutMs: 1000,
      leaseMs: 5000,
      lagCheckEveryMs: 50,
    });
    relayed.start();

    const before = await record(2);
    await allPublished(before);

    await proxy.cut();
    const during = await record(5);
    // Several passes have claimed the rows and failed to publish them; nothing is lost or marked.
    await eventually(async () => {
      const found = await rows(during);
      return found.every((r) => r.publish_attempts >= 2) ? found : undefined;
    });
    for (const row of await rows(during)) expect(row.published_at).toBeNull();
    expect(relayed.totals.failures).toBeGreaterThan(0);
    const lagging = await eventually(async () =>
      relayed.status && relayed.status.backlog >= 5 && relayed.status.lagMs > 0 ? relayed.status : undefined,
    );
    expect(lagging.backlog).toBe(5);

    await proxy.restore();
    await allPublished(during);
    expect(await jobCount(queue, [...before, ...during])).toBe(7);
    expect((await jobsOf(queue, await rows(during))).filter((job) => !job)).toEqual([]);
    await eventually(async () => (relayed.status?.backlog === 0 ? true : undefined));
  });

  it('finishes the batch in progress on stop: published and marked, nothing half done', async () => {
    const config = freshConfig();
    const queue = eventsQueue(config);
    const realQueue = createEventsQueue(config);
    const started = deferred();
    const release = deferred();
    const slowQueue: EventsQueue = {
      name: 'events',
      addBulk: async (jobs) => {
        started.resolve();
        await release.promise;
        return realQueue.addBulk(jobs);
      },
    };
    const stopping = new OutboxRelay(db, slowQueue, logger, { relayId: 'stopping', idleDelayMs: 20 }, () =>
      realQueue.close(),
    );
    cleanups.push(() => stopping.stop());
    stopping.start();
    const ids = await record(3);
    await started.promise;

    let stopped = false;
    const stop = stopping.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release.resolve();
    await stop;

    expect(stopping.running).toBe(false);
    for (const row of await rows(ids)) expect(row).toMatchObject({ claimed_by: 'stopping', publish_attempts: 1 });
    expect((await rows(ids)).every((r) => r.published_at !== null)).toBe(true);
    expect(await jobCount(queue, ids)).toBe(3);
  });

  it('parks an event it cannot publish, with a critical alert, without holding up the rest of its batch', async () => {
    const config = freshConfig();
    const queue = eventsQueue(config);
    const [good] = await record(1);
    const [unknown] = await record(1, { type: 'settlement.exploded' });
    cleanups.push(async () => {
      await owner.query(`DELETE FROM outbox_events WHERE id = $1`, [unknown]);
      await owner.query(`UPDATE alerts SET status = 'resolved', resolved_at = now() WHERE fingerprint = $1`, [
        OUTBOX_INVALID_EVENT_ALERT,
      ]);
    });

    const parker = relay(config, { relayId: 'parker' });
    parker.start();
    await allPublished([good]);
    // The good event may be published before the same pass has parked the unknown one.
    const parked = await eventually(async () => {
      const [row] = await rows([unknown]);
      return (row.claimed_until as Date | null) && (row.claimed_until as Date).getTime() > Date.now() + 30 * 60_000
        ? row
        : undefined;
    });
    expect(parked).toMatchObject({ published_at: null, claimed_by: 'parker', publish_attempts: 1 });
    // Set aside for parkInvalidForMs (an hour by default), not retried on every pass.
    expect((parked.claimed_until as Date).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(parker.totals.parked).toBeGreaterThanOrEqual(1);
    expect(await jobCount(queue, [good, unknown])).toBe(1);

    const { rows: alerts } = await owner.query(
      `SELECT severity, details FROM alerts WHERE fingerprint = $1 AND status <> 'resolved'`,
      [OUTBOX_INVALID_EVENT_ALERT],
    );
    expect(alerts).toEqual([
      {
        severity: 'critical',
        details: expect.objectContaining({
          events: [{ id: unknown, type: 'settlement.exploded', reason: expect.stringContaining('not declared') }],
        }),
      },
    ]);
  });
});
