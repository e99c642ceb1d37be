import { Client } from 'pg';
import {
  Database,
  claimRun,
  createManualRun,
  dataSourceFor,
  ensureScheduledRuns,
  executeRun,
  findRun,
  merchantAccount,
  platformAccount,
  postJournal,
  type SettlementRunRow,
} from '@lsp/persistence';
import { JournalBuilder, newId, scheduledCutoff } from '@lsp/domain';
import { testConfig } from './helpers';
import { createLedgerMerchant } from './factories/ledger.factory';
import { refundNow, releaseMatured, seedCaptures } from './factories/settlement.factory';

const HOUR_MS = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LEASE_MS = 60_000;

describe('settlement runs (real PostgreSQL)', () => {
  const config = testConfig('settlement-runs');
  let db: Database;
  let owner: Client;

  beforeAll(async () => {
    const ds = dataSourceFor(config, 'app', 10);
    await ds.initialize();
    db = new Database(ds);
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    // Runs left open by another test would be claimed here first; each test claims only its own.
  });

  afterAll(async () => {
    await owner.end();
    await db.dataSource.destroy();
  });

  async function requestRun(merchantId: string | null, cutoff = new Date()): Promise<SettlementRunRow> {
    return db.platform((em) => createManualRun(em, { merchantId, cutoff, requestedBy: 'test' }));
  }

  /** Claims every open run (the test's own) and works them, like one worker tick. */
  async function runOpen(batchSize = 1000): Promise<SettlementRunRow[]> {
    const done: SettlementRunRow[] = [];
    for (let run = await claimRun(db, LEASE_MS); run; run = await claimRun(db, LEASE_MS)) {
      done.push(await executeRun(db, run, { batchSize, leaseMs: LEASE_MS }));
    }
    return done;
  }

  async function balances(merchantId: string, currency = 'INR'): Promise<Record<string, number>> {
    const { rows } = await owner.query(
      `SELECT kind, balance FROM ledger_accounts WHERE merchant_id = $1 AND currency = $2`,
      [merchantId, currency],
    );
    return Object.fromEntries(rows.map((r: { kind: string; balance: string }) => [r.kind, Number(r.balance)]));
  }

  async function settlementsOf(
    merchantId: string,
  ): Promise<{ id: string; currency: string; amount: number; item_count: number; status: string }[]> {
    const { rows } = await owner.query(
      `SELECT id, currency, amount::int, item_count, status FROM settlements WHERE merchant_id = $1 ORDER BY id`,
      [merchantId],
    );
    return rows;
  }

  async function itemsOf(merchantId: string): Promise<{ source_journal_id: string; amount: number; type: string }[]> {
    const { rows } = await owner.query(
      `SELECT i.source_journal_id, i.amount::int, j.type FROM settlement_items i
         JOIN ledger_journals j ON j.id = i.source_journal_id WHERE i.merchant_id = $1 ORDER BY i.source_journal_id`,
      [merchantId],
    );
    return rows;
  }

  it('settles every matured net amount once: one item per release or refund, one journal available → settled', async () => {
    const merchant = await createLedgerMerchant(owner, 'manual');
    const captures = await seedCaptures(owner, db, merchant, [10_000, 20_000, 5_000]);
    await releaseMatured(db, merchant);
    // A refund taken from available money is a negative item of the next settlement.
    const refunded = await refundNow(owner, db, captures[1].paymentId, 3_000);
    // Captured after the run's cut-off (while the run waits for a worker): not this run's, stays pending.
    const cutoff = new Date();
    await sleep(5);
    const [fresh] = await seedCaptures(owner, db, merchant, [7_000], { daysAgo: 0 });

    await requestRun(merchant, cutoff);
    const [run] = await runOpen();

    const expected = captures.reduce((sum, c) => sum + c.net, 0) - refunded;
    expect(run).toMatchObject({ status: 'completed', settlements_created: 1, items_settled: '4', refusals: [] });
    const [settlement] = await settlementsOf(merchant);
    expect(settlement).toMatchObject({ currency: 'INR', amount: expected, item_count: 4, status: 'paid' });
    const items = await itemsOf(merchant);
    expect(items.map((i) => i.type).sort()).toEqual(['refund', 'release', 'release', 'release']);
    expect(items.find((i) => i.type === 'refund')?.amount).toBe(-refunded);
    expect(items.reduce((s, i) => s + i.amount, 0)).toBe(expected);
    expect(await balances(merchant)).toEqual({
      merchant_pending: fresh.net,
      merchant_available: 0,
      merchant_settled: expected,
    });
    // The settlement journal is in the hash-chained ledger and the event is in the outbox, same transaction.
    const { rows: journals } = await owner.query(
      `SELECT j.reference, j.gross_amount::int FROM ledger_journals j JOIN settlements s ON s.journal_id = j.id
        WHERE s.merchant_id = $1`,
      [merchant],
    );
    expect(journals).toEqual([{ reference: `settlement:${settlement.id}`, gross_amount: expected }]);
    const { rows: events } = await owner.query(`SELECT type, payload FROM outbox_events WHERE aggregate_id = $1`, [
      settlement.id,
    ]);
    expect(events).toEqual([
      {
        type: 'settlement.paid',
        payload: expect.objectContaining({ id: settlement.id, object: 'settlement', amount: expected, status: 'paid' }),
      },
    ]);

    // Running again (a redelivered job, a second request with the same cut-off) finds nothing left to settle.
    await requestRun(merchant, cutoff);
    const [again] = await runOpen();
    expect(again).toMatchObject({ status: 'completed', settlements_created: 0 });
    expect(await settlementsOf(merchant)).toHaveLength(1);
  });

  it("settles today's captures on a manual run with the default cut-off, not those captured after it", async () => {
    const merchant = await createLedgerMerchant(owner, 'T+1');
    // Captured a minute ago: their T+1 cut-off is the next Indian midnight, yet an on-demand run settles them.
    const today = await seedCaptures(owner, db, merchant, [10_000, 4_000], { daysAgo: 0.001 });
    const matured = await seedCaptures(owner, db, merchant, [3_000]);
    const run = await requestRun(merchant);
    await sleep(5);
    const [late] = await seedCaptures(owner, db, merchant, [6_000], { daysAgo: 0 });

    const [done] = await runOpen();

    const expected = [...today, ...matured].reduce((s, c) => s + c.net, 0);
    expect(done).toMatchObject({ id: run.id, status: 'completed', settlements_created: 1, items_settled: '3' });
    expect((await settlementsOf(merchant)).map((s) => s.amount)).toEqual([expected]);
    expect(await balances(merchant)).toEqual({
      merchant_pending: late.net,
      merchant_available: 0,
      merchant_settled: expected,
    });
    // The late capture keeps its scheduled release; a second run with a later cut-off settles it, and only it.
    const { rows: pending } = await owner.query(
      `SELECT payment_id FROM ledger_pending_releases WHERE merchant_id = $1`,
      [merchant],
    );
    expect(pending).toEqual([{ payment_id: late.paymentId }]);
    await requestRun(merchant);
    await runOpen();
    expect((await settlementsOf(merchant)).map((s) => s.amount)).toEqual([expected, late.net]);
    expect(await itemsOf(merchant)).toHaveLength(4);
  });

  it('settles each currency apart and never sums across currencies', async () => {
    const merchant = await createLedgerMerchant(owner, 'T+1');
    const inr = await seedCaptures(owner, db, merchant, [10_000, 2_000]);
    const usd = await seedCaptures(owner, db, merchant, [500], { currency: 'USD' });
    await requestRun(merchant);
    await runOpen();
    const byCurrency = Object.fromEntries((await settlementsOf(merchant)).map((s) => [s.currency, s.amount]));
    expect(byCurrency).toEqual({ INR: inr[0].net + inr[1].net, USD: usd[0].net });
    expect((await balances(merchant, 'USD')).merchant_settled).toBe(usd[0].net);
  });

  it("completes a run when one of a merchant's releases is refused: the rest is settled, the refusal named", async () => {
    const merchant = await createLedgerMerchant(owner, 'T+1');
    const [inr] = await seedCaptures(owner, db, merchant, [10_000]);
    const [usd] = await seedCaptures(owner, db, merchant, [500], { currency: 'USD' });
    // A hand-made journal took most of the INR pending wallet: its release would overdraw it.
    await db.platform((em) =>
      postJournal(
        em,
        new JournalBuilder('adjustment', `drain:${merchant}`, merchant)
          .debit(merchantAccount('merchant_pending', merchant, 'INR'), 9_000)
          .credit(platformAccount('platform_commission', 'INR'), 9_000)
          .build(),
      ),
    );
    const run = await requestRun(merchant);
    const [done] = await runOpen();

    expect(done).toMatchObject({ id: run.id, status: 'completed', settlements_created: 1, items_settled: '1' });
    expect(done.refusals).toEqual([
      {
        merchantId: merchant,
        currency: 'INR',
        code: 'release_refused',
        message: expect.stringContaining(inr.paymentId),
      },
    ]);
    expect((await settlementsOf(merchant)).map((s) => [s.currency, s.amount])).toEqual([['USD', usd.net]]);
    expect(await balances(merchant)).toEqual({ merchant_pending: inr.net - 9_000 });
    const { rows: held } = await owner.query(
      `SELECT payment_id, refusal IS NOT NULL AS refused FROM ledger_pending_releases WHERE merchant_id = $1`,
      [merchant],
    );
    expect(held).toEqual([{ payment_id: inr.paymentId, refused: true }]);
  });

  it('settles only what was captured by the cut-off', async () => {
    const merchant = await createLedgerMerchant(owner, 'manual');
    const old = await seedCaptures(owner, db, merchant, [4_000], { daysAgo: 5 });
    const recent = await seedCaptures(owner, db, merchant, [6_000], { daysAgo: 2 });
    await requestRun(merchant, new Date(Date.now() - 3 * 24 * HOUR_MS));
    await runOpen();
    expect((await settlementsOf(merchant)).map((s) => s.amount)).toEqual([old[0].net]);
    expect(await balances(merchant)).toMatchObject({ merchant_available: recent[0].net, merchant_settled: old[0].net });
  });

  it('refuses a settlement that would overdraw the wallet and posts nothing', async () => {
    const merchant = await createLedgerMerchant(owner, 'manual');
    const [capture] = await seedCaptures(owner, db, merchant, [10_000]);
    await releaseMatured(db, merchant);
    // Refunded after the run's cut-off: not an item of this settlement, yet already gone from the wallet.
    const cutoff = new Date(Date.now() - HOUR_MS);
    const refunded = await refundNow(owner, db, capture.paymentId, 6_000);
    const before = await balances(merchant);
    const { rows: journalsBefore } = await owner.query(`SELECT count(*)::int AS n FROM ledger_journals`);

    await requestRun(merchant, cutoff);
    const [run] = await runOpen();

    expect(run.status).toBe('completed');
    expect(run.refusals).toEqual([
      expect.objectContaining({ merchantId: merchant, currency: 'INR', code: 'insufficient_funds' }),
    ]);
    expect(run.refusals[0].message).toMatch(/insufficient funds/);
    expect(await settlementsOf(merchant)).toEqual([]);
    expect(await itemsOf(merchant)).toEqual([]);
    expect(await balances(merchant)).toEqual(before);
    expect(before.merchant_available).toBe(capture.net - refunded);
    const { rows: journalsAfter } = await owner.query(`SELECT count(*)::int AS n FROM ledger_journals`);
    expect(journalsAfter[0].n).toBe(journalsBefore[0].n);
  });

  it("refuses a settlement item whose merchant, payment or refund is not its source journal's", async () => {
    const merchant = await createLedgerMerchant(owner, 'manual');
    const other = await createLedgerMerchant(owner, 'manual');
    const [mine, theirs] = [
      ...(await seedCaptures(owner, db, merchant, [5_000])),
      ...(await seedCaptures(owner, db, other, [7_000])),
    ];
    await releaseMatured(db, merchant);
    const {
      rows: [release],
    } = await owner.query(
      `SELECT id, merchant_id, payment_id FROM ledger_journals WHERE payment_id = $1 AND type = 'release'`,
      [mine.paymentId],
    );
    const insertItem = (copy: { merchant: string; payment: string | null; refund: string | null }) =>
      db.platform(async (em) => {
        const settlementId = newId('settlement');
        await em.query(
          `INSERT INTO settlements (id, merchant_id, currency, status, cutoff) VALUES ($1, $2, 'INR', 'processing', now())`,
          [settlementId, merchant],
        );
        await em.query(
          `INSERT INTO settlement_items (settlement_id, source_journal_id, merchant_id, payment_id, refund_id, amount)
           VALUES ($1, $2, $3, $4, $5, 1)`,
          [settlementId, release.id, copy.merchant, copy.payment, copy.refund],
        );
      });

    // The copies are checked against the journal per statement (they replaced three per-row foreign keys).
    for (const copy of [
      { merchant: other, payment: mine.paymentId, refund: null },
      { merchant, payment: theirs.paymentId, refund: null },
      { merchant, payment: null, refund: null },
    ]) {
      await expect(insertItem(copy)).rejects.toThrow(/does not copy that journal/);
    }
    expect(await itemsOf(merchant)).toEqual([]);
    // The faithful copy is accepted (and rolled back nothing else).
    await insertItem({ merchant, payment: mine.paymentId, refund: null });
    expect((await itemsOf(merchant)).map((i) => i.source_journal_id)).toEqual([release.id]);
  });

  it('settles every item exactly once when two runs race over the same merchants in small batches', async () => {
    const merchants = [await createLedgerMerchant(owner, 'T+1'), await createLedgerMerchant(owner, 'T+2')];
    let expected = 0;
    for (const merchant of merchants) {
      const amounts = Array.from({ length: 60 }, (_, i) => 1_000 + i * 7);
      expected += (await seedCaptures(owner, db, merchant, amounts)).reduce((s, c) => s + c.net, 0);
    }
    // Two runs per merchant, each run one merchant's: a run for every merchant would also release and settle what
    // other suites are doing to their own merchants in the shared database at this moment (a manual run releases
    // everything captured up to its cut-off).
    const requested = [];
    for (const merchant of merchants) requested.push(await requestRun(merchant), await requestRun(merchant));
    const claimed = [];
    for (let i = 0; i < requested.length; i++) claimed.push(await claimRun(db, LEASE_MS));
    expect(claimed.map((r) => r?.id).sort()).toEqual(requested.map((r) => r.id).sort());
    // All at once, 7 items per settlement, so the batches of each merchant's two runs interleave.
    const done = await Promise.all(
      claimed.map((run) => executeRun(db, run as SettlementRunRow, { batchSize: 7, leaseMs: LEASE_MS })),
    );
    expect(done.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const { rows: byRun } = await owner.query(
      `SELECT s.run_id, count(*)::int AS n FROM settlement_items i JOIN settlements s ON s.id = i.settlement_id
        WHERE i.merchant_id = ANY($1) GROUP BY s.run_id`,
      [merchants],
    );
    expect(byRun.reduce((sum: number, r: { n: number }) => sum + r.n, 0)).toBe(120);

    let settled = 0;
    for (const merchant of merchants) {
      const items = await itemsOf(merchant);
      expect(items).toHaveLength(60);
      expect(new Set(items.map((i) => i.source_journal_id)).size).toBe(60);
      const settlements = await settlementsOf(merchant);
      expect(settlements.reduce((s, x) => s + x.item_count, 0)).toBe(60);
      const b = await balances(merchant);
      expect(b.merchant_available).toBe(0);
      expect(b.merchant_settled).toBe(settlements.reduce((s, x) => s + x.amount, 0));
      settled += b.merchant_settled;
    }
    expect(settled).toBe(expected);

    // A redelivered run (its job ran again after it had finished) settles nothing more.
    const redelivered = await executeRun(db, done[0], { batchSize: 7, leaseMs: LEASE_MS });
    const stored = await db.platform((em) => findRun(em, redelivered.id));
    expect(Number(stored?.items_settled)).toBe(Number(done[0].items_settled));
    for (const merchant of merchants) expect(await itemsOf(merchant)).toHaveLength(60);
  });

  it('creates one scheduled run per schedule and day, settling only the merchants on that schedule', async () => {
    const now = new Date();
    // Two workers ticking at once still make one run per schedule.
    const created = await Promise.all([
      db.platform((em) => ensureScheduledRuns(em, now)),
      db.platform((em) => ensureScheduledRuns(em, now)),
    ]);
    const { rows } = await owner.query(
      `SELECT schedule, cutoff, status FROM settlement_runs WHERE trigger = 'schedule' ORDER BY schedule`,
    );
    expect(rows.map((r: { schedule: string; cutoff: Date }) => [r.schedule, r.cutoff.toISOString()])).toEqual([
      ['T+1', scheduledCutoff('T+1', now).toISOString()],
      ['T+2', scheduledCutoff('T+2', now).toISOString()],
    ]);
    expect(created.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await db.platform((em) => ensureScheduledRuns(em, now))).toBe(0);

    const manual = await createLedgerMerchant(owner, 'manual');
    await seedCaptures(owner, db, manual, [9_000], { daysAgo: 4 });
    const daily = await createLedgerMerchant(owner, 'T+1');
    const [capture] = await seedCaptures(owner, db, daily, [9_000], { daysAgo: 4 });
    // Captured today: the T+1 run leaves it pending for tomorrow's run (only a manual run settles it early).
    const [today] = await seedCaptures(owner, db, daily, [5_000], { daysAgo: 0 });
    await runOpen();
    expect((await settlementsOf(daily)).map((s) => s.amount)).toEqual([capture.net]);
    expect(await balances(daily)).toMatchObject({ merchant_pending: today.net, merchant_settled: capture.net });
    expect(await settlementsOf(manual)).toEqual([]);
  });
});
