import { Client } from 'pg';
import {
  Database,
  dataSourceFor,
  isPendingRelease,
  journalIdByReference,
  postCapture,
  postJournal,
  postRefund,
  releaseDue,
  merchantAccount,
} from '@lsp/persistence';
import { JournalBuilder, LedgerError } from '@lsp/domain';
import { testConfig } from './helpers';
import { createLedgerMerchant, insertCapturedPayment, insertSucceededRefund } from './factories/ledger.factory';

const DAY = 86_400_000;

describe('ledger postings (real PostgreSQL)', () => {
  const config = testConfig('ledger-postings');
  let db: Database;
  let owner: Client;

  beforeAll(async () => {
    // 40 connections, and callers queue for one as long as needed: 1,000 postings are in flight at once.
    const ds = dataSourceFor(config, 'app', 40);
    ds.setOptions({ extra: { ...(ds.options.extra as object), connectionTimeoutMillis: 120_000 } });
    await ds.initialize();
    db = new Database(ds);
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await owner.end();
    await db.dataSource.destroy();
  });

  async function balances(merchantId: string): Promise<Record<string, number>> {
    const { rows } = await owner.query(
      `SELECT kind, balance FROM ledger_accounts WHERE merchant_id = $1 AND currency = 'INR'`,
      [merchantId],
    );
    return Object.fromEntries(rows.map((r: { kind: string; balance: string }) => [r.kind, Number(r.balance)]));
  }

  async function entriesOf(reference: string): Promise<{ kind: string; amount: number }[]> {
    const { rows } = await owner.query(
      `SELECT a.kind, e.amount FROM ledger_entries e JOIN ledger_journals j ON j.id = e.journal_id
         JOIN ledger_accounts a ON a.id = e.account_id WHERE j.reference = $1 ORDER BY a.kind`,
      [reference],
    );
    return rows.map((r: { kind: string; amount: string }) => ({ kind: r.kind, amount: Number(r.amount) }));
  }

  it('posts a capture as clearing → merchant pending (net) + platform commission, once', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 10_000);

    const first = await db.platform((em) => postCapture(em, payment));
    expect(first).toMatchObject({ created: true, commission: 200, commissionRuleId: 'cmr_00000000000000000000000001' });
    expect(await entriesOf(`capture:${payment}`)).toEqual([
      { kind: 'gateway_clearing', amount: -10_000 },
      { kind: 'merchant_pending', amount: 9_800 },
      { kind: 'platform_commission', amount: 200 },
    ]);
    const { rows } = await owner.query(
      `SELECT commission_rule_version, commission_amount FROM ledger_journals WHERE id = $1`,
      [first.journalId],
    );
    expect(rows[0]).toEqual({ commission_rule_version: 1, commission_amount: '200' });

    // A redelivered payment.captured event posts nothing new.
    const replay = await db.platform((em) => postCapture(em, payment));
    expect(replay).toMatchObject({ created: false, journalId: first.journalId });
    expect(await balances(merchant)).toEqual({ merchant_pending: 9_800 });
  });

  it('reverses a refund pro rata, from pending, and exactly in full after several partial refunds', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 333);
    await db.platform((em) => postCapture(em, payment)); // 2 % of 333 = 6.66 → 7
    const parts = [100, 100, 133];
    const splits = [];
    for (const amount of parts) {
      const refund = await insertSucceededRefund(owner, payment, amount);
      splits.push(await db.platform((em) => postRefund(em, refund)));
    }
    expect(splits.map((s) => s.merchant + s.commission)).toEqual(parts);
    expect(splits.reduce((s, r) => s + r.commission, 0)).toBe(7);
    expect(splits.every((s) => s.from === 'merchant_pending')).toBe(true);
    expect(await balances(merchant)).toEqual({ merchant_pending: 0 });
  });

  it('moves pending to available at the cut-off, then refunds come out of available', async () => {
    const merchant = await createLedgerMerchant(owner, 'T+2');
    const payment = await insertCapturedPayment(owner, merchant, 50_000);
    const capturedAt = new Date();
    await db.platform((em) => postCapture(em, payment, capturedAt));

    // Not yet due tomorrow for T+2; due the day after.
    expect(
      (await db.platform((em) => releaseDue(em, new Date(capturedAt.getTime() + DAY), { merchantId: merchant })))
        .released,
    ).toBe(0);
    const released = await db.platform((em) =>
      releaseDue(em, new Date(capturedAt.getTime() + 2 * DAY), { merchantId: merchant }),
    );
    expect(released).toEqual({ released: 1, amount: 49_000, refused: [] });
    expect(await balances(merchant)).toEqual({ merchant_pending: 0, merchant_available: 49_000 });

    const refund = await insertSucceededRefund(owner, payment, 10_000);
    const posted = await db.platform((em) => postRefund(em, refund));
    expect(posted).toMatchObject({ from: 'merchant_available', merchant: 9_800, commission: 200 });
    expect(await balances(merchant)).toEqual({ merchant_pending: 0, merchant_available: 39_200 });
  });

  it('releases everything captured before a cut-off on request, whatever the schedule', async () => {
    const merchant = await createLedgerMerchant(owner, 'T+2');
    const [early, late] = [
      await insertCapturedPayment(owner, merchant, 1_000),
      await insertCapturedPayment(owner, merchant, 2_000),
    ];
    const cutoff = new Date();
    await db.platform((em) => postCapture(em, early, new Date(cutoff.getTime() - 60_000)));
    await db.platform((em) => postCapture(em, late, new Date(cutoff.getTime() + 60_000)));
    const result = await db.platform((em) => releaseDue(em, cutoff, { merchantId: merchant, capturedBefore: cutoff }));
    expect(result).toEqual({ released: 1, amount: 980, refused: [] });
    expect(await balances(merchant)).toEqual({ merchant_pending: 1_960, merchant_available: 980 });
  });

  it('holds a release the ledger refuses, alerts once, moves the rest of the batch, and retries it later', async () => {
    const merchant = await createLedgerMerchant(owner);
    const [small, large] = [
      await insertCapturedPayment(owner, merchant, 1_000),
      await insertCapturedPayment(owner, merchant, 10_000),
    ];
    const t0 = Date.now();
    await db.platform((em) => postCapture(em, small, new Date(t0 - 120_000))); // pending 980
    await db.platform((em) => postCapture(em, large, new Date(t0 - 60_000))); // pending 10 780
    // A hand-made journal takes 9 000 out of pending: the small release still fits, the large one no longer does.
    const move = (reference: string, from: 'merchant_pending' | 'merchant_available', amount: number) =>
      db.platform((em) =>
        postJournal(
          em,
          new JournalBuilder('adjustment', `${reference}:${merchant}`, merchant)
            .debit(merchantAccount(from, merchant, 'INR'), amount)
            .credit(
              merchantAccount(from === 'merchant_pending' ? 'merchant_available' : 'merchant_pending', merchant, 'INR'),
              amount,
            )
            .build(),
        ),
      );
    await move('drain', 'merchant_pending', 9_000);

    const until = new Date(t0 + 3 * DAY);
    const first = await db.platform((em) => releaseDue(em, until, { merchantId: merchant }));
    expect(first).toMatchObject({ released: 1, amount: 980 });
    expect(first.refused).toEqual([
      { paymentId: large, merchantId: merchant, currency: 'INR', amount: 9_800, reason: expect.any(String) },
    ]);
    expect(await balances(merchant)).toEqual({ merchant_pending: 800, merchant_available: 9_980 });
    const { rows: held } = await owner.query(
      `SELECT payment_id, retry_after, refusal FROM ledger_pending_releases WHERE merchant_id = $1`,
      [merchant],
    );
    expect(held).toEqual([
      { payment_id: large, retry_after: new Date(until.getTime() + 3_600_000), refusal: expect.any(String) },
    ]);
    const alerts = async () =>
      (
        await owner.query(
          `SELECT severity, status, occurrences, merchant_id, details->>'amount' AS amount FROM alerts WHERE fingerprint = $1`,
          [`ledger-release-refused:${large}`],
        )
      ).rows;
    expect(await alerts()).toEqual([
      { severity: 'critical', status: 'open', occurrences: 1, merchant_id: merchant, amount: '9800' },
    ]);

    // Held: the next pass before its retry time leaves it alone (no second alert, no failure).
    expect(await db.platform((em) => releaseDue(em, until, { merchantId: merchant }))).toEqual({
      released: 0,
      amount: 0,
      refused: [],
    });
    expect(await alerts()).toMatchObject([{ status: 'open', occurrences: 1 }]);

    // Repaired by a journal that gives the 9 000 back: the retry moves it and resolves the alert.
    await move('repair', 'merchant_available', 9_000);
    const retried = await db.platform((em) =>
      releaseDue(em, new Date(until.getTime() + 2 * 3_600_000), { merchantId: merchant }),
    );
    expect(retried).toEqual({ released: 1, amount: 9_800, refused: [] });
    expect(await balances(merchant)).toEqual({ merchant_pending: 0, merchant_available: 10_780 });
    expect(await alerts()).toMatchObject([{ status: 'resolved' }]);
    expect(await db.platform((em) => isPendingRelease(em, large))).toBe(false);
  });

  it('refuses a refund that would overdraw the wallet, posting nothing', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 10_000);
    await db.platform((em) => postCapture(em, payment));
    await db.platform((em) => releaseDue(em, new Date(Date.now() + 3 * DAY), { merchantId: merchant }));
    // The available money leaves (as a settlement would) before the refund arrives.
    await db.platform((em) =>
      postJournal(
        em,
        new JournalBuilder('adjustment', `test-payout:${merchant}`, merchant)
          .debit(merchantAccount('merchant_available', merchant, 'INR'), 9_000)
          .credit(merchantAccount('merchant_settled', merchant, 'INR'), 9_000)
          .build(),
      ),
    );
    const refund = await insertSucceededRefund(owner, payment, 5_000);

    const error = await db.platform((em) => postRefund(em, refund)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: 'insufficient_funds' });
    expect((error as Error).message).toMatch(
      /merchant_available INR .* holds 800, journal refund:rfd_\w+ would change it by -4900/,
    );
    expect(await db.platform((em) => journalIdByReference(em, `refund:${refund}`))).toBeNull();
    expect(await balances(merchant)).toMatchObject({ merchant_available: 800 });
  });

  it('leaves no orphan entries and no moved balance when a failure strikes between legs', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 12_345);
    // Fails the second leg of this merchant's journal, after the first leg was written.
    await owner.query(`
      CREATE FUNCTION test_fail_second_leg() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.merchant_id = '${merchant}' THEN RAISE EXCEPTION 'injected failure between legs'; END IF;
        RETURN NEW;
      END $$`);
    await owner.query(
      `CREATE TRIGGER test_fail_second_leg BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION test_fail_second_leg()`,
    );
    try {
      await expect(db.platform((em) => postCapture(em, payment))).rejects.toThrow(/injected failure/);
    } finally {
      await owner.query(`DROP TRIGGER test_fail_second_leg ON ledger_entries; DROP FUNCTION test_fail_second_leg()`);
    }
    const { rows } = await owner.query(
      `SELECT (SELECT count(*) FROM ledger_journals WHERE payment_id = $1)::int AS journals,
              (SELECT count(*) FROM ledger_entries WHERE merchant_id = $2)::int AS entries,
              (SELECT count(*) FROM ledger_pending_releases WHERE payment_id = $1)::int AS releases`,
      [payment, merchant],
    );
    expect(rows[0]).toEqual({ journals: 0, entries: 0, releases: 0 });
    expect(await balances(merchant)).toEqual({});

    // The cause is still unposted, so a retry posts it in full.
    expect((await db.platform((em) => postCapture(em, payment))).created).toBe(true);
    expect(await balances(merchant)).toEqual({ merchant_pending: 12_098 });
  });

  it('rejects at commit a journal whose entries do not sum to zero, even written by hand', async () => {
    const { rows } = await owner.query(`SELECT id FROM ledger_accounts ORDER BY id LIMIT 1`);
    const account = (rows[0] as { id: string }).id;
    await owner.query('BEGIN');
    await owner.query(
      `INSERT INTO ledger_journals (id, type, reference, occurred_at, prev_hash, hash)
       VALUES ('jnl_01JZZZZZZZZZZZZZZZZZZZZZZZ', 'adjustment', 'hand-made', now(), repeat('0', 64), repeat('1', 64))`,
    );
    await owner.query(
      `INSERT INTO ledger_entries (id, journal_id, account_id, currency, amount, balance_after) VALUES
       ('ent_01JZZZZZZZZZZZZZZZZZZZZZZ1', 'jnl_01JZZZZZZZZZZZZZZZZZZZZZZZ', $1, 'INR', 100, 0),
       ('ent_01JZZZZZZZZZZZZZZZZZZZZZZ2', 'jnl_01JZZZZZZZZZZZZZZZZZZZZZZZ', $1, 'INR', -99, 0)`,
      [account],
    );
    await expect(owner.query('COMMIT')).rejects.toThrow(/does not balance in INR/);
    const { rows: left } = await owner.query(`SELECT 1 FROM ledger_journals WHERE reference = 'hand-made'`);
    expect(left).toEqual([]);
  });

  it('keeps journals and entries append-only for the runtime role', async () => {
    await expect(db.platform((em) => em.query(`UPDATE ledger_entries SET amount = amount * 2`))).rejects.toThrow(
      /permission denied/,
    );
    await expect(db.platform((em) => em.query(`DELETE FROM ledger_journals`))).rejects.toThrow(/permission denied/);
  });

  it('shows a merchant scope its own accounts only', async () => {
    const [a, b] = [await createLedgerMerchant(owner), await createLedgerMerchant(owner)];
    for (const m of [a, b])
      await db.platform(async (em) => postCapture(em, await insertCapturedPayment(owner, m, 1_000)));
    const seen = await db.merchant(a, (em) => em.query(`SELECT DISTINCT merchant_id FROM ledger_accounts`));
    expect(seen).toEqual([{ merchant_id: a }]);
    const entries = await db.merchant(a, (em) => em.query(`SELECT DISTINCT merchant_id FROM ledger_entries`));
    expect(entries).toEqual([{ merchant_id: a }]);
  });

  it('never overdraws and never deadlocks under 1,000 concurrent debits of one wallet', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 100_000);
    await db.platform((em) => postCapture(em, payment)); // pending 98 000
    const attempts = Array.from({ length: 1_000 }, (_, i) =>
      db
        .platform((em) =>
          postJournal(
            em,
            new JournalBuilder('adjustment', `drain:${merchant}:${i}`, merchant)
              .debit(merchantAccount('merchant_pending', merchant, 'INR'), 137)
              .credit(merchantAccount('merchant_available', merchant, 'INR'), 137)
              .build(),
          ),
        )
        .then(
          () => 'ok' as const,
          (e: unknown) => (e instanceof LedgerError && e.code === 'insufficient_funds' ? ('refused' as const) : e),
        ),
    );
    const outcomes = await Promise.all(attempts);
    const unexpected = outcomes.filter((o) => o !== 'ok' && o !== 'refused');
    expect(unexpected).toEqual([]);
    // 98 000 / 137 = 715 debits fit; the rest are refused.
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(715);
    expect(await balances(merchant)).toEqual({ merchant_pending: 98_000 - 715 * 137, merchant_available: 715 * 137 });
  }, 120_000);
});
