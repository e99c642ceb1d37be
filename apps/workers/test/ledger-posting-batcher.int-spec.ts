import { Client } from 'pg';
import {
  Database,
  LedgerPostingBatcher,
  dataSourceFor,
  merchantAccount,
  postCapture,
  postJournal,
  sql,
} from '@lsp/persistence';
import { JournalBuilder, LedgerError, newId } from '@lsp/domain';
import { testConfig } from './helpers';
import { createLedgerMerchant, insertCapturedPayment } from './factories/ledger.factory';

describe('ledger posting batcher: group commit with a savepoint per posting (real PostgreSQL)', () => {
  const config = testConfig('ledger-batcher');
  let db: Database;
  let owner: Client;

  beforeAll(async () => {
    const ds = dataSourceFor(config, 'app', 5);
    await ds.initialize();
    db = new Database(ds);
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await owner.end();
    await db.dataSource.destroy();
  });

  afterEach(() => jest.restoreAllMocks());

  async function capturedPayments(merchantId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await insertCapturedPayment(owner, merchantId, 1_000));
    return ids;
  }

  async function capturesOf(merchantId: string): Promise<{ payment_id: string; posted_at: Date }[]> {
    const { rows } = await owner.query(
      `SELECT payment_id, posted_at FROM ledger_journals WHERE merchant_id = $1 AND type = 'capture'`,
      [merchantId],
    );
    return rows;
  }

  async function pendingBalance(merchantId: string): Promise<number> {
    const { rows } = await owner.query(
      `SELECT coalesce(sum(balance), 0) AS balance FROM ledger_accounts
        WHERE merchant_id = $1 AND kind = 'merchant_pending'`,
      [merchantId],
    );
    return Number(rows[0].balance);
  }

  it('posts concurrent postings in shared transactions, at most maxSize each', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payments = await capturedPayments(merchant, 20);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 1_000, maxSize: 10 });
    const transactions = jest.spyOn(db, 'platform');

    const posted = await Promise.all(payments.map((p) => batcher.post((em) => postCapture(em, p))));

    expect(posted.every((p) => p.created)).toBe(true);
    expect(transactions).toHaveBeenCalledTimes(2);
    // posted_at is the transaction's start: two transactions of ten journals each.
    const byTransaction = new Map<number, number>();
    for (const row of await capturesOf(merchant)) {
      byTransaction.set(row.posted_at.getTime(), (byTransaction.get(row.posted_at.getTime()) ?? 0) + 1);
    }
    expect([...byTransaction.values()]).toEqual([10, 10]);
    expect(await pendingBalance(merchant)).toBe(20 * 980);

    // Redelivered: nothing more is posted.
    const again = await Promise.all(payments.map((p) => batcher.post((em) => postCapture(em, p))));
    expect(again.some((p) => p.created)).toBe(false);
    expect(await capturesOf(merchant)).toHaveLength(20);
  });

  it('fails only the posting that fails, before or after it wrote; the rest of its batch commits', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payments = await capturedPayments(merchant, 4);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 1_000, maxSize: 7 });
    const transactions = jest.spyOn(db, 'platform');
    const overdraft = new JournalBuilder('adjustment', `overdraft:${merchant}`, merchant)
      .debit(merchantAccount('merchant_pending', merchant, 'INR'), 1_000_000)
      .credit(merchantAccount('merchant_available', merchant, 'INR'), 1_000_000)
      .build();

    const outcomes = await Promise.allSettled([
      batcher.post((em) => postCapture(em, payments[0])),
      batcher.post((em) => postCapture(em, newId('payment'))), // unknown payment: fails before writing
      batcher.post((em) => postCapture(em, payments[1])),
      batcher.post((em) => postJournal(em, overdraft)), // refused by the posting function, under the ledger lock
      batcher.post((em) => postCapture(em, payments[2])),
      batcher.post(async (em) => {
        // Wrote a journal, then failed: its savepoint takes the journal back.
        await postCapture(em, payments[3]);
        throw new Error('injected failure after posting');
      }),
      batcher.post((em) => sql(em, `SELECT 1 AS one`)),
    ]);

    expect(transactions).toHaveBeenCalledTimes(1);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(LedgerError);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'insufficient_funds' });
    expect(String((outcomes[5] as PromiseRejectedResult).reason)).toMatch(/injected failure after posting/);
    expect((await capturesOf(merchant)).map((r) => r.payment_id).sort()).toEqual(
      [payments[0], payments[1], payments[2]].sort(),
    );
    expect(await pendingBalance(merchant)).toBe(3 * 980);
    const { rows } = await owner.query(
      `SELECT (SELECT count(*) FROM ledger_journals WHERE reference = $1)::int AS overdrafts,
              (SELECT count(*) FROM ledger_pending_releases WHERE payment_id = $2)::int AS releases`,
      [`overdraft:${merchant}`, payments[3]],
    );
    expect(rows[0]).toEqual({ overdrafts: 0, releases: 0 });

    // The failed capture is still unposted, so its retry posts it.
    expect((await batcher.post((em) => postCapture(em, payments[3]))).created).toBe(true);
    expect(await pendingBalance(merchant)).toBe(4 * 980);
  });

  it('rejects every caller and posts nothing of the batch when its transaction does not commit', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payments = await capturedPayments(merchant, 3);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 1_000, maxSize: 4 });
    const journal = newId('journal');

    const outcomes = await Promise.allSettled([
      batcher.post((em) => postCapture(em, payments[0])),
      batcher.post((em) => postCapture(em, payments[1])),
      // Succeeds on its own, but its journal has no entries: the deferred check fails the COMMIT of the batch.
      batcher.post((em) =>
        sql(
          em,
          `INSERT INTO ledger_journals (id, type, reference, occurred_at, prev_hash, hash)
           VALUES ($1, 'adjustment', $2, now(), repeat('0', 64), repeat('2', 64))`,
          [journal, `no-entries:${merchant}`],
        ),
      ),
      batcher.post((em) => postCapture(em, payments[2])),
    ]);

    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    for (const o of outcomes) expect(String((o as PromiseRejectedResult).reason)).toMatch(/fewer than two entries/);
    expect(await capturesOf(merchant)).toEqual([]);
    expect(await pendingBalance(merchant)).toBe(0);

    // As BullMQ would: the retries post every capture once.
    const retried = await Promise.all(payments.map((p) => batcher.post((em) => postCapture(em, p))));
    expect(retried.every((p) => p.created)).toBe(true);
    expect(await pendingBalance(merchant)).toBe(3 * 980);
  });

  it('rejects every caller when the connection dies mid-batch, and a retry posts each posting once', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payments = await capturedPayments(merchant, 2);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 1_000, maxSize: 3 });

    const outcomes = await Promise.allSettled([
      batcher.post((em) => postCapture(em, payments[0])),
      batcher.post((em) => sql(em, `SELECT pg_terminate_backend(pg_backend_pid())`)),
      batcher.post((em) => postCapture(em, payments[1])),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await capturesOf(merchant)).toEqual([]);
    const retried = await Promise.all(payments.map((p) => batcher.post((em) => postCapture(em, p))));
    expect(retried.every((p) => p.created)).toBe(true);
    expect(await pendingBalance(merchant)).toBe(2 * 980);
  });

  it('starts a batch after the window when fewer than maxSize postings came', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 1_000);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 20, maxSize: 32 });
    expect((await batcher.post((em) => postCapture(em, payment))).created).toBe(true);
  });
});
