import type { INestApplicationContext } from '@nestjs/common';
import { type Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { newId } from '@lsp/domain';
import { Database, appendAudit } from '@lsp/persistence';
import { type JobName, addJob, bullConnection, bullPrefix, jobId } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import { DeclaredQueues } from '../src/core/declared-queues';
import type { RetentionReport } from '../src/retention/retention-report';
import { RETENTION_TARGETS } from '../src/retention/retention.repository';
import { createMerchant } from './factories/outbox-event.factory';
import { bootWorkers, clearPrefix, testConfig } from './helpers';

const DAY = 86_400_000;
const MINUTE = 60_000;

/**
 * Each cleaner against rows one minute past its retention (removed) and one minute short of it (kept), with a
 * batch size of 2 so every target takes several batches. Retentions are the defaults except BullMQ jobs (2 s)
 * and webhook attempts (14 d).
 */
describe('data retention', () => {
  const config = testConfig('retention', {
    WORKER_QUEUES: 'retention',
    RETENTION_RUN_EVERY: '1h',
    RETENTION_BATCH_SIZE: '2',
    RETENTION_JOBS: '2s',
    // Shorter than RETENTION_EVENTS (30 d), so attempts are seen to expire on their own clock.
    RETENTION_WEBHOOK_ATTEMPTS: '14d',
  });
  let app: INestApplicationContext;
  let owner: Client;
  let retention: Queue;
  let run = 0;
  /** Relative to now: `ago(7 * DAY + MINUTE)` is one minute past a 7-day retention. */
  const ago = (ms: number): Date => new Date(Date.now() - ms);

  async function clean(job: JobName<'retention'>): Promise<RetentionReport> {
    const added = await addJob(
      retention,
      'retention',
      job,
      { trigger: 'manual' },
      {
        jobId: jobId('retention', job, 'manual', `run${++run}`),
      },
    );
    return eventually(async () => {
      const state = await added.getState();
      if (state === 'failed')
        throw new Error(`${job} failed: ${(await retention.getJob(added.id as string))?.failedReason}`);
      return state === 'completed'
        ? ((await retention.getJob(added.id as string))?.returnvalue as RetentionReport)
        : undefined;
    });
  }
  const exists = async (table: string, column: string, value: unknown): Promise<boolean> =>
    (await owner.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [value])).rowCount === 1;

  /** Tables other parts create: made here, minimal, when their migration is not on this branch. */
  async function ensureTable(table: string, timeColumn: string): Promise<boolean> {
    const { rows } = await owner.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
    if (rows[0].present) return false;
    await owner.query(`CREATE TABLE ${table} (id text PRIMARY KEY, ${timeColumn} timestamptz NOT NULL)`);
    await owner.query(`GRANT SELECT, DELETE ON ${table} TO lsp_app`);
    return true;
  }

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    app = await bootWorkers(config, { outboxRelay: false });
    retention = app.get(DeclaredQueues).get('retention');
    // Only the runs this test starts: drop the schedules and let their boot-time runs finish.
    for (const scheduler of await retention.getJobSchedulers()) await retention.removeJobScheduler(scheduler.key);
    await eventually(async () => {
      const counts = await retention.getJobCounts('waiting', 'active', 'delayed');
      return counts['waiting'] + counts['active'] + counts['delayed'] === 0 ? true : undefined;
    });
  });

  afterAll(async () => {
    await app.close();
    await owner.end();
    await clearPrefix(config);
  });

  it('(4) removes refresh tokens expired or revoked past RETENTION_SESSIONS, keeps newer and rotated live ones', async () => {
    const userId = newId('user');
    await owner.query(`INSERT INTO users (id, email, password_hash, roles) VALUES ($1, $2, 'x', '{sre}')`, [
      userId,
      `${userId.toLowerCase()}@test.local`,
    ]);
    const token = async (expiresAt: Date, revokedAt: Date | null = null, replacedBy: string | null = null) => {
      const id = newId('refreshToken');
      await owner.query(
        `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, revoked_at, replaced_by)
         VALUES ($1, $2, 'fam', $3, $4, $5, $6)`,
        [id, userId, id, expiresAt, revokedAt, replacedBy],
      );
      return id;
    };
    const retained = 7 * DAY;
    const expiredOld = [
      await token(ago(retained + MINUTE)),
      await token(ago(retained + DAY)),
      await token(ago(retained + 2 * DAY)),
    ];
    const expiredRecently = await token(ago(retained - MINUTE));
    const revokedOld = await token(ago(-DAY), ago(retained + MINUTE));
    const revokedRecently = await token(ago(-DAY), ago(retained - MINUTE));
    const rotatedLive = await token(ago(-DAY), null, 'rtk_next');

    const report = await clean('clean-sessions');

    expect(report).toEqual({
      cleaner: 'sessions',
      removed: { 'expired refresh tokens': 3, 'revoked refresh tokens': 1 },
      skipped: [],
    });
    for (const id of [...expiredOld, revokedOld]) expect(await exists('refresh_tokens', 'id', id)).toBe(false);
    for (const id of [expiredRecently, revokedRecently, rotatedLive])
      expect(await exists('refresh_tokens', 'id', id)).toBe(true);
  });

  it('(2) removes finished deliveries and published events past retention, attempts past theirs, never a pending delivery or its event', async () => {
    const merchantId = await createMerchant(owner, 'Retention Shop');
    const endpointId = newId('webhookEndpoint');
    await owner.query(
      `INSERT INTO webhook_endpoints (id, merchant_id, url, event_types, secret_sealed)
       VALUES ($1, $2, 'https://retention.test.local/hook', '{payment.created}', 'sealed')`,
      [endpointId, merchantId],
    );
    const event = async (occurredAgo: number, published = true) => {
      const id = newId('event');
      await owner.query(
        `INSERT INTO outbox_events (id, merchant_id, type, aggregate_type, aggregate_id, payload, occurred_at, published_at)
         VALUES ($1, $2, 'payment.created', 'payment', $3, '{}', $4, $5)`,
        [id, merchantId, newId('payment'), ago(occurredAgo), published ? ago(occurredAgo) : null],
      );
      return id;
    };
    const delivery = async (eventId: string, status: 'pending' | 'succeeded' | 'failed') => {
      const id = newId('webhookDelivery');
      await owner.query(
        `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, event_type, status, next_attempt_at)
         VALUES ($1, $2, $3, $4, 'payment.created', $5, $6)`,
        [id, merchantId, eventId, endpointId, status, status === 'pending' ? ago(-MINUTE) : null],
      );
      return id;
    };
    let attemptNumber = 0;
    const attempt = async (deliveryId: string, eventId: string, atAgo: number) => {
      const id = newId('webhookAttempt');
      await owner.query(
        `INSERT INTO webhook_delivery_attempts (id, delivery_id, merchant_id, endpoint_id, event_id, attempt_number, url,
           webhook_timestamp, outcome, response_status, latency_ms, at)
         VALUES ($1, $2, $3, $4, $5, $6, 'https://retention.test.local/hook', 0, 'succeeded', 200, 5, $7)`,
        [id, deliveryId, merchantId, endpointId, eventId, ++attemptNumber, ago(atAgo)],
      );
      return id;
    };
    const applied = async (appliedAgo: number) => {
      const id = newId('event');
      await owner.query(`INSERT INTO analytics_applied_events (event_id, applied_at) VALUES ($1, $2)`, [
        id,
        ago(appliedAgo),
      ]);
      return id;
    };
    const month = 30 * DAY;
    const fortnight = 14 * DAY;

    // Past RETENTION_EVENTS: a succeeded and a failed delivery (one with an attempt), and one event no endpoint wanted.
    const [oldSucceededEvent, oldFailedEvent, oldBareEvent] = [
      await event(month + MINUTE),
      await event(month + DAY),
      await event(month + 2 * DAY),
    ];
    const oldSucceeded = await delivery(oldSucceededEvent, 'succeeded');
    const oldFailed = await delivery(oldFailedEvent, 'failed');
    const oldDeliveryAttempt = await attempt(oldSucceeded, oldSucceededEvent, month + MINUTE);
    // Past retention but its delivery is still pending: both stay, and so do its attempts inside their retention.
    const pendingEvent = await event(month + DAY);
    const pending = await delivery(pendingEvent, 'pending');
    const pendingRecentAttempt = await attempt(pending, pendingEvent, fortnight - MINUTE);
    // Just inside RETENTION_EVENTS: event and delivery stay; its attempts go by RETENTION_WEBHOOK_ATTEMPTS alone.
    const newEvent = await event(month - MINUTE);
    const newDelivery = await delivery(newEvent, 'succeeded');
    const expiredAttempts = [
      await attempt(newDelivery, newEvent, fortnight + MINUTE),
      await attempt(newDelivery, newEvent, fortnight + DAY),
    ];
    const keptAttempt = await attempt(newDelivery, newEvent, fortnight - MINUTE);
    const unpublished = await event(month + DAY, false);
    const oldApplied = await applied(month + MINUTE);
    const newApplied = await applied(month - MINUTE);

    const report = await clean('clean-webhook-history');

    expect(report).toEqual({
      cleaner: 'webhook-history',
      // Other suites' events and deliveries in this database are recent; only these are past retention.
      removed: {
        'finished webhook deliveries': 2,
        'webhook delivery attempts': 2,
        'outbox events': 3,
        'analytics applied events': 1,
      },
      skipped: [],
    });
    for (const id of [oldSucceededEvent, oldFailedEvent, oldBareEvent])
      expect(await exists('outbox_events', 'id', id)).toBe(false);
    for (const id of [pendingEvent, newEvent, unpublished]) expect(await exists('outbox_events', 'id', id)).toBe(true);
    for (const id of [oldSucceeded, oldFailed]) expect(await exists('webhook_deliveries', 'id', id)).toBe(false);
    for (const id of [pending, newDelivery]) expect(await exists('webhook_deliveries', 'id', id)).toBe(true);
    for (const id of [oldDeliveryAttempt, ...expiredAttempts])
      expect(await exists('webhook_delivery_attempts', 'id', id)).toBe(false);
    for (const id of [pendingRecentAttempt, keptAttempt])
      expect(await exists('webhook_delivery_attempts', 'id', id)).toBe(true);
    expect(await exists('analytics_applied_events', 'event_id', oldApplied)).toBe(false);
    expect(await exists('analytics_applied_events', 'event_id', newApplied)).toBe(true);
  });

  it('(3) removes gateway health and queue metric samples past RETENTION_SAMPLES', async () => {
    const created = [
      await ensureTable('gateway_health_samples', 'at'),
      await ensureTable('queue_metric_samples', 'at'),
    ];
    if (!created.every(Boolean)) {
      // The real tables (from the gateway-health and queue work) have more columns: only check the cleaner runs.
      expect((await clean('clean-health-samples')).skipped).toEqual([]);
      return;
    }
    for (const table of ['gateway_health_samples', 'queue_metric_samples']) {
      await owner.query(`INSERT INTO ${table} (id, at) VALUES ('old1', $1), ('old2', $2), ('old3', $2), ('new', $3)`, [
        ago(7 * DAY + MINUTE),
        ago(8 * DAY),
        ago(7 * DAY - MINUTE),
      ]);
    }
    const report = await clean('clean-health-samples');
    expect(report.removed).toEqual({ 'gateway health samples': 3, 'queue metric samples': 3 });
    for (const table of ['gateway_health_samples', 'queue_metric_samples']) {
      expect((await owner.query(`SELECT id FROM ${table}`)).rows).toEqual([{ id: 'new' }]);
    }
  });

  it('(5) removes finished BullMQ jobs past RETENTION_JOBS and resolved alerts past their retention', async () => {
    const maintenance = app.get(DeclaredQueues).get('maintenance');
    const worker = new Worker(
      'maintenance',
      async (job) => {
        if (job.data.fail) throw new Error('drill');
      },
      { connection: bullConnection(config, 'test-retention'), prefix: bullPrefix(config) },
    );
    const finish = async (fail: boolean) => {
      const job = await maintenance.add('verify-audit-chain', { trigger: 'manual', fail }, { attempts: 1 });
      return eventually(async () =>
        (await maintenance.getJob(job.id as string))?.finishedOn ? (job.id as string) : undefined,
      );
    };
    let oldIds: string[];
    let fresh: string;
    try {
      oldIds = [await finish(false), await finish(false), await finish(false), await finish(true)];
      // Jobs finish at real times: wait until these are past the 2 s retention, then finish one more.
      await eventually(
        async () =>
          Date.now() - ((await maintenance.getJob(oldIds[3]))?.finishedOn ?? Date.now()) > 2_500 ? true : undefined,
        6_000,
        100,
      );
      fresh = await finish(false);
    } finally {
      await worker.close();
    }

    const alert = async (resolvedAgo: number | null) => {
      const id = newId('alert');
      await owner.query(
        `INSERT INTO alerts (id, fingerprint, severity, source, title, message, status, first_seen_at, resolved_at)
         VALUES ($1, $2, 'info', 'test/retention', 't', 'm', $3, now() - interval '200 days', $4)`,
        [
          id,
          `retention:${id}`,
          resolvedAgo === null ? 'open' : 'resolved',
          resolvedAgo === null ? null : ago(resolvedAgo),
        ],
      );
      await owner.query(`INSERT INTO alert_notifications (alert_id, kind) VALUES ($1, 'raised')`, [id]);
      return id;
    };
    const quarter = 90 * DAY;
    const oldResolved = [await alert(quarter + MINUTE), await alert(quarter + DAY), await alert(quarter + DAY)];
    const newResolved = await alert(quarter - MINUTE);
    const stillOpen = await alert(null);

    const report = await clean('clean-jobs-and-alerts');

    expect(report.removed).toMatchObject({
      'completed jobs of maintenance': 3,
      'failed jobs of maintenance': 1,
      'resolved alerts': 3,
    });
    for (const id of oldIds) expect(await maintenance.getJob(id)).toBeUndefined();
    expect(await maintenance.getJob(fresh)).toBeDefined();
    for (const id of oldResolved) expect(await exists('alerts', 'id', id)).toBe(false);
    for (const id of oldResolved) expect(await exists('alert_notifications', 'alert_id', id)).toBe(false);
    for (const id of [newResolved, stillOpen]) expect(await exists('alerts', 'id', id)).toBe(true);
  });

  it('never deletes audit logs or ledger rows: no cleaner targets them and the runtime role may not', async () => {
    const db = app.get(Database);
    for (let n = 0; n < 3; n++) {
      await db.platform((em) =>
        appendAudit(em, {
          actorId: null,
          actorEmail: 'retention@test.local',
          action: 'merchant.update',
          objectType: 'merchant',
          objectId: `mer_${n}`,
          diff: { before: null, after: { n } },
          requestId: null,
          ip: null,
        }),
      );
    }
    const protectedTables = async (): Promise<string[]> =>
      (
        await owner.query(
          // The ledger's work tables (pending releases) are not its record: journals and entries are.
          `SELECT tablename FROM pg_tables WHERE schemaname = 'public'
             AND (tablename LIKE 'audit%' OR tablename IN ('ledger_journals', 'ledger_entries')) ORDER BY 1`,
        )
      ).rows.map((r: { tablename: string }) => r.tablename);
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          (await protectedTables()).map(async (t) => [
            t,
            (await owner.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n,
          ]),
        ),
      );
    const before = await counts();
    expect(before['audit_logs']).toBeGreaterThanOrEqual(3);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['ledger_entries', 'ledger_journals']));

    for (const job of [
      'clean-webhook-history',
      'clean-health-samples',
      'clean-sessions',
      'clean-jobs-and-alerts',
    ] as const) {
      await clean(job);
    }

    expect(await counts()).toEqual(before);
    const targeted = Object.values(RETENTION_TARGETS).map((t) => t.table);
    for (const table of await protectedTables()) {
      expect(targeted).not.toContain(table);
      const { rows } = await owner.query(`SELECT has_table_privilege('lsp_app', $1, 'DELETE') AS can`, [table]);
      expect(rows[0].can).toBe(false);
    }
  });
});
