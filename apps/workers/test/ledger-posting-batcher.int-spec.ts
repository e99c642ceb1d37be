import { Client } from 'pg';
import {
  Database,
  LedgerPostingBatcher,
  applyCapture,
  dataSourceFor,
  merchantAccount,
  planCapture,
  postCapture,
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

  /** As the events consumer posts a capture: its reads in a transaction of their own, then its journal batched. */
  async function batchedCapture(batcher: LedgerPostingBatcher, paymentId: string) {
    const plan = await db.platform((em) => planCapture(em, paymentId));
    return applyCapture(plan, (posting) => batcher.postJournal(posting));
  }

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

    const plans = await Promise.all(payments.map((p) => db.platform((em) => planCapture(em, p))));
    transactions.mockClear();
    const posted = await Promise.all(plans.map((plan) => applyCapture(plan, (j) => batcher.postJournal(j))));

    expect(posted.every((p) => p.created)).toBe(true);
    expect(transactions).toHaveBeenCalledTimes(2);
    // posted_at is the transaction's start: two transactions of ten journals each.
    const byTransaction = new Map<number, number>();
    for (const row of await capturesOf(merchant)) {
      byTransaction.set(row.posted_at.getTime(), (byTransaction.get(row.posted_at.getTime()) ?? 0) + 1);
    }
    expect([...byTransaction.values()]).toEqual([10, 10]);
    expect(await pendingBalance(merchant)).toBe(20 * 980);

    // Redelivered, planned before or after the first postings committed: nothing more is posted.
    const again = await Promise.all([
      ...plans.map((plan) => applyCapture(plan, (j) => batcher.postJournal(j))),
      ...payments.map((p) => batchedCapture(batcher, p)),
      ...payments.map((p) => batcher.post((em) => postCapture(em, p))),
    ]);
    expect(again.some((p) => p.created)).toBe(false);
    expect(await capturesOf(merchant)).toHaveLength(20);
  });

  it('fails only the posting that fails, before or after it wrote; the rest of its batch commits', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payments = await capturedPayments(merchant, 4);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 1_000, maxSize: 8 });
    const plans = await Promise.all(payments.map((p) => db.platform((em) => planCapture(em, p))));
    const transactions = jest.spyOn(db, 'platform');
    const adjustment = (reference: string, amount: number) =>
      new JournalBuilder('adjustment', `${reference}:${merchant}`, merchant)
        .debit(merchantAccount('merchant_pending', merchant, 'INR'), amount)
        .credit(merchantAccount('merchant_available', merchant, 'INR'), amount)
        .build();

    const outcomes = await Promise.allSettled([
      applyCapture(plans[0], (j) => batcher.postJournal(j)),
      // Refused by the posting function under the ledger lock.
      batcher.postJournal({ journal: adjustment('overdraft', 1_000_000), header: {} }),
      applyCapture(plans[1], (j) => batcher.postJournal(j)),
      // Names a payment that does not exist: its journal is written, then refused by a foreign key.
      batcher.postJournal({ journal: adjustment('unknown-payment', 1), header: { paymentId: newId('payment') } }),
      // Fails before writing.
      batcher.post((em) => postCapture(em, newId('payment'))),
      applyCapture(plans[2], (j) => batcher.postJournal(j)),
      // Wrote a journal, then failed: its savepoint takes the journal back.
      batcher.post(async (em) => {
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
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const reason = (i: number) => (outcomes[i] as PromiseRejectedResult).reason;
    expect(reason(1)).toBeInstanceOf(LedgerError);
    expect(reason(1)).toMatchObject({ code: 'insufficient_funds' });
    expect(reason(3)).toMatchObject({ code: '23503' });
    expect(reason(4)).toBeInstanceOf(LedgerError);
    expect(String(reason(6))).toMatch(/injected failure after posting/);
    expect((await capturesOf(merchant)).map((r) => r.payment_id).sort()).toEqual(
      [payments[0], payments[1], payments[2]].sort(),
    );
    expect(await pendingBalance(merchant)).toBe(3 * 980);
    const { rows } = await owner.query(
      `SELECT (SELECT count(*) FROM ledger_journals WHERE type = 'adjustment' AND merchant_id = $1)::int AS adjustments,
              (SELECT count(*) FROM ledger_pending_releases WHERE merchant_id = $1)::int AS releases`,
      [merchant],
    );
    expect(rows[0]).toEqual({ adjustments: 0, releases: 3 });

    // The failed capture is still unposted, so its retry posts it.
    expect((await batchedCapture(batcher, payments[3])).created).toBe(true);
    expect(await pendingBalance(merchant)).toBe(4 * 980);
  });

  it('rejects every caller and posts nothing of the batch when its transaction does not commit', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payments = await capturedPayments(merchant, 3);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 1_000, maxSize: 4 });
    const journal = newId('journal');

    const plans = await Promise.all(payments.map((p) => db.platform((em) => planCapture(em, p))));

    const outcomes = await Promise.allSettled([
      applyCapture(plans[0], (j) => batcher.postJournal(j)),
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
      applyCapture(plans[2], (j) => batcher.postJournal(j)),
    ]);

    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    for (const o of outcomes) expect(String((o as PromiseRejectedResult).reason)).toMatch(/fewer than two entries/);
    expect(await capturesOf(merchant)).toEqual([]);
    expect(await pendingBalance(merchant)).toBe(0);

    // As BullMQ would: the retries post every capture once.
    const retried = await Promise.all(payments.map((p) => batchedCapture(batcher, p)));
    expect(retried.every((p) => p.created)).toBe(true);
    expect(await pendingBalance(merchant)).toBe(3 * 980);
  });

  it('rejects every caller when the connection dies mid-batch, and a retry posts each posting once', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payments = await capturedPayments(merchant, 2);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 1_000, maxSize: 3 });

    const outcomes = await Promise.allSettled([
      batchedCapture(batcher, payments[0]),
      batcher.post((em) => sql(em, `SELECT pg_terminate_backend(pg_backend_pid())`)),
      batcher.post((em) => postCapture(em, payments[1])),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await capturesOf(merchant)).toEqual([]);
    const retried = await Promise.all(payments.map((p) => batchedCapture(batcher, p)));
    expect(retried.every((p) => p.created)).toBe(true);
    expect(await pendingBalance(merchant)).toBe(2 * 980);
  });

  it('starts a batch after the window when fewer than maxSize postings came', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 1_000);
    const batcher = new LedgerPostingBatcher(db, { windowMs: 20, maxSize: 32 });
    expect((await batchedCapture(batcher, payment)).created).toBe(true);
  });
});
