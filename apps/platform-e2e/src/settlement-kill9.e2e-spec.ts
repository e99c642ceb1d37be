import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { SettlementRunView } from '@lsp/contracts';
import { type Stack, eventually, startStack } from '@lsp/testing';

const ROOT = join(__dirname, '../../..');
const MERCHANTS = 30;
const PAYMENTS = 3000;
/** The ledger's writer lock (libs/persistence ledger.repository.ts): every posting takes it, last in a batch. */
const LEDGER_WRITER_LOCK = 7_240_017;

/**
 * The Settlement Processor killed with SIGKILL in the middle of a batch: a real workers process is stopped while
 * its batch has written a settlement and its items but not committed them, then a fresh process resumes the run.
 * Every captured payment ends up settled exactly once, and the books agree with the settlements.
 */
describe('settlement run survives kill -9 mid-batch', () => {
  let stack: Stack;
  let owner: Client;
  let admin: string;

  const count = async (query: string): Promise<number> => Number((await owner.query(query)).rows[0].n);

  beforeAll(async () => {
    stack = await startStack({
      root: ROOT,
      logDir: join(ROOT, 'apps/platform-e2e/test-output/logs-settlements'),
      apis: 1,
      workers: 1,
      env: {
        WORKER_QUEUES: 'settlements,events',
        SETTLEMENT_POLL_EVERY: '200ms',
        SETTLEMENT_RUN_LEASE: '2s',
        SETTLEMENT_BATCH_SIZE: '40',
        SETTLEMENT_SCHEDULES: 'false',
      },
    });
    owner = new Client({ connectionString: stack.env['DATABASE_URL'] });
    await owner.connect();
    // The benchmark's set-based seed: matured captures with their capture and release journals.
    await owner.query(
      readFileSync(join(ROOT, 'bench/settlement-seed.sql'), 'utf8')
        .replaceAll('{{MERCHANTS}}', String(MERCHANTS))
        .replaceAll('{{PAYMENTS}}', String(PAYMENTS)),
    );
    const login = await fetch(`${stack.apis[0].url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: stack.adminEmail, password: stack.adminPassword }),
    });
    admin = ((await login.json()) as { accessToken: string }).accessToken;
  }, 180_000);

  afterAll(async () => {
    await owner?.end();
    await stack?.stop();
  });

  it('resumes after the lease lapses and settles every item exactly once', async () => {
    const requested = await fetch(`${stack.apis[0].url}/api/v1/admin/settlements/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({}),
    });
    expect(requested.status).toBe(202);
    const run = (await requested.json()) as SettlementRunView;

    // Let some batches commit, then hold the ledger's writer lock: the next batch writes its settlement and items
    // and then waits in its posting, uncommitted. That is where the worker dies.
    await eventually(
      async () => ((await count(`SELECT count(*) AS n FROM settlements`)) >= 5 ? true : undefined),
      60_000,
    );
    const blocker = new Client({ connectionString: stack.env['DATABASE_URL'] });
    await blocker.connect();
    await blocker.query(`SELECT pg_advisory_lock($1)`, [LEDGER_WRITER_LOCK]);
    const waiting = await eventually(async () => {
      const { rows } = await owner.query(
        `SELECT pid, query FROM pg_stat_activity
          WHERE datname = current_database() AND usename = 'lsp_app' AND wait_event_type = 'Lock'
            AND wait_event = 'advisory' AND query LIKE '%ledger_post_journal%'`,
      );
      return rows.length ? rows : undefined;
    }, 30_000);
    // One batch, or two (a run settles two merchants side by side), each blocked mid-way.
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    // Its settlement row exists, uncommitted: our snapshot cannot see it, but its settlement lock is held.
    const committedBefore = await count(`SELECT count(*) AS n FROM settlements`);

    const worker = stack.workers[0].child;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGKILL');
    await exited;
    await blocker.query(`SELECT pg_advisory_unlock($1)`, [LEDGER_WRITER_LOCK]);
    await blocker.end();
    // The orphaned transaction finds its client gone and rolls back: nothing of the interrupted batch remains.
    await eventually(async () => {
      const { rows } = await owner.query(`SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)`, [
        waiting.map((w: { pid: number }) => w.pid),
      ]);
      return rows.length === 0 ? true : undefined;
    }, 30_000);
    expect(await count(`SELECT count(*) AS n FROM settlements`)).toBe(committedBefore);
    expect(await count(`SELECT count(*) AS n FROM settlements WHERE status <> 'paid'`)).toBe(0);

    await stack.startWorker();
    const done = await eventually(async () => {
      const { rows } = await owner.query(`SELECT status, attempts FROM settlement_runs WHERE id = $1`, [run.id]);
      return rows[0].status === 'completed' ? rows[0] : undefined;
    }, 120_000);
    expect(done.attempts).toBeGreaterThanOrEqual(2);

    // Exactly once: every release journal is one item of one settlement.
    expect(await count(`SELECT count(*) AS n FROM settlement_items`)).toBe(PAYMENTS);
    expect(await count(`SELECT count(DISTINCT source_journal_id) AS n FROM settlement_items`)).toBe(PAYMENTS);
    expect(
      await count(`SELECT count(*) AS n FROM ledger_journals j WHERE j.type = 'release'
                     AND NOT EXISTS (SELECT 1 FROM settlement_items i WHERE i.source_journal_id = j.id)`),
    ).toBe(0);
    // Each settlement is the sum of its items and has its journal; the wallets hold nothing more, and what the
    // merchants were paid is what their captures owed them.
    expect(
      await count(`SELECT count(*) AS n FROM settlements s
                    WHERE s.status <> 'paid' OR s.journal_id IS NULL
                       OR s.amount <> (SELECT sum(amount) FROM settlement_items i WHERE i.settlement_id = s.id)
                       OR s.item_count <> (SELECT count(*) FROM settlement_items i WHERE i.settlement_id = s.id)`),
    ).toBe(0);
    const { rows: books } = await owner.query(`
      SELECT (SELECT sum(amount) FROM settlements)::bigint AS settled,
             (SELECT sum(gross_amount - commission_amount) FROM ledger_journals WHERE type = 'capture')::bigint AS owed,
             (SELECT sum(balance) FROM ledger_accounts WHERE kind = 'merchant_available')::bigint AS available,
             (SELECT sum(balance) FROM ledger_accounts WHERE kind = 'merchant_settled')::bigint AS settled_balance`);
    expect(books[0]).toEqual({
      settled: books[0].owed,
      owed: books[0].owed,
      available: '0',
      settled_balance: books[0].owed,
    });
    // One settlement.paid event per settlement, recorded with it.
    expect(await count(`SELECT count(*) AS n FROM outbox_events WHERE type = 'settlement.paid'`)).toBe(
      await count(`SELECT count(*) AS n FROM settlements`),
    );
  });
});
