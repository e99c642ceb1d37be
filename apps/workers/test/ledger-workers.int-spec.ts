import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { JournalBuilder } from '@lsp/domain';
import {
  Database,
  type LedgerCheckResult,
  dataSourceFor,
  merchantAccount,
  postCapture,
  postJournal,
  postRefund,
  recordEvent,
  runLedgerCheck,
  setWalletThreshold,
  sql,
} from '@lsp/persistence';
import { type JobName, addJob, eventJobId, jobId } from '@lsp/queues';
import { eventually } from '@lsp/testing';
import type { ReconciliationResult } from '../src/ledger/reconcile-ledger.processor';
import { createLedgerMerchant, insertCapturedPayment, insertSucceededRefund } from './factories/ledger.factory';
import { bootWorkers, clearPrefix, testConfig } from './helpers';

const DAY = 86_400_000;

describe('ledger workers', () => {
  const config = testConfig('ledger', { WORKER_QUEUES: 'events,ledger' });
  let app: INestApplicationContext;
  let db: Database;
  let owner: Client;
  let ledgerQueue: Queue;
  let eventsQueue: Queue;
  let run = 0;

  async function runJob<T>(job: JobName<'ledger'>): Promise<T> {
    run++;
    const added = await addJob(
      ledgerQueue,
      'ledger',
      job,
      { trigger: 'manual' },
      { jobId: jobId('ledger', job, 'manual', `run${run}`) },
    );
    return eventually(async () => {
      const state = await added.getState();
      if (state === 'failed') throw new Error(`${job} failed`);
      if (state !== 'completed') return undefined;
      return (await ledgerQueue.getJob(added.id as string))?.returnvalue as T;
    }, 20_000);
  }

  async function journals(paymentId: string): Promise<{ type: string; reference: string }[]> {
    const { rows } = await owner.query(
      `SELECT type, reference FROM ledger_journals WHERE payment_id = $1 ORDER BY seq`,
      [paymentId],
    );
    return rows;
  }

  async function balance(merchantId: string, kind: string): Promise<number> {
    const { rows } = await owner.query(`SELECT balance FROM ledger_accounts WHERE merchant_id = $1 AND kind = $2`, [
      merchantId,
      kind,
    ]);
    return Number((rows[0] as { balance: string } | undefined)?.balance ?? 0);
  }

  async function openAlerts(
    fingerprint: string,
  ): Promise<{ occurrences: number; message: string; details: Record<string, unknown> }[]> {
    const { rows } = await owner.query(
      `SELECT occurrences, message, details FROM alerts WHERE fingerprint = $1 AND status <> 'resolved'`,
      [fingerprint],
    );
    return rows;
  }

  beforeAll(async () => {
    owner = new Client({ connectionString: config.databaseUrl });
    await owner.connect();
    app = await bootWorkers(config, { outboxRelay: { idleDelayMs: 50 } });
    db = app.get(Database);
    ledgerQueue = app.get<Queue>(getQueueToken('ledger'));
    eventsQueue = app.get<Queue>(getQueueToken('events'));
  });

  afterAll(async () => {
    await app.close();
    await owner.end();
    await clearPrefix(config);
  });

  it('posts captured payments and succeeded refunds from the outbox, once, also when an event is delivered again', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 20_000);
    const captured = await db.platform((em) =>
      recordEvent(em, {
        type: 'payment.captured',
        merchantId: merchant,
        aggregateType: 'payment',
        aggregateId: payment,
        payload: { id: payment, object: 'payment' },
      }),
    );
    await eventually(async () => ((await journals(payment)).length === 1 ? true : undefined));
    expect(await balance(merchant, 'merchant_pending')).toBe(19_600);

    const refund = await insertSucceededRefund(owner, payment, 5_000);
    await db.platform((em) =>
      recordEvent(em, {
        type: 'refund.succeeded',
        merchantId: merchant,
        aggregateType: 'refund',
        aggregateId: refund,
        payload: { id: refund, object: 'refund' },
      }),
    );
    await eventually(async () => ((await journals(payment)).length === 2 ? true : undefined));
    expect(await balance(merchant, 'merchant_pending')).toBe(14_700);

    // The same event again as a fresh job (its first job gone): the handler runs and posts nothing new.
    const original = await eventually(async () => {
      const job = await eventsQueue.getJob(eventJobId({ type: 'payment.captured', id: captured }));
      return job?.finishedOn ? job : undefined;
    });
    const again = await eventsQueue.add('payment.captured', original.data, { jobId: `${original.id as string}-again` });
    await eventually(async () => ((await again.getState()) === 'completed' ? true : undefined));
    expect((await eventsQueue.getJob(again.id as string))?.returnvalue).toEqual({
      handled: expect.arrayContaining(['transactions-stream', 'ledger-postings']),
    });
    expect(await journals(payment)).toEqual([
      { type: 'capture', reference: `capture:${payment}` },
      { type: 'refund', reference: `refund:${refund}` },
    ]);
    expect(await balance(merchant, 'merchant_pending')).toBe(14_700);
  });

  it('releases matured captures to available and leaves younger ones pending', async () => {
    const merchant = await createLedgerMerchant(owner, 'T+1');
    const [old, young] = [
      await insertCapturedPayment(owner, merchant, 10_000),
      await insertCapturedPayment(owner, merchant, 30_000),
    ];
    await db.platform((em) => postCapture(em, old, new Date(Date.now() - 2 * DAY)));
    await db.platform((em) => postCapture(em, young, new Date()));

    const result = await runJob<{ released: number }>('release-pending-funds');
    expect(result.released).toBeGreaterThanOrEqual(1);
    expect(await balance(merchant, 'merchant_available')).toBe(9_800);
    expect(await balance(merchant, 'merchant_pending')).toBe(29_400);
    // A second run moves nothing twice.
    await runJob('release-pending-funds');
    expect(await balance(merchant, 'merchant_available')).toBe(9_800);
  });

  it('raises a wallet-low alert once per crossing and resolves it when the wallet is back above', async () => {
    const merchant = await createLedgerMerchant(owner, 'T+1');
    const fingerprint = `wallet-low:${merchant}:INR`;
    await db.platform((em) => setWalletThreshold(em, merchant, 'INR', 15_000));

    await runJob('monitor-wallet-balances');
    expect(await openAlerts(fingerprint)).toEqual([expect.objectContaining({ occurrences: 1 })]);
    // Still below: checked again, not raised again.
    await runJob('monitor-wallet-balances');
    expect(await openAlerts(fingerprint)).toEqual([expect.objectContaining({ occurrences: 1 })]);

    const payment = await insertCapturedPayment(owner, merchant, 20_000);
    await db.platform((em) => postCapture(em, payment, new Date(Date.now() - 2 * DAY)));
    await runJob('release-pending-funds');
    await runJob('monitor-wallet-balances');
    expect(await openAlerts(fingerprint)).toEqual([]);

    // A refund taken from available money drops the wallet below again: a new crossing, a new alert.
    const refund = await insertSucceededRefund(owner, payment, 10_000);
    await db.platform((em) => postRefund(em, refund));
    expect(await balance(merchant, 'merchant_available')).toBe(9_800);
    await runJob('monitor-wallet-balances');
    await runJob('monitor-wallet-balances');
    const { rows } = await owner.query(
      `SELECT id, status, occurrences FROM alerts WHERE fingerprint = $1 ORDER BY first_seen_at, id`,
      [fingerprint],
    );
    expect(rows).toEqual([
      expect.objectContaining({ status: 'resolved', occurrences: 1 }),
      expect.objectContaining({ status: 'open', occurrences: 1 }),
    ]);
    expect(rows[1].id).not.toBe(rows[0].id);
  });

  it('names a captured payment that has no capture journal once it is older than the grace window', async () => {
    const fingerprint = 'reconciliation-break:payments-journaled';
    const subjects = async (): Promise<string[]> =>
      (await openAlerts(fingerprint)).flatMap((a) => (a.details['subjects'] as string[] | undefined) ?? []);
    const merchant = await createLedgerMerchant(owner);
    // More unjournaled captures than an alert names, as other suites leave in the shared database (an hour old).
    const others: string[] = [];
    for (let i = 0; i < 25; i++) others.push(await insertCapturedPayment(owner, merchant, 1_000 + i));
    await owner.query(`UPDATE payments SET updated_at = now() - interval '1 hour' WHERE id = ANY($1)`, [others]);
    const payment = await insertCapturedPayment(owner, merchant, 25_000);

    // Just captured: its journal may still be on its way through the outbox, so it is not a break yet.
    await runJob('reconcile-ledger');
    expect(await subjects()).not.toContain(`payment:${payment}`);

    await owner.query(`UPDATE payments SET updated_at = now() - interval '30 days' WHERE id = $1`, [payment]);
    try {
      const broken = await runJob<ReconciliationResult>('reconcile-ledger');
      expect(broken.ok).toBe(false);
      expect(broken.checks.find((c) => c.check === 'payments-journaled')).toMatchObject({ ok: false });
      // The longest-standing break leads the alert, however many younger ones there are.
      const [alert] = await openAlerts(fingerprint);
      expect(alert.details['subjects']).toContain(`payment:${payment}`);
      expect(alert.message).toContain(`captured payment ${payment} of 25000 INR has no capture journal`);
    } finally {
      // Journaled late, as a recovered posting consumer would: no longer a break, nor the fixtures.
      for (const id of [payment, ...others]) await db.platform((em) => postCapture(em, id));
    }
    await runJob('reconcile-ledger');
    expect(await subjects()).not.toContain(`payment:${payment}`);
  });

  it('names the account of a negative balance and the payment of a second capture journal', async () => {
    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 10_000);
    await db.platform((em) => postCapture(em, payment));
    const {
      rows: [{ id: accountId }],
    } = await owner.query(`SELECT id FROM ledger_accounts WHERE merchant_id = $1 AND kind = 'merchant_pending'`, [
      merchant,
    ]);
    // Both breaks are made, checked and rolled back in one transaction of the database owner, who may lift the
    // overdraft constraint (DDL is transactional): nothing of it is ever seen by the rest of the suite.
    const ownerDb = new Database(dataSourceFor(config, 'owner', 1));
    await ownerDb.dataSource.initialize();
    const rollback = new Error('rollback');
    let negative: LedgerCheckResult | undefined;
    let duplicated: LedgerCheckResult | undefined;
    try {
      await expect(
        ownerDb.platform(async (em) => {
          // A second capture journal for the payment under another reference (the one-per-cause key bypassed).
          const again = new JournalBuilder('capture', `capture:${payment}:again`, merchant)
            .debit(merchantAccount('merchant_pending', merchant, 'INR'), 100)
            .credit(merchantAccount('merchant_available', merchant, 'INR'), 100)
            .build();
          await postJournal(em, again, { paymentId: payment, grossAmount: 100 });
          await sql(em, `ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_no_overdraft`);
          await sql(em, `UPDATE ledger_accounts SET balance = -100 WHERE id = $1`, [accountId]);
          negative = await runLedgerCheck(em, 'no-negative-balance');
          duplicated = await runLedgerCheck(em, 'one-journal-per-reference');
          throw rollback;
        }),
      ).rejects.toBe(rollback);
    } finally {
      await ownerDb.dataSource.destroy();
    }
    expect(negative).toMatchObject({ ok: false });
    expect(negative?.breaks).toContainEqual({
      subject: `account:${accountId}`,
      message: `merchant_pending INR of ${merchant} is negative: -100`,
    });
    expect(duplicated).toMatchObject({ ok: false });
    expect(duplicated?.breaks).toContainEqual({
      subject: `payment:${payment}`,
      message: `2 capture journals for payment ${payment}`,
    });

    // Rolled back: the constraint is in force again and both checks pass for this merchant.
    await expect(owner.query(`UPDATE ledger_accounts SET balance = -1 WHERE id = $1`, [accountId])).rejects.toThrow(
      /ledger_accounts_no_overdraft/,
    );
    const after = await db.platform(async (em) => [
      await runLedgerCheck(em, 'no-negative-balance'),
      await runLedgerCheck(em, 'one-journal-per-reference'),
    ]);
    const named = after.flatMap((r) => r.breaks.map((b) => b.subject));
    expect(named).not.toContain(`account:${accountId}`);
    expect(named).not.toContain(`payment:${payment}`);
  });

  it('reconciles a clean ledger, then names the account and journal of a tampered entry', async () => {
    // `payments-journaled` reads every payment of the database the workers suites share, and other suites insert
    // captured payments as fixtures without postings; the ledger's own invariants are what this test proves.
    const failing = (r: ReconciliationResult) =>
      r.checks
        .filter((c) => !c.ok && c.check !== 'payments-journaled')
        .map((c) => c.check)
        .sort();
    const clean = await runJob<ReconciliationResult>('reconcile-ledger');
    expect(failing(clean)).toEqual([]);

    const merchant = await createLedgerMerchant(owner);
    const payment = await insertCapturedPayment(owner, merchant, 40_000);
    const posted = await db.platform((em) => postCapture(em, payment));
    const { rows } = await owner.query(
      `SELECT e.id, e.account_id FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
        WHERE e.journal_id = $1 AND a.kind = 'merchant_pending'`,
      [posted.journalId],
    );
    const [{ id: entryId, account_id: accountId }] = rows as { id: string; account_id: string }[];
    // Someone with owner rights inflates the merchant's share (the balance triggers check inserts, not edits).
    await owner.query(`UPDATE ledger_entries SET amount = amount + 500 WHERE id = $1`, [entryId]);
    try {
      const broken = await runJob<ReconciliationResult>('reconcile-ledger');
      expect(broken.ok).toBe(false);
      expect(failing(broken)).toEqual(['account-balances', 'currency-zero-sum', 'hash-chain', 'journals-balanced']);
      const [accountAlert] = await openAlerts('reconciliation-break:account-balances');
      expect(accountAlert.message).toMatch(
        new RegExp(`merchant_pending INR of ${merchant} holds 39200 but its entries sum to 39700`),
      );
      expect(accountAlert.details).toMatchObject({ subjects: [`account:${accountId}`] });
      const [chainAlert] = await openAlerts('reconciliation-break:hash-chain');
      expect(chainAlert.details).toMatchObject({ subjects: [`journal:${posted.journalId}`] });
    } finally {
      await owner.query(`UPDATE ledger_entries SET amount = amount - 500 WHERE id = $1`, [entryId]);
    }
    const repaired = await runJob<ReconciliationResult>('reconcile-ledger');
    expect(failing(repaired)).toEqual([]);
    expect(await openAlerts('reconciliation-break:account-balances')).toEqual([]);
  });
});
