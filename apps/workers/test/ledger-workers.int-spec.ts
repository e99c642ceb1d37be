import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { Database, postCapture, recordEvent, setWalletThreshold } from '@lsp/persistence';
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
